"""Demo data for the big screen: the rollups recounted (demo cases may be bulk-written), one
warning rule of each kind with sensible thresholds, and a first run of the rules."""

from civicgrid.accounts.models import Role
from civicgrid.dashboard import actions, rollups, warnings
from civicgrid.dashboard.models import RuleAction, RuleKind, WarningRule

DEFAULT_RULES = [
    (
        "案件超期预警",
        RuleKind.NEAR_DUE,
        {"threshold": 0, "action": RuleAction.NOTIFY, "notify_role": Role.COMMUNITY_STAFF},
    ),
    (
        "网格积案预警",
        RuleKind.GRID_OPEN,
        {"threshold": 5, "action": RuleAction.TASK, "notify_role": Role.COMMUNITY_STAFF},
    ),
    (
        "同类问题高发预警",
        RuleKind.HOTSPOT,
        {"threshold": 3, "radius_m": 200, "days": 7, "action": RuleAction.TASK, "notify_role": Role.STREET_STAFF},
    ),
    (
        "独居老人走访预警",
        RuleKind.ELDERLY_NOT_VISITED,
        {"threshold": 30, "action": RuleAction.TASK, "notify_role": Role.GRID_WORKER},
    ),
    (
        "部门按期结案率预警",
        RuleKind.DEPARTMENT_ON_TIME,
        {"threshold": 80, "days": 30, "action": RuleAction.NOTIFY, "notify_role": Role.COMMAND_OPERATOR},
    ),
]


def seed_dashboard(district):
    rollups.rebuild()
    for name, kind, options in DEFAULT_RULES:
        if not WarningRule.objects.filter(name=name, kind=kind).exists():
            actions.save_warning_rule(WarningRule(name=name, kind=kind, region=district, **options))
    return warnings.run_rules()


def seed_demo(run):
    """Seeder (civicgrid.core.demo): rollups rebuilt and the demo warning rules."""
    return f"dashboard: rollups rebuilt, warning rules {seed_dashboard(run.made['district'])}"
