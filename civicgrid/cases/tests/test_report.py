"""上报: routing by location and category, who may file from which source, duplicates, rate limits."""

import math
import re

import pytest

from civicgrid.cases import actions
from civicgrid.cases import events as case_events
from civicgrid.cases.errors import ActionNotAllowed, CaseInputError, RateLimited
from civicgrid.cases.models import Case, CaseEvent, HandlingLevel, Source, Status, Step
from civicgrid.cases.routing import METRES_PER_DEGREE_LAT, haversine_metres, nearby_duplicates
from civicgrid.cases.tests.conftest import HOME, accepted, make_case, point_in, report
from civicgrid.core import clock, events
from civicgrid.regions.models import Department, DepartmentKind


def east_of(node, metres):
    lon, lat = point_in(node)
    return lon + metres / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat))), lat


def test_a_report_is_placed_in_its_grid_community_and_street(world):
    case = report(world)
    t = world.tree
    assert (case.grid, case.community, case.street) == (t["S1C1G1"], t["S1C1"], t["S1"])
    assert case.region_code == t[HOME].code
    assert case.status == Status.REPORTED and case.version == 1
    assert re.fullmatch(r"\d{4}-\d{6}", case.number)
    assert case.reporter == world.people.resident and case.source == Source.RESIDENT
    assert case.step == Step.INTAKE and case.step_due_at > case.reported_at
    event = CaseEvent.objects.get(case=case)
    assert (event.seq, event.type, event.to_status, event.actor_role) == (1, "reported", Status.REPORTED, "reporter")
    assert event.details["region_code"] == case.region_code


def test_case_numbers_are_sequential_within_the_year(world):
    first, second = report(world), report(world)
    year, n = first.number.split("-")
    assert second.number == f"{year}-{int(n) + 1:06d}"


def test_the_category_chooses_the_default_level_and_department(world):
    assert report(world, code="S05001").handling_level == HandlingLevel.GRID  # 楼道杂物
    assert report(world, code="S03001").handling_level == HandlingLevel.COMMUNITY  # 困难救助
    assert report(world, code="06010").handling_level == HandlingLevel.STREET  # 暴露垃圾
    cover = report(world, code="01001")  # 供水井盖 → the water department
    assert (cover.handling_level, cover.handling_department) == (HandlingLevel.DEPARTMENT, world.water)
    # No housing department exists: 危险房屋 falls back to the street.
    house = report(world, code="05001")
    assert (house.handling_level, house.handling_department) == (HandlingLevel.STREET, None)


def test_the_department_closest_above_the_case_is_preferred(world):
    s1_water = Department.objects.create(
        region=world.tree["S1"], code="S1-WATER", name="街道供水站", kind=DepartmentKind.WATER
    )
    assert report(world, code="01001").handling_department == s1_water
    assert report(world, code="01001", where="S2C1G1M1").handling_department == world.water


def test_a_category_default_department_is_used_when_it_serves_the_area(world):
    category = world.cats["06010"]
    category.default_level, category.default_department = HandlingLevel.DEPARTMENT, world.cg
    category.save()
    case = report(world, code="06010")
    assert (case.handling_level, case.handling_department) == (HandlingLevel.DEPARTMENT, world.cg)


def test_staff_can_file_without_a_point_by_choosing_the_community(world):
    case = actions.report_case(
        world.people.community,
        source=Source.STAFF_ENTRY,
        category=world.cats["S05001"],
        description="居民电话反映楼道堆物",
        region=world.tree["S1C1"],
        reporter=world.people.resident2,
    ).case
    assert (case.grid, case.community, case.region_code) == (None, world.tree["S1C1"], world.tree["S1C1"].code)
    # 楼道杂物 is handled by the grid by default, but there is no grid: the community takes it.
    assert case.handling_level == HandlingLevel.COMMUNITY
    assert (case.reporter, case.entered_by) == (world.people.resident2, world.people.community)


def test_a_hotline_order_keeps_the_caller_and_external_number(world):
    lon, lat = point_in(world.tree[HOME])
    case = actions.report_case(
        world.people.operator,
        source=Source.HOTLINE,
        category=world.cats["S02001"],
        description="楼上夜间噪音",
        lon=lon,
        lat=lat,
        caller_name="王女士",
        caller_phone="13800000000",
        external_order_no="12345-20260316-0001",
    ).case
    assert case.reporter is None and case.caller_phone == "13800000000"
    assert Case.objects.get(external_order_no="12345-20260316-0001") == case
    with pytest.raises(CaseInputError, match="来电号码"):
        actions.report_case(
            world.people.operator,
            source=Source.HOTLINE,
            category=world.cats["S02001"],
            description="x",
            lon=lon,
            lat=lat,
        )


