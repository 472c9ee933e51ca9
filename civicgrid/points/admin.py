"""The admin site shows the ledger read-only (entries are never edited: a correction is a reversing
entry, on the account page) and lets system admins change the rules through actions.save_rule."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civicgrid.points import actions
from civicgrid.points.models import Account, Entry, Rule


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "trigger", "kind", "points", "daily_cap", "monthly_cap", "active")
    readonly_fields = ("code",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        actions.save_rule(request.user, obj)


class ReadOnly(admin.ModelAdmin):
    @admin.display(description=_("编号"), ordering="pk")
    def number(self, obj):
        return obj.pk

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnly):
    list_display = ("number", "owner_kind", "owner_id", "name", "hongde", "youai", "shanzhi", "time_minutes")


@admin.register(Entry)
class EntryAdmin(ReadOnly):
    list_display = ("number", "account", "kind", "amount", "rule", "source", "event", "at")
