from django.contrib import admin

from civicgrid.core.admin import ChangeLogAdmin
from civicgrid.core.forms import ModelForm
from civicgrid.dashboard import actions
from civicgrid.dashboard.models import Task, WarningFiring, WarningRule


class WarningRuleForm(ModelForm):
    class Meta:
        model = WarningRule
        fields = "__all__"

    def clean_notify_role(self):
        return actions.check_notify_role(self.cleaned_data.get("notify_role", ""))


@admin.register(WarningRule)
class WarningRuleAdmin(ChangeLogAdmin, admin.ModelAdmin):
    """Saves through dashboard.actions (checked, change-logged); the history page lists the rows."""

    list_display = ("name", "kind", "region", "threshold", "radius_m", "days", "action", "notify_role", "is_active")
    list_filter = ("kind", "action", "is_active")
    raw_id_fields = ("region",)
    form = WarningRuleForm

    def save_model(self, request, obj, form, change):
        actions.save_warning_rule(obj, user=request.user)

    def delete_model(self, request, obj):
        actions.delete_warning_rule(obj, user=request.user)


@admin.register(WarningFiring)
class WarningFiringAdmin(admin.ModelAdmin):
    list_display = ("message", "rule", "status", "fired_at", "acknowledged_by", "acknowledged_at", "cleared_at")
    list_filter = ("status", "rule__kind")
    raw_id_fields = ("case", "acknowledged_by")
    readonly_fields = ("rule", "key", "region_code", "fired_at", "action_result")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "role", "region_code", "created_at", "done_at", "done_by")
    raw_id_fields = ("firing", "done_by")
