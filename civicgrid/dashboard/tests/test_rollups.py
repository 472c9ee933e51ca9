"""The rollups move with every case action (the hook in cases.actions) and equal a full recount."""

import pytest
from django.core.management import CommandError, call_command

from civicgrid.cases import actions
from civicgrid.cases.models import Status
from civicgrid.cases.tests.conftest import make_case, report
from civicgrid.dashboard import rollups
from civicgrid.dashboard.models import CaseFigure, DayRollup, OpenRollup, OwnerRollup


def no_differences():
    return not any(rollups.check().values())


def test_actions_keep_rollups_equal_to_a_recount(cases):
    assert CaseFigure.objects.count() == 7
    assert no_differences()
    district = cases.tree["D"].code
    assert sum(DayRollup.objects.filter(region_code=district).values_list("received", flat=True)) == 7


def test_each_step_moves_the_case(world):
    case = report(world)
    assert no_differences()
    code = world.tree["S1C1G1"].code
    assert OpenRollup.objects.get(region_code=code).open == 1
    case = make_case(world, Status.CLOSED)
    assert no_differences()
    actions.evaluate_case(case, world.people.resident, version=case.version, score=1)
    assert no_differences()
    assert OwnerRollup.objects.filter(kind="worker", owner_id=world.people.grid.pk, region_code=code).exists()
    row = DayRollup.objects.get(region_code=code)
    assert (row.received, row.closed, row.evaluations, row.satisfied, row.open, row.closed_on_day) == (2, 1, 1, 0, 1, 1)


def test_rebuild_equals_incremental_and_check_catches_drift(cases):
    before = sorted(
        DayRollup.objects.filter(received__gt=0).values_list("region_code", "day", "category_id", "received")
    )
    call_command("rebuild_rollups")
    after = sorted(DayRollup.objects.values_list("region_code", "day", "category_id", "received"))
    assert before == after
    call_command("rebuild_rollups", "--check")
    DayRollup.objects.filter(region_code=cases.tree["D"].code).update(received=99)
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--check")
    call_command("rebuild_rollups")
    assert no_differences()


def test_demo_district_has_rollups_and_rules(db):
    from civicgrid.dashboard.models import WarningRule

    call_command("seed_demo", "--scale", "small")
    assert CaseFigure.objects.exists()
    assert no_differences()
    assert WarningRule.objects.count() == 5
    # The demo's hot words are problems a department can act on, never the places they happen in.
    from django.utils import timezone

    from civicgrid.dashboard import needs
    from civicgrid.regions.models import Region

    district = Region.objects.get(parent__isnull=True)
    top = [row["term"] for row in needs.hot_topics(district, timezone.now())["top"][:15]]
    assert {"路灯", "垃圾", "噪音", "井盖", "污水", "积水", "人行道"} & set(top[:10]), top
    places = needs._places(district)
    assert not set(top) & places, top
    assert not {"社区", "街道", "网格", "荣华", "康桥", "正商东", "福寿"} & set(top), top
