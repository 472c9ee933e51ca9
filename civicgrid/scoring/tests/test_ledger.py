"""Grid work's events score through the rules: traceable entries, monthly tallies and totals at
every level, idempotent on replays, capped monthly, and following the rules as edited."""

from decimal import Decimal

import pytest

from civicgrid.people.events import HouseVisited
from civicgrid.regions.models import Level
from civicgrid.scoring import actions, ledger
from civicgrid.scoring.errors import InputError, NotFound
from civicgrid.scoring.models import Kind, MonthlyScore, MonthlyTally, ScoreEntry, ScoreRule
from civicgrid.scoring.tests.conftest import now, patrol, snapshot, task_form, visit

pytestmark = pytest.mark.django_db


def total(**key):
    row = MonthlyScore.objects.filter(month=ledger.month_of(now()), **key).first()
    return row.points if row else Decimal(0)


def test_a_patrol_scores_time_coverage_and_checkins_with_its_source(world):
    grid = world.tree["S1C1G1"]
    patrol(world.people.grid, grid, patrol_id=7, hours=2, coverage=0.5, checkins=3)
    entries = {e.metric: e for e in ScoreEntry.objects.filter(user=world.people.grid)}
    assert set(entries) == {"patrol_time", "patrol_coverage", "patrol_checkin"}
    assert entries["patrol_time"].points == Decimal("4.00")  # 2 points an hour
    assert entries["patrol_coverage"].points == Decimal("1.00")  # 2 × 0.5
    assert entries["patrol_checkin"].points == Decimal("1.50")  # 0.5 × 3
    assert {(e.source, e.source_id) for e in entries.values()} == {("gridwork.patrol", "7")}
    assert total(kind=Kind.WORKER, user=world.people.grid) == Decimal("6.50")
    # The grid, its community, street and district all carry the points.
    for key in ("S1C1G1", "S1C1", "S1", "D"):
        assert total(kind=Kind.REGION, region=world.tree[key]) == Decimal("6.50"), key
    assert MonthlyScore.objects.get(kind=Kind.REGION, region=world.tree["S1C1G1"]).level == Level.GRID
    assert total(kind=Kind.REGION, region=world.tree["S1C2"]) == 0


def test_a_replayed_event_writes_nothing(world):
    grid = world.tree["S1C1G1"]
    patrol(world.people.grid, grid, patrol_id=7)
    before = snapshot()
    patrol(world.people.grid, grid, patrol_id=7)
    visit(world.people.grid, grid, visit_id=3)
    after_visit = snapshot()
    visit(world.people.grid, grid, visit_id=3)
    assert snapshot() == after_visit
    assert len(after_visit.entries) == len(before.entries) + 1


def test_monthly_cap_and_negative_rules(world):
    ScoreRule.objects.filter(metric="visit").update(monthly_cap=Decimal("2.5"))
    grid = world.tree["S1C1G1"]
    for i in range(4):
        visit(world.people.grid, grid, visit_id=i + 1)
    points = list(ScoreEntry.objects.filter(metric="visit").order_by("pk").values_list("points", flat=True))
    assert points == [Decimal("1.00"), Decimal("1.00"), Decimal("0.50"), Decimal("0.00")]
    tally = MonthlyTally.objects.get(user=world.people.grid, metric="visit")
    assert (tally.count, tally.points) == (4, Decimal("2.50"))  # every visit counted, points capped


def test_planned_visits_task_forms_and_house_checks(world):
    from django.db import transaction

    from civicgrid.core import events

    grid = world.tree["S1C1G1"]
    visit(world.people.grid, grid, visit_id=1, planned=True)
    task_form(world.people.grid, grid, task_id=5, target_id=1)
    task_form(world.people.grid, grid, task_id=5, target_id=1)  # refilled: scores once
    task_form(world.people.grid, grid, task_id=5, target_id=2, on_time=False)
    with transaction.atomic():
        for _ in range(2):  # twice the same day: once
            events.publish(HouseVisited(house_id=9, region_code=grid.code, actor_id=world.people.grid.pk, at=now()))
    metrics = sorted(ScoreEntry.objects.filter(user=world.people.grid).values_list("metric", flat=True))
    assert metrics == ["house_check", "task_form", "task_form_late", "visit", "visit_planned"]
    assert total(kind=Kind.WORKER, user=world.people.grid) == Decimal("3.80")  # 1+1+1+0.3+0.5


def test_an_edited_rule_applies_to_new_events_only(world):
    grid = world.tree["S1C1G1"]
    visit(world.people.grid, grid, visit_id=1)
    actions.update_rule(world.people.street, "visit", points="3", monthly_cap="", is_active=True)
    visit(world.people.grid, grid, visit_id=2)
    actions.update_rule(world.people.admin, "visit", points="3", monthly_cap="", is_active=False)
    visit(world.people.grid, grid, visit_id=3)
    assert list(ScoreEntry.objects.order_by("pk").values_list("points", flat=True)) == [
        Decimal("1.00"),
        Decimal("3.00"),
    ]


@pytest.mark.parametrize(
    "points, cap",
    [("abc", ""), ("1000", ""), ("NaN", ""), ("1\x00", ""), ("", ""), ("1", "-5"), ("1", "x" * 20)],
)
def test_bad_rule_input_is_refused_and_changes_nothing(world, points, cap):
    before = snapshot()
    with pytest.raises(InputError):
        actions.update_rule(world.people.street, "visit", points=points, monthly_cap=cap)
    assert snapshot() == before


def test_only_street_staff_and_admins_edit_rules(world):
    before = snapshot()
    for user in (world.people.community, world.people.grid, world.people.dept, world.people.resident):
        with pytest.raises(NotFound):
            actions.update_rule(user, "visit", points="5")
        with pytest.raises(NotFound):
            actions.update_medal_rule(user, per_street=3, min_points="10", min_patrol_hours="1")
    with pytest.raises(NotFound):
        actions.update_rule(world.people.street, "no_such_metric", points="5")
    assert snapshot() == before


def test_medal_rule_input(world):
    before = snapshot()
    for bad in ({"per_street": "0"}, {"per_street": "x"}, {"min_points": "-1"}, {"min_patrol_hours": "1000"}):
        fields = {"per_street": "2", "min_points": "10", "min_patrol_hours": "1", **bad}
        with pytest.raises(InputError):
            actions.update_medal_rule(world.people.street, **fields)
    assert snapshot() == before
    rule = actions.update_medal_rule(world.people.street, per_street="2", min_points="10", min_patrol_hours="1.5")
    assert (rule.per_street, rule.min_points, rule.min_patrol_hours) == (2, Decimal("10.00"), Decimal("1.50"))


def test_a_metric_without_a_rule_row_scores_its_default(world):
    ScoreRule.objects.filter(metric="visit").delete()
    visit(world.people.grid, world.tree["S1C1G1"], visit_id=1)
    assert ScoreEntry.objects.get().points == Decimal("1.00")
