"""Notices in the admin: read-only lists (writes go through the staff pages and actions.py)."""

from django.contrib import admin

from civicgrid.core.admin import ChangeLogAdmin
from civicgrid.notices.models import Notice, NoticeRead


class ReadOnly(ChangeLogAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ("title", "kind", "status", "region_code", "pinned", "published_at")
    list_filter = ("kind", "status", "pinned")
    search_fields = ("title",)


@admin.register(NoticeRead)
class NoticeReadAdmin(ReadOnly):
    list_display = ("notice", "user", "read_at")
