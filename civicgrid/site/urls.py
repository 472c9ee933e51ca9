from django.urls import path

from civicgrid.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
]