@pytest.mark.parametrize(
    ("who", "source", "allowed"),
    [
        ("resident", Source.RESIDENT, True),
        ("grid_neighbour", Source.GRID_PHOTO, True),  # a grid worker reports what they see anywhere
        ("resident", Source.GRID_PHOTO, False),
        ("resident", Source.HOTLINE, False),
        ("operator", Source.HOTLINE, True),
        ("community", Source.STAFF_ENTRY, True),
        ("community_neighbour", Source.STAFF_ENTRY, False),  # staff file only where they work
        ("street", Source.DEPUTIES, True),
        ("grid", Source.DEPUTIES, False),
        ("admin", Source.API, False),  # only an application (an intake integration key) files as API
        ("community", Source.API, False),
    ],
)
def test_who_may_file_from_which_source(world, who, source, allowed):
    user = getattr(world.people, who)
    extra = {"caller_phone": "13800000000"} if source == Source.HOTLINE else {}
    if allowed:
        assert report(world, user=user, source=source, **extra).source == source
    else:
        with pytest.raises(ActionNotAllowed):
            report(world, user=user, source=source, **extra)
        assert not Case.objects.exists()


def test_bad_input_is_refused_with_a_clear_message(world):
    with pytest.raises(CaseInputError, match="服务范围"):
        actions.report_case(world.people.resident, category=world.cats["S05001"], description="x", lon=100.0, lat=30.0)
    with pytest.raises(CaseInputError, match="标注位置"):
        actions.report_case(world.people.resident, category=world.cats["S05001"], description="x")
    with pytest.raises(CaseInputError, match="经纬度"):
        actions.report_case(world.people.resident, category=world.cats["S05001"], description="x", lon=200, lat=0)
    with pytest.raises(CaseInputError, match="描述"):
        report(world, description="   ")
    with pytest.raises(CaseInputError, match="小类"):
        report(world, code="S05")
    assert not Case.objects.exists()


def test_residents_cannot_pick_a_staff_only_category(world):
    with pytest.raises(CaseInputError):
        report(world, code="08006")  # 私搭乱建（已建拆除）: staff classify it
    assert report(world, code="08006", user=world.people.grid, source=Source.GRID_PHOTO).category.code == "08006"


def test_an_inactive_category_is_refused(world):
    category = world.cats["S05001"]
    category.is_active = False
    category.save()
    with pytest.raises(CaseInputError, match="停用"):
        report(world)


# --- Duplicates -----------------------------------------------------------------------------


def test_open_cases_of_the_same_category_nearby_are_offered_as_duplicates(world):
    first = report(world)
    lon, lat = east_of(world.tree[HOME], 50)
    result = actions.report_case(
        world.people.resident2, category=world.cats["S05001"], description="楼道堆物", lon=lon, lat=lat
    )
    assert [c.number for c in result.duplicates] == [first.number]
    assert result.duplicates[0].distance_metres == pytest.approx(50, abs=0.5)
    assert CaseEvent.objects.get(case=result.case).details["possible_duplicates"] == [first.number]


def test_far_away_other_category_and_finished_cases_are_not_duplicates(world, settings):
    first = report(world)
    home = world.tree[HOME]
    assert nearby_duplicates(world.cats["S05001"], *east_of(home, 150)) == []
    assert nearby_duplicates(world.cats["S04001"], *point_in(home)) == []
    settings.CASES_DUPLICATE_RADIUS_METRES = 200
    assert [c.pk for c in nearby_duplicates(world.cats["S05001"], *east_of(home, 150))] == [first.pk]
    actions.reject_case(first, world.people.community, version=first.version, reason="不属实")
    assert nearby_duplicates(world.cats["S05001"], *point_in(home)) == []


def test_haversine_matches_a_known_distance():
    # One degree of latitude is about 111.2 km.
    assert haversine_metres(113.6, 34.7, 113.6, 35.7) == pytest.approx(111_195, rel=1e-3)


