from django.urls import path

from civicgrid.people.views import data, pages

app_name = "people"
urlpatterns = [
    path("", pages.index, name="index"),
    path("search/", pages.search, name="search"),
    path("unverified/", pages.unverified, name="unverified"),
    path("map/", pages.map_page, name="map"),
    path("map/data/", pages.map_data, name="map_data"),
    path("access-log/", pages.access_log, name="access_log"),
    path("buildings/<int:pk>/", pages.building, name="building"),
    path("houses/<int:pk>/", pages.house, name="house"),
    path("houses/<int:pk>/verify/", pages.verify, name="verify"),
    path("houses/<int:pk>/persons/", pages.add_person, name="add_person"),
    path("houses/<int:pk>/rentals/", pages.add_rental, name="add_rental"),
    path("persons/<int:pk>/tags/", pages.person_tags, name="person_tags"),
    path("enterprises/", pages.enterprises, name="enterprises"),
    path("households/<int:pk>/", pages.household, name="household"),
    path("persons/<int:pk>/", pages.person, name="person"),
    path("persons/<int:pk>/edit/", pages.person_edit, name="person_edit"),
    path("persons/<int:pk>/move-out/", pages.person_move_out, name="person_move_out"),
    path("persons/<int:pk>/unmask/", pages.unmask, name="unmask"),
    path("import/", data.import_page, name="import"),
    path("import/template/<slug:kind>/", data.template, name="template"),
    path("import/<int:pk>/errors/", data.import_errors, name="import_errors"),
    path("export/", data.export_persons, name="export"),
]
