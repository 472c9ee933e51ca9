from django.contrib import admin

from civicgrid.dashboard.models import Task, WarningFiring, WarningRule


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "threshold", "radius_m", "days", "action", "notify_role", "is_active")
    list_filter = ("kind", "action", "is_active")
    raw_id_fields = ("region",)


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
