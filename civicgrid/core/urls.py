from django.urls import path

from civicgrid.core import csp_reports, views

app_name = "core"
urlpatterns = [
    path("health/", views.health, name="health"),
    path("csp-report/", csp_reports.csp_report, name="csp_report"),
]
