from django.urls import path

from civicgrid.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("map/", views.map_page, name="map"),
]
