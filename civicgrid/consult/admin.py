"""Admin: read-only lists of polls and meetings (writes go through the pages and their actions)."""

from django.contrib import admin

from civicgrid.consult.models import Meeting, Poll


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Poll)
class PollAdmin(ReadOnly):
    list_display = ("title", "region_code", "status", "electorate", "anonymous", "ballot_count", "closes_at")
    list_filter = ("status", "electorate")
    search_fields = ("title",)


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ("title", "region_code", "status", "starts_at")
    list_filter = ("status",)
    search_fields = ("title",)