def test_staff_merge_a_duplicate_and_its_reporter_follows_the_original(world):
    original = report(world)
    duplicate = report(world, user=world.people.resident2)
    merged = actions.merge_duplicate(duplicate, original, world.people.community, version=duplicate.version)
    assert (merged.status, merged.merged_into) == (Status.MERGED, original)
    assert merged.step_due_at is None
    followers = original.participants.filter(role="follower", is_active=True).values_list("user", flat=True)
    assert list(followers) == [world.people.resident2.pk]
    assert original.events.order_by("-seq").first().type == "duplicate_attached"
    # The original's handler was not disturbed: its version did not move.
    assert Case.objects.get(pk=original.pk).version == original.version
    # The resident now follows the original: they read its public version (cases.access), which
    # restrict() — the whole record — does not grant (issue 12).
    from civicgrid.cases.access import Reading, reading

    assert reading(world.people.resident2, original) == Reading.FOLLOWER
    assert not Case.objects.restrict(world.people.resident2).filter(pk=original.pk).exists()


def test_a_resident_can_follow_a_public_case_instead_of_reporting_again(world):
    case = accepted(world, report(world))  # on the board (the default shows accepted reports)
    outsider = world.people.grid_neighbour
    followed = actions.follow_case(case, outsider)
    assert followed.version == case.version  # following does not bump the version
    # A follower reads the public version only, not the whole record (issue 12).
    from civicgrid.cases.access import Reading, reading

    assert reading(outsider, case) == Reading.FOLLOWER
    assert not Case.objects.restrict(outsider).filter(pk=case.pk).exists()
    actions.follow_case(case, outsider)  # idempotent
    assert case.participants.filter(role="follower").count() == 1
    private = report(world, is_public=False)
    from civicgrid.cases.errors import CaseNotFound

    with pytest.raises(CaseNotFound):
        actions.follow_case(private, outsider)


# --- Rate limit -----------------------------------------------------------------------------


def test_residents_are_rate_limited_per_account(world, settings):
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 2
    report(world)
    report(world)
    with pytest.raises(RateLimited) as error:
        report(world)
    assert "每小时最多可上报 2 件" in error.value.message and "后再试" in error.value.message
    assert Case.objects.count() == 2
    # Another resident, and a grid worker's photo reports, are not affected.
    report(world, user=world.people.resident2)
    report(world, user=world.people.grid, source=Source.GRID_PHOTO)
    report(world, user=world.people.grid, source=Source.GRID_PHOTO)
    assert Case.objects.count() == 5


def test_the_daily_limit_counts_the_last_24_hours(world, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    settings.CASES_RESIDENT_REPORTS_PER_DAY = 2
    start = timezone.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    report(world)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=5))
    report(world)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=23))
    with pytest.raises(RateLimited, match="每天"):
        report(world)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=24, minutes=1))
    report(world)


# --- Notifications --------------------------------------------------------------------------


@pytest.fixture
def notices():
    """The notices every published case event carries, heard after the commit (as the
    notifications app hears them)."""
    seen = []

    def hear(event):
        seen.extend(event.notices)

    events.subscribe(case_events.CaseEventRecorded, hear)
    yield seen
    events.unsubscribe(case_events.CaseEventRecorded, hear)


def test_notices_go_out_only_after_commit(world, notices, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = report(world)
    assert notices == [] and callbacks
    for callback in callbacks:
        callback()
    assert [(n.kind, n.case_id) for n in notices] == [("new_case", case.pk)]
    assert notices[0].units == (("community_staff", world.tree["S1C1"].pk),)


def test_the_handler_and_reporter_are_notified_along_the_way(world, notices, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(world, Status.CLOSED)
    kinds = [n.kind for n in notices]
    assert kinds == ["new_case", "assigned", "awaiting_verification", "awaiting_closure", "closed"]
    assigned = notices[1]
    assert assigned.units == (("grid_worker", world.tree["S1C1G1"].pk),)
    assert notices[-1].users == (world.people.resident.pk,)
    assert all(n.event_id for n in notices) and {n.case_id for n in notices} == {case.pk}


def test_a_refused_action_notifies_nobody(world, notices, django_capture_on_commit_callbacks):
    case = report(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionNotAllowed):
        actions.accept_case(case, world.people.grid, version=case.version)
    assert notices == []


def test_a_failing_listener_after_the_commit_does_not_break_the_others(
    world, notices, caplog, django_capture_on_commit_callbacks
):
    def broken(event):
        raise RuntimeError("SMS gateway down")

    events.subscribe(case_events.CaseEventRecorded, broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            case = report(world)
    finally:
        events.unsubscribe(case_events.CaseEventRecorded, broken)
    assert [n.case_id for n in notices] == [case.pk] and "SMS gateway down" in caplog.text
