from django.urls import path

from civicgrid.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.screen, name="screen"),
    path("api/summary/", views.summary, name="summary"),
    path("api/trend/", views.trend, name="trend"),
    path("api/categories/", views.categories, name="categories"),
    path("api/rankings/", views.rankings, name="rankings"),
    path("api/areas/", views.areas, name="areas"),
    path("api/map/", views.map_data, name="map"),
    path("api/markers/", views.markers, name="markers"),
    path("api/population/", views.population, name="population"),
    path("api/warnings/", views.warnings_data, name="warnings"),
    path("api/needs/", views.needs_data, name="needs"),
    path("warnings/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
]
