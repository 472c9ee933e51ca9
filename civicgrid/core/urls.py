from django.urls import path

from civicgrid.core import csp_reports, views

app_name = "core"
urlpatterns = [
    path("health/", views.health, name="health"),
    path("csp-report/", csp_reports.csp_report, name="csp_report"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/result/", views.job_result, name="job_result"),
]
