"""The case loop scores through its own events: a grid worker's 随手拍 is a case found; a grid-level
case closed on time scores its handler; the reporter's rating scores the handler; a department
scores for signing a dispatched case (报到) and feeding back on time."""

from datetime import timedelta
from decimal import Decimal

import pytest

from civicgrid.cases import actions
from civicgrid.cases.models import Case, HandlingLevel, Source, Status
from civicgrid.scoring import demo
from civicgrid.scoring.models import Kind, MonthlyScore, ScoreEntry
from civicgrid.scoring.tests.conftest import advance, report

pytestmark = pytest.mark.django_db


def metrics_of(**key):
    return sorted(ScoreEntry.objects.filter(**key).values_list("metric", flat=True))


def test_a_grid_workers_report_is_a_case_found(world):
    case = report(world, user=world.people.grid, source=Source.GRID_PHOTO)
    entry = ScoreEntry.objects.get(user=world.people.grid, metric="case_found")
    assert (entry.source, entry.source_id, entry.points) == ("cases.case", str(case.pk), Decimal("3.00"))
    report(world)  # a resident's report scores nobody
    assert ScoreEntry.objects.count() == 1


def test_a_grid_case_closed_on_time_and_rated_scores_its_handler(world):
    case = advance(world, report(world), Status.CLOSED)
    assert metrics_of(user=world.people.grid) == ["case_on_time"]
    actions.evaluate_case(case, world.people.resident, version=case.version, score=5, satisfied=True)
    assert metrics_of(user=world.people.grid) == ["case_on_time", "rating_good"]
    assert MonthlyScore.objects.get(kind=Kind.WORKER, user=world.people.grid).points == Decimal("7.00")


def test_a_late_grid_case_loses_points(world):
    case = advance(world, report(world), Status.VERIFIED)
    Case.objects.filter(pk=case.pk).update(overall_due_at=case.reported_at - timedelta(hours=1))
    case.refresh_from_db()
    actions.close_case(case, world.people.community, version=case.version)
    assert ScoreEntry.objects.get(user=world.people.grid).points == Decimal("-2.00")


def test_a_department_scores_for_signing_and_feeding_back_on_time(world):
    case = advance(world, report(world), Status.HANDLED, level=HandlingLevel.DEPARTMENT, department=world.cg)
    assert metrics_of(department=world.cg) == ["dept_handled_on_time", "dept_signed_on_time"]
    assert sum(ScoreEntry.objects.filter(department=world.cg).values_list("points", flat=True)) == Decimal("7.00")
    assert not ScoreEntry.objects.filter(kind=Kind.WORKER).exists()
    case = actions.verify_case(case, world.people.community, version=case.version, passed=True)
    case = actions.close_case(case, world.people.community, version=case.version)
    actions.evaluate_case(case, world.people.resident, version=case.version, score=1, satisfied=False)
    assert ScoreEntry.objects.get(department=world.cg, metric="dept_rating_bad").points == Decimal("-2.00")


def test_the_demo_replay_is_idempotent(world):
    advance(world, report(world, user=world.people.grid, source=Source.GRID_PHOTO), Status.CLOSED)
    before = sorted(ScoreEntry.objects.values_list("metric", "source_id", "points"))
    ScoreEntry.objects.all().delete()
    MonthlyScore.objects.all().delete()
    from civicgrid.scoring.models import MonthlyTally

    MonthlyTally.objects.all().delete()
    assert demo.replay_cases(world.tree["D"].code) > 0
    assert sorted(ScoreEntry.objects.values_list("metric", "source_id", "points")) == before
    demo.replay_cases()
    assert sorted(ScoreEntry.objects.values_list("metric", "source_id", "points")) == before
