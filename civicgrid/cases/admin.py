"""Admin: categories are edited here (the shipped table is a starting point); cases, their events
and requests are read-only, because every change must go through the workflow actions."""

from django.contrib import admin

from civicgrid.cases import catalogue
from civicgrid.cases.models import (
    AbuseReport,
    Attachment,
    BoardComment,
    BoardModeration,
    BoardSetting,
    Case,
    CaseEvent,
    Category,
    Evaluation,
    ExtensionRequest,
    VoidRequest,
)
from civicgrid.core.admin import ChangeLogAdmin


@admin.register(Category)
class CategoryAdmin(ChangeLogAdmin, admin.ModelAdmin):
    """Saves through cases.catalogue, so every change of a category and its time limits is in the
    change log with who made it; the history page lists the rows (and the loader's imports)."""

    list_display = (
        "code",
        "name",
        "kind",
        "parent",
        "default_level",
        "default_department_kind",
        "handle_limit",
        "handle_unit",
        "resident_selectable",
        "is_active",
    )
    list_filter = ("kind", "edition", "default_level", "is_active", "resident_selectable")
    search_fields = ("code", "name", "name_en", "keywords")
    autocomplete_fields = ("parent", "default_department")
    ordering = ("kind", "code")

    def save_model(self, request, obj, form, change):
        catalogue.save_category(obj, user=request.user)

    def delete_model(self, request, obj):
        catalogue.delete_category(obj, user=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "status", "category", "source", "region_code", "reported_at", "step_due_at")
    list_filter = ("status", "source", "handling_level")
    search_fields = ("number", "title", "external_order_no")
    date_hierarchy = "reported_at"
    show_full_result_count = False  # a count over millions of cases is slow and not needed here


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "seq", "type", "actor", "actor_role", "created_at")
    list_filter = ("type",)
    search_fields = ("case__number",)
    list_select_related = ("case", "actor")
    show_full_result_count = False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("case", "round", "score", "satisfied", "on_behalf", "created_at")
    list_filter = ("satisfied", "score")


@admin.register(ExtensionRequest, VoidRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ("case", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("status",)


# Attachments and the board are read-only here too: files are checked and stripped on upload, and
# moderation goes through board_actions so that every hiding is logged with its reason.
@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "content_type", "size", "uploaded_by", "created_at", "visibility")
    list_filter = ("kind", "visibility")
    search_fields = ("case__number", "sha256")
    list_select_related = ("case", "uploaded_by")
    exclude = ("file", "thumbnail")  # served only through the access-checked attachment view


@admin.register(BoardComment)
class BoardCommentAdmin(ReadOnlyAdmin):
    list_display = ("case", "author", "created_at", "is_hidden", "hidden_reason")
    list_filter = ("is_hidden",)
    search_fields = ("case__number", "text")
    list_select_related = ("case", "author")


@admin.register(AbuseReport)
class AbuseReportAdmin(ReadOnlyAdmin):
    list_display = ("case", "comment", "reporter", "reason", "created_at", "resolved_at")
    list_filter = ("resolved_at",)
    search_fields = ("case__number", "reason")
    list_select_related = ("case", "reporter")


@admin.register(BoardModeration)
class BoardModerationAdmin(ReadOnlyAdmin):
    list_display = ("case", "comment", "action", "reason", "moderator", "created_at")
    list_filter = ("action",)
    list_select_related = ("case", "moderator")


@admin.register(BoardSetting)
class BoardSettingAdmin(ReadOnlyAdmin):
    """Changed on the board page by its moderators (board_actions.set_board_policy, change-logged)."""

    list_display = ("community", "show_reports", "updated_by", "updated_at")
    list_filter = ("show_reports",)
    list_select_related = ("community", "updated_by")
