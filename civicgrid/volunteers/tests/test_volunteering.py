"""Registration, verification, teams, shifts (through activities) and hours."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from civicgrid.activities.models import Enrolment, EnrolmentStatus
from civicgrid.volunteers import actions
from civicgrid.volunteers import events as volunteer_events
from civicgrid.volunteers.models import Team, TeamLevel, Volunteer, VolunteerStatus

from .conftest import capture, shift, start, team, volunteer


def state():
    return (
        list(Volunteer.objects.values_list("pk", "status", "hours_total", "team_id").order_by("pk")),
        list(Enrolment.objects.values_list("pk", "status", "checked_in_at", "checked_out_at", "hours").order_by("pk")),
        list(Team.objects.values_list("pk", "name").order_by("pk")),
    )


def test_register_links_base_data_and_verification_publishes(world):
    p = world.people
    v = actions.register(p.resident, skills=["elderly", "repair"], availability=["weekday_am"], intro="退休教师")
    assert v.status == VolunteerStatus.PENDING and v.person_id and v.region_code == world.tree["S1C1"].code
    with capture() as seen:
        actions.review_volunteer(p.community, v.pk, approve=True)
    verified = [e for e in seen if isinstance(e, volunteer_events.VolunteerVerified)]
    assert verified and verified[0].volunteer_id == v.pk and verified[0].user_id == p.resident.pk
    # Editing keeps the verification.
    v = actions.register(p.resident, skills=[], availability=["weekend_pm"])
    assert v.status == VolunteerStatus.VERIFIED


def test_register_refuses_bad_input_and_unknown_people(world):
    p = world.people
    before = state()
    for kwargs in (
        {"skills": ["flying"], "availability": ["weekday_am"]},
        {"skills": [], "availability": []},
        {"skills": [], "availability": ["weekday_am"], "intro": "bad\x00"},
        {"skills": [], "availability": ["weekday_am"], "intro": "电话 13800001111"},
        {"skills": [], "availability": ["weekday_am"], "team_id": 999999},
    ):
        with pytest.raises(ValidationError):
            actions.register(p.resident, **kwargs)
    # Staff (no RESIDENT role) and a resident unknown to base data.
    with pytest.raises(ValidationError):
        actions.register(p.community, availability=["weekday_am"])
    from civicgrid.people.models import Person

    Person.objects.filter(name="resident2").update(phone_hash="")
    with pytest.raises(ValidationError, match="没有找到您的登记"):
        actions.register(p.resident2, availability=["weekday_am"])
    assert state() == before


def test_review_out_of_scope_is_not_found_and_changes_nothing(world):
    p = world.people
    v = actions.register(p.resident, availability=["weekday_am"])
    before = state()
    for user in (p.neighbour_staff, p.resident2, p.grid):
        with pytest.raises(Volunteer.DoesNotExist):
            actions.review_volunteer(user, v.pk, approve=True)
    with pytest.raises(ValidationError):
        actions.review_volunteer(p.community, v.pk, approve=False, note="")
    assert state() == before
    actions.review_volunteer(p.street, v.pk, approve=False, note="信息不全")
    assert Volunteer.objects.get(pk=v.pk).status == VolunteerStatus.REJECTED


def test_teams_three_levels_follow_the_tree(world):
    p = world.people
    street = team(world, "S1", by=p.street, name="一街道支队")
    community = team(world, "S1C1", name="一社区分队")
    grid = team(world, "S1C1G1", name="一小区小分队")
    assert (street.level, community.level, grid.level) == (TeamLevel.STREET, TeamLevel.COMMUNITY, TeamLevel.COMPOUND)
    assert community.parent == street and grid.parent == community
    before = state()
    with pytest.raises(ValidationError):
        team(world, "S1C1", name="一社区分队")  # same name
    with pytest.raises(ValidationError):
        team(world, "S1C1", name="x", posts=["a" * 61])
    with pytest.raises(ValidationError):
        team(world, "S1C2", name="别人的")  # not the staff's region
    with pytest.raises(ValidationError):
        team(world, "S1", name="街道")  # community staff cannot form a street team
    with pytest.raises(Team.DoesNotExist):
        actions.save_team(p.neighbour_staff, community, name="改名", region=world.tree["S1C2"])
    assert state() == before


def test_shift_sign_up_check_in_out_and_hours(world):
    p = world.people
    v = volunteer(world, p.resident, team=team(world))
    row = shift(world)
    enrolment = actions.sign_up_shift(p.resident, row.activity_id)
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    with pytest.raises(ValidationError):  # not checked in yet
        actions.check_out_volunteer(p.community, enrolment.pk)
    start(row)
    actions.check_in_volunteer(p.community, enrolment.pk)
    with pytest.raises(ValidationError, match="签退"):
        actions.confirm_hours(p.community, enrolment.pk, "2")
    assert actions.check_out_volunteer(p.community, enrolment.pk).already is False
    assert actions.check_out_volunteer(p.community, enrolment.pk).already is True
    before = state()
    for bad in ("", "abc", "-1", "0", "2.005", "3", "NaN", "Infinity"):
        with pytest.raises(ValidationError):
            actions.confirm_hours(p.community, enrolment.pk, bad)
    assert state() == before
    with capture() as seen:
        actions.confirm_hours(p.community, enrolment.pk, "1.5")
    hours = [e for e in seen if isinstance(e, volunteer_events.HoursConfirmed)]
    assert hours and hours[0].hours == Decimal("1.5") and hours[0].volunteer_id == v.pk
    assert Volunteer.objects.get(pk=v.pk).hours_total == Decimal("1.5")
    with pytest.raises(ValidationError, match="已经确认"):
        actions.confirm_hours(p.community, enrolment.pk, "1")
    assert Volunteer.objects.get(pk=v.pk).hours_total == Decimal("1.5")


def test_only_verified_volunteers_sign_up_and_staff_scope(world):
    p = world.people
    row = shift(world)
    with pytest.raises(ValidationError):
        actions.sign_up_shift(p.resident, row.activity_id)
    volunteer(world, p.resident, verify=False)
    with pytest.raises(ValidationError):
        actions.sign_up_shift(p.resident, row.activity_id)
    volunteer(world, p.resident2)
    enrolment = actions.sign_up_shift(p.resident2, row.activity_id)
    start(row)
    before = state()
    for user in (p.neighbour_staff, p.resident2, p.grid):
        with pytest.raises(Enrolment.DoesNotExist):
            actions.check_in_volunteer(user, enrolment.pk)
        with pytest.raises(Enrolment.DoesNotExist):
            actions.confirm_hours(user, enrolment.pk, "1")
    assert state() == before
    # The outsider (another community) cannot see the shift.
    from civicgrid.activities.models import Activity

    with pytest.raises(Activity.DoesNotExist):
        actions.sign_up_shift(p.outsider, row.activity_id)


def test_last_seat_goes_to_the_waitlist(world):
    p = world.people
    volunteer(world, p.resident)
    volunteer(world, p.resident2)
    row = shift(world, capacity=1)
    assert actions.sign_up_shift(p.resident, row.activity_id).status == EnrolmentStatus.CONFIRMED
    assert actions.sign_up_shift(p.resident2, row.activity_id).status == EnrolmentStatus.WAITLISTED
