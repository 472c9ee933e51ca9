"""Patrols: start/end, batches (repeated, out of order, overlapping), bad points, time, coverage,
check-ins, findings, the events."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civicgrid.core import events
from civicgrid.gridwork import actions, selectors
from civicgrid.gridwork.events import PatrolEnded
from civicgrid.gridwork.models import CheckIn, Finding, Patrol, PatrolStatus, TrackPoint
from civicgrid.gridwork.tests.conftest import points

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured():
    seen = []
    events.subscribe(PatrolEnded, seen.append, phase=events.IN_TRANSACTION)
    yield seen
    events.unsubscribe(PatrolEnded, seen.append, phase=events.IN_TRANSACTION)


def started(world):
    patrol = actions.start_patrol(world.people.grid, key="s1")
    Patrol.objects.filter(pk=patrol.pk).update(started_at=timezone.now() - timedelta(hours=1))
    patrol.refresh_from_db()
    return patrol


def test_start_is_one_patrol_per_worker_and_key(world):
    first = actions.start_patrol(world.people.grid, key="a")
    assert actions.start_patrol(world.people.grid, key="a") == first
    assert actions.start_patrol(world.people.grid, key="b") == first  # one active patrol
    assert first.grid == world.tree["S1C1G1"] and first.region_code == world.tree["S1C1G1"].code
    assert Patrol.objects.count() == 1


def test_staff_and_residents_cannot_patrol(world):
    for user in (world.people.community, world.people.resident):
        with pytest.raises(ValidationError):
            actions.start_patrol(user)
    assert Patrol.objects.count() == 0


def test_a_worker_cannot_patrol_another_grid(world):
    with pytest.raises(ValidationError):
        actions.start_patrol(world.people.grid, grid_id=world.tree["S1C2G1"].pk)
    assert Patrol.objects.count() == 0


def test_batches_repeated_out_of_order_and_overlapping_store_each_point_once(world):
    patrol = started(world)
    grid = world.tree["S1C1G1"]
    track = points(grid, 1, 120, start=patrol.started_at + timedelta(seconds=10))
    b1, b2, b3 = track[:50], track[50:100], track[100:]
    assert actions.add_points(world.people.grid, patrol.pk, b3).accepted == 20  # out of order
    assert actions.add_points(world.people.grid, patrol.pk, b1).accepted == 50
    again = actions.add_points(world.people.grid, patrol.pk, b1)  # repeated
    assert (again.accepted, again.duplicates) == (0, 50)
    overlap = actions.add_points(world.people.grid, patrol.pk, track[40:100])  # overlapping
    assert (overlap.accepted, overlap.duplicates) == (50, 10)
    assert actions.add_points(world.people.grid, patrol.pk, b2).accepted == 0
    assert TrackPoint.objects.filter(patrol=patrol).count() == 120
    assert sorted(TrackPoint.objects.filter(patrol=patrol).values_list("seq", flat=True)) == list(range(1, 121))
    patrol.refresh_from_db()
    assert patrol.points == 120


def test_a_batch_repeating_a_seq_inside_itself_counts_it_once(world):
    patrol = started(world)
    batch = points(world.tree["S1C1G1"], 1, 3, start=patrol.started_at)
    result = actions.add_points(world.people.grid, patrol.pk, batch + batch)
    assert (result.accepted, TrackPoint.objects.count()) == (3, 3)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"lat": 91}, "经纬度"),
        ({"lng": "east"}, "经纬度"),
        ({"lat": float("nan")}, "经纬度"),
        ({"lat": True}, "经纬度"),
        ({"at": "yesterday"}, "定位时间"),
        ({"seq": -1}, "序号"),
        ({"seq": "7"}, "序号"),
    ],
)
def test_bad_points_are_refused_with_their_reason_and_the_others_taken(world, change, reason):
    patrol = started(world)
    good = points(world.tree["S1C1G1"], 1, 3, start=patrol.started_at)
    bad = {**good[1], **change}
    result = actions.add_points(world.people.grid, patrol.pk, [good[0], bad, good[2]])
    assert result.accepted == 2 and len(result.rejected) == 1
    assert reason in next(iter(result.rejected.values()))


def test_points_in_the_future_or_before_the_start_are_refused(world):
    patrol = started(world)
    grid = world.tree["S1C1G1"]
    future = points(grid, 1, 1, start=timezone.now() + timedelta(hours=1))
    before = points(grid, 2, 1, start=patrol.started_at - timedelta(hours=2))
    result = actions.add_points(world.people.grid, patrol.pk, future + before)
    assert result.accepted == 0 and len(result.rejected) == 2
    assert TrackPoint.objects.count() == 0


def test_huge_or_malformed_batches_are_refused_whole(world):
    patrol = started(world)
    grid = world.tree["S1C1G1"]
    with pytest.raises(ValidationError):
        actions.add_points(world.people.grid, patrol.pk, points(grid, 1, 201, start=patrol.started_at))
    for junk in ({"seq": 1}, "points", None, 5):
        with pytest.raises(ValidationError):
            actions.add_points(world.people.grid, patrol.pk, junk)
    assert actions.add_points(world.people.grid, patrol.pk, [1, "x", []]).accepted == 0
    assert TrackPoint.objects.count() == 0


def test_another_workers_patrol_is_not_found_and_unchanged(world):
    patrol = started(world)
    for user in (world.people.neighbour_grid, world.people.community, world.people.street):
        with pytest.raises(Patrol.DoesNotExist):
            actions.add_points(user, patrol.pk, points(world.tree["S1C1G1"], 1, 2, start=patrol.started_at))
        with pytest.raises(Patrol.DoesNotExist):
            actions.end_patrol(user, patrol.pk)
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.ACTIVE and TrackPoint.objects.count() == 0


def test_ending_measures_time_distance_coverage_and_publishes_once(world, captured):
    patrol = started(world)
    grid = world.tree["S1C1G1"]
    track = points(grid, 1, 60, start=patrol.started_at + timedelta(seconds=5), step_s=30)
    # a 20-minute pause in the middle is not patrol time
    for point in track[30:]:
        point["at"] = (timezone.datetime.fromisoformat(point["at"]) + timedelta(minutes=20)).isoformat()
    actions.add_points(world.people.grid, patrol.pk, track[:50])
    actions.add_points(world.people.grid, patrol.pk, track[50:])
    Patrol.objects.filter(pk=patrol.pk).update(started_at=patrol.started_at - timedelta(minutes=30))
    ended = actions.end_patrol(world.people.grid, patrol.pk)
    assert ended.status == PatrolStatus.ENDED
    assert ended.seconds == 58 * 30  # 59 gaps of 30 s, one of them a pause
    assert ended.distance_m > 500
    assert 0 < ended.coverage < 1
    assert actions.end_patrol(world.people.grid, patrol.pk).ended_at == ended.ended_at
    assert [e.patrol_id for e in captured] == [patrol.pk]
    assert captured[0].grid_code == grid.code and captured[0].seconds == ended.seconds


def test_late_points_of_an_ended_patrol_are_taken_and_measured(world):
    patrol = started(world)
    grid = world.tree["S1C1G1"]
    track = points(grid, 1, 10, start=patrol.started_at + timedelta(seconds=5))
    actions.add_points(world.people.grid, patrol.pk, track[:5])
    ended = actions.end_patrol(world.people.grid, patrol.pk)
    first = ended.seconds
    assert actions.add_points(world.people.grid, patrol.pk, track[5:]).accepted == 5
    ended.refresh_from_db()
    assert ended.points == 10 and ended.seconds > first


def test_daily_time_against_the_norm(world):
    patrol = started(world)
    Patrol.objects.filter(pk=patrol.pk).update(status=PatrolStatus.ENDED, seconds=7300, started_at=timezone.now())
    today = selectors.daily_time(world.people.grid)[0]
    assert today["met"] and today["share"] == 1.0 and today["minutes"] == 121


def test_check_in_at_a_key_place_within_its_radius_once(world):
    patrol = started(world)
    place = world.place
    with pytest.raises(ValidationError):
        actions.check_in(world.people.grid, patrol.pk, place.pk, place.lat + 0.01, place.lng)
    row = actions.check_in(world.people.grid, patrol.pk, place.pk, place.lat + 0.0001, place.lng)
    assert actions.check_in(world.people.grid, patrol.pk, place.pk, place.lat, place.lng) == row
    with pytest.raises(ValidationError):
        actions.check_in(world.people.grid, patrol.pk, place.pk, 200, 0)
    assert CheckIn.objects.count() == 1
    assert actions.end_patrol(world.people.grid, patrol.pk).checkins == 1


def test_finding_files_a_grid_photo_case_linked_to_the_patrol(world):
    from civicgrid.cases.models import Case, Category, Source

    patrol = started(world)
    grid = world.tree["S1C1G1"]
    category = Category.objects.selectable().first()
    finding = actions.report_finding(
        world.people.grid,
        patrol.pk,
        category=category,
        description="井盖缺失",
        lat=grid.centroid_lat,
        lng=grid.centroid_lon,
        key="f1",
    )
    again = actions.report_finding(
        world.people.grid,
        patrol.pk,
        category=category,
        description="井盖缺失",
        lat=grid.centroid_lat,
        lng=grid.centroid_lon,
        key="f1",
    )
    assert again == finding and Finding.objects.count() == 1 and Case.objects.count() == 1
    assert finding.case.source == Source.GRID_PHOTO
    with pytest.raises(ValidationError):
        actions.report_finding(world.people.grid, patrol.pk, category=category, description="\x00坏", key="f2")
    with pytest.raises(Patrol.DoesNotExist):
        actions.report_finding(world.people.neighbour_grid, patrol.pk, category=category, description="x", key="f3")
    assert Case.objects.count() == 1


def test_the_job_closes_patrols_left_open(world, captured):
    patrol = started(world)
    Patrol.objects.filter(pk=patrol.pk).update(started_at=timezone.now() - timedelta(hours=13))
    assert actions.close_stale_patrols() == 1
    assert Patrol.objects.get(pk=patrol.pk).status == PatrolStatus.ENDED
    assert len(captured) == 1


def test_supervisors_see_their_subtrees_patrols(world):
    # Started now, not an hour ago: between midnight and one o'clock that would be yesterday's.
    patrol = actions.start_patrol(world.people.grid, key="s1")
    assert list(selectors.todays_patrols(world.people.community)) == [patrol]
    assert list(selectors.todays_patrols(world.people.street)) == [patrol]
    assert list(selectors.todays_patrols(world.people.neighbour_staff)) == []
    with pytest.raises(Patrol.DoesNotExist):
        selectors.visible_patrol(world.people.neighbour_staff, patrol.pk)
