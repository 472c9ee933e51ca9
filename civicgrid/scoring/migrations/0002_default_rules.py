"""The default score rules (civicgrid.scoring.metrics) and the 金牌网格员 rule, editable afterwards."""

from decimal import Decimal

from django.db import migrations

# Frozen here: a later change of the defaults in code does not rewrite an install's rules.
DEFAULTS = [
    ("patrol_time", "2", "100"),
    ("patrol_coverage", "2", "40"),
    ("patrol_checkin", "0.5", "20"),
    ("case_found", "3", "60"),
    ("case_on_time", "5", None),
    ("case_late", "-2", None),
    ("visit", "1", "60"),
    ("visit_planned", "1", "30"),
    ("house_check", "0.5", "30"),
    ("task_form", "1", "60"),
    ("task_form_late", "0.3", "20"),
    ("rating_good", "2", None),
    ("rating_bad", "-3", None),
    ("dept_signed_on_time", "2", None),
    ("dept_signed_late", "0", None),
    ("dept_handled_on_time", "5", None),
    ("dept_handled_late", "-3", None),
    ("dept_rating_good", "1", None),
    ("dept_rating_bad", "-2", None),
]


def seed(apps, schema_editor):
    ScoreRule = apps.get_model("scoring", "ScoreRule")
    MedalRule = apps.get_model("scoring", "MedalRule")
    for metric, points, cap in DEFAULTS:
        ScoreRule.objects.get_or_create(
            metric=metric, defaults={"points": Decimal(points), "monthly_cap": Decimal(cap) if cap else None}
        )
    if not MedalRule.objects.exists():
        MedalRule.objects.create()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
