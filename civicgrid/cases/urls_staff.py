"""URL patterns of the staff pages (included by civicgrid/cases/urls.py under the "cases" namespace)."""

from django.urls import path

from civicgrid.cases.views import staff, stats

urlpatterns = [
    path("staff/queue/", staff.queue, name="staff_queue"),
    path("staff/queue/export/", staff.export_ledger, name="staff_export"),
    path("staff/queue/dispatch/", staff.bulk_dispatch, name="staff_bulk_dispatch"),
    path("staff/hotline/", staff.hotline, name="staff_hotline"),
    path("staff/entry/", staff.staff_entry, name="staff_entry"),
    path("tasks/", staff.tasks, name="tasks"),
    path("stats/", stats.overview, name="stats"),
    path("staff/<str:key>/", staff.detail, name="staff_detail"),
    path("staff/<str:key>/version/", staff.case_version, name="staff_version"),
    path("staff/<str:key>/act/<str:action>/", staff.act, name="staff_act"),
]
