"""The read path: one case by id or number, the timeline, the queues and their light filters."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from civicgrid.cases import actions, selectors
from civicgrid.cases.errors import CaseNotFound
from civicgrid.cases.models import Light, Source, Status
from civicgrid.cases.tests.conftest import make_case, report
from civicgrid.core import clock

SH = ZoneInfo("Asia/Shanghai")


def test_a_case_by_id_or_number_only_within_scope(world):
    case = report(world)
    for key in (case.pk, str(case.pk), case.number):
        assert selectors.visible_case(world.people.community, key) == case
    for who, key in ((world.people.grid_neighbour, case.number), (world.people.community, "2099-000001")):
        with pytest.raises(CaseNotFound):
            selectors.visible_case(who, key)
    with pytest.raises(CaseNotFound):
        selectors.visible_case(world.people.community, "nonsense")


def test_the_public_timeline_hides_internal_steps(world):
    case = make_case(world, Status.HANDLING)
    case = actions.supervise_case(case, world.people.street, version=case.version, note="请加快")
    internal = [e.type for e in selectors.timeline(case)]
    public = [e.type for e in selectors.timeline(case, public=True)]
    assert internal == ["reported", "accepted", "dispatched", "signed", "supervised"]
    assert public == ["reported", "accepted", "dispatched", "signed"]


def test_the_queue_filters_by_light_soonest_due_first(world, monkeypatch, django_assert_max_num_queries):
    def at(hh, mm=0):
        return datetime(2026, 3, 16, hh, mm, tzinfo=SH)

    monkeypatch.setattr(clock, "now", lambda: at(9))
    early = report(world, code="06010")  # intake 1 h: yellow at 09:48, red at 10:00
    monkeypatch.setattr(clock, "now", lambda: at(9, 30))
    late = report(world, code="06010")  # yellow at 10:18, red at 10:30
    hotline = report(
        world, code="S08001", user=world.people.operator, source=Source.HOTLINE, caller_phone="13800000000"
    )
    staff = world.people.community
    assert list(selectors.queue(staff, now=at(9, 50))) == [early, late, hotline]
    assert list(selectors.queue(staff, deadline_light=Light.YELLOW, now=at(9, 50))) == [early]
    assert list(selectors.queue(staff, deadline_light=Light.RED, now=at(10, 20))) == [early]
    assert list(selectors.queue(staff, deadline_light="yellow", now=at(10, 20))) == [late]
    assert list(selectors.queue(staff, source=Source.HOTLINE, now=at(9, 50))) == [hotline]
    assert list(selectors.queue(staff, category=world.cats["06"], now=at(9, 50))) == [early, late]
    assert list(selectors.queue(staff, stage_light=Light.BLUE, now=at(9, 50))) == []
    assert not selectors.queue(world.people.community_neighbour, now=at(9, 50)).exists()
    row = selectors.queue(staff, now=at(9, 50)).first()
    assert (row.deadline_colour, row.stage_colour) == (Light.YELLOW, Light.RED)
    # A queue page costs the same few queries however many cases it lists.
    for _ in range(5):
        report(world, code="06010")
    with django_assert_max_num_queries(4):
        rows = list(selectors.queue(staff, now=at(9, 50)))
        [(r.category.name, r.grid and r.grid.name, r.assignee) for r in rows]
