"""The change log in the admin: a mixin that records what an admin save or delete changed and shows
a record's change rows (civicgrid.core.changelog) as its "History" page.

    @admin.register(WarningRule)
    class WarningRuleAdmin(ChangeLogAdmin, admin.ModelAdmin):
        def save_model(self, request, obj, form, change):
            actions.save_warning_rule(obj, user=request.user)   # the action writes the change row

An admin whose model has action functions overrides save_model/delete_model to call them (the actions
write the rows); without one, the mixin's own save_model/delete_model snapshot the stored row before
and the saved row after (`changelog_fields`, by default every concrete field but `changelog_exclude`).
Core imports no project app, so the mixin knows no model by name.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from civicgrid.core.changelog import (
    changes_for_all,
    delete_logged,
    editable_fields,
    record_change,
    snapshot,
    stored_snapshot,
)
from civicgrid.core.models import ObjectChange

HISTORY_PAGE_SIZE = 50


class ChangeLogAdmin:
    """Mix in before ModelAdmin. Records admin saves and deletes in the change log (unless a
    subclass routes them through its actions) and lists the record's change rows as its history."""

    changelog_fields = None
    changelog_exclude = ()
    object_history_template = "admin/object_changes.html"

    def history_records(self, obj):
        """The records whose change rows the history page of `obj` lists: `obj` itself, and for a
        record edited with its inlines (an application and its keys) those rows too."""
        return [obj]

    def changelog_field_names(self):
        if self.changelog_fields is not None:
            return list(self.changelog_fields)
        return editable_fields(self.model, self.changelog_exclude)

    def save_model(self, request, obj, form, change):
        fields = self.changelog_field_names()
        with transaction.atomic():
            before = stored_snapshot(obj, fields) if change else None
            super().save_model(request, obj, form, change)
            action = ObjectChange.Action.UPDATE if change else ObjectChange.Action.CREATE
            record_change(request.user, obj, action, before, snapshot(obj, fields))

    def delete_model(self, request, obj):
        fields = self.changelog_field_names()
        with transaction.atomic():
            delete_logged(
                request.user, obj, snapshot(obj, fields), lambda: super(ChangeLogAdmin, self).delete_model(request, obj)
            )

    def delete_queryset(self, request, queryset):
        """The changelist's "delete selected": one by one, so each deletion is logged (and goes
        through delete_model, hence through the subclass's action where there is one)."""
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        """The record's change rows, newest first, paged."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("记录不存在。"))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        records = self.history_records(obj)
        page = Paginator(changes_for_all(records), HISTORY_PAGE_SIZE).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("变更记录：%(record)s") % {"record": obj},
            "subtitle": None,
            "module_name": str(capfirst(opts.verbose_name_plural)),
            "object": obj,
            "opts": opts,
            "page": page,
            "changes": page.object_list,
            "show_records": len(records) > 1,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)
