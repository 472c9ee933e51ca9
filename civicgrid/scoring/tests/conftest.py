"""The cases app's small world (tree, categories, departments, one user per role and their
neighbours: civicgrid.cases.tests.conftest), plus grid workers on a second grid and street, and
helpers that publish grid work's events as its actions will (inside a transaction)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.cases.tests.conftest import _fast_and_unlimited, advance, report  # noqa: F401
from civicgrid.cases.tests.conftest import world as case_world  # noqa: F401
from civicgrid.core import events
from civicgrid.gridwork.events import PatrolEnded, TaskFormSubmitted, VisitLogged
from civicgrid.testing import make_user


@pytest.fixture
def world(case_world):  # noqa: F811
    people = case_world.people
    people.grid_c2 = make_user("grid_c2", Role.GRID_WORKER, case_world.tree["S1C2G1"])
    people.grid_s2 = make_user("grid_s2", Role.GRID_WORKER, case_world.tree["S2C1G1"])
    return case_world


def now():
    return timezone.now().replace(microsecond=0)


def patrol(user, grid, *, patrol_id=1, hours=2.0, coverage=0.5, checkins=2, ended=None):
    ended = ended or now()
    event = PatrolEnded(
        patrol_id=patrol_id,
        user_id=user.pk,
        grid_code=grid.code,
        started_at=ended - timedelta(hours=hours),
        ended_at=ended,
        seconds=int(hours * 3600),
        coverage=coverage,
        checkins=checkins,
    )
    with transaction.atomic():
        events.publish(event)
    return event


def visit(user, region, *, visit_id=1, planned=False, at=None):
    with transaction.atomic():
        events.publish(
            VisitLogged(visit_id=visit_id, user_id=user.pk, region_code=region.code, at=at or now(), planned=planned)
        )


def task_form(user, grid, *, task_id=1, target_id=1, on_time=True, at=None):
    with transaction.atomic():
        events.publish(
            TaskFormSubmitted(
                task_id=task_id,
                target_id=target_id,
                user_id=user.pk,
                grid_code=grid.code,
                at=at or now(),
                on_time=on_time,
            )
        )


def snapshot():
    """Every scoring row, for 'nothing changed' assertions."""
    from civicgrid.scoring.models import MedalRule, MonthlyScore, MonthlyTally, ScoreEntry, ScoreRule

    return SimpleNamespace(
        entries=list(ScoreEntry.objects.order_by("pk").values_list("pk", "points")),
        tallies=list(MonthlyTally.objects.order_by("pk").values_list("pk", "count", "points")),
        totals=list(MonthlyScore.objects.order_by("pk").values_list("pk", "points", "entries")),
        rules=list(ScoreRule.objects.order_by("pk").values_list("metric", "points", "monthly_cap", "is_active")),
        medal=list(MedalRule.objects.values_list("per_street", "min_points", "min_patrol_hours", "no_bad_rating")),
    )
