from django.urls import path

from civicgrid.resident import views

app_name = "resident"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
]
