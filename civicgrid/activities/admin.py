"""Admin pages: read-only lists (writes go through the actions, on the app's own pages)."""

from django.contrib import admin

from civicgrid.activities.models import Activity, Enrolment


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnly):
    list_display = ("title", "status", "starts_at", "region_code", "capacity", "seats_taken")
    list_filter = ("status", "kind")
    search_fields = ("title",)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnly):
    list_display = ("activity", "user", "status", "checked_in_at", "no_show")
    list_filter = ("status", "no_show")
