"""Admin: the score rules and the medal rule are changed through the actions (permission checked,
logged, published); entries and totals are read-only."""

from django.contrib import admin, messages

from civicgrid.scoring import actions
from civicgrid.scoring.errors import ScoringError
from civicgrid.scoring.models import MedalRule, MonthlyScore, ScoreEntry, ScoreRule


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ThroughActions(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            self.apply(request.user, obj)
        except ScoringError as error:
            messages.error(request, error.message)


@admin.register(ScoreRule)
class ScoreRuleAdmin(ThroughActions):
    list_display = ("metric", "points", "monthly_cap", "is_active", "updated_at")
    fields = ("metric", "points", "monthly_cap", "is_active")
    readonly_fields = ("metric",)

    def apply(self, user, obj):
        actions.update_rule(user, obj.metric, points=obj.points, monthly_cap=obj.monthly_cap, is_active=obj.is_active)


@admin.register(MedalRule)
class MedalRuleAdmin(ThroughActions):
    list_display = ("per_street", "min_points", "min_patrol_hours", "no_bad_rating")
    fields = ("per_street", "min_points", "min_patrol_hours", "no_bad_rating")

    def apply(self, user, obj):
        actions.update_medal_rule(
            user,
            per_street=obj.per_street,
            min_points=obj.min_points,
            min_patrol_hours=obj.min_patrol_hours,
            no_bad_rating=obj.no_bad_rating,
        )


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ReadOnly):
    list_display = ("kind", "user", "department", "metric", "points", "source", "source_id", "at")
    list_filter = ("kind", "metric", "month")


@admin.register(MonthlyScore)
class MonthlyScoreAdmin(ReadOnly):
    list_display = ("kind", "user", "department", "region", "month", "points", "entries")
    list_filter = ("kind", "month", "level")
