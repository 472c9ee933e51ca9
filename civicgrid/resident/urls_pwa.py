"""The installable web app's URLs, at the site root: a service worker controls only the pages under
its own path, so it is served as /sw.js (included by civicgrid/urls.py under the "pwa" namespace)."""

from django.urls import path

from civicgrid.resident import views

app_name = "pwa"
urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]
