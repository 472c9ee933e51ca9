"""Check-in by the venue code (the resident's phone) and by the resident's personal code (staff):
valid, expired, forged, the wrong activity, twice."""

import time

import pytest
from django.core.exceptions import ValidationError

from civicgrid.activities import actions, codes
from civicgrid.activities.events import CheckedIn
from civicgrid.activities.models import Activity, Enrolment
from civicgrid.activities.tests.conftest import published, running
from civicgrid.core import events


@pytest.fixture
def checked():
    got = []
    events.subscribe(CheckedIn, got.append, phase=events.IN_TRANSACTION)
    yield got
    events.unsubscribe(CheckedIn, got.append, phase=events.IN_TRANSACTION)


def _signed_up(world, activity, *residents):
    for resident in residents:
        Enrolment.objects.create(
            activity=activity,
            user=resident,
            status="confirmed",
            queued_at=activity.created_at,
            region_code=activity.region_code,
        )
    Activity.objects.filter(pk=activity.pk).update(seats_taken=len(residents))


def test_venue_code_checks_in_once(world, checked):
    p = world.people
    activity = running(world)
    _signed_up(world, activity, p.resident)
    token = actions.venue_code(activity)
    result = actions.check_in_at_venue(p.resident, token)
    assert not result.already and result.enrolment.checkin_method == "venue"
    again = actions.check_in_at_venue(p.resident, token)
    assert again.already
    assert len(checked) == 1 and checked[0].user_id == p.resident.pk and checked[0].method == "venue"


def test_venue_short_code(world):
    p = world.people
    activity = running(world)
    _signed_up(world, activity, p.resident)
    with pytest.raises(ValidationError, match="不正确或已过期"):
        actions.check_in_at_venue(
            p.resident,
            "000000" if actions.venue_short_code(activity) != "000000" else "111111",
            activity_id=activity.pk,
        )
    result = actions.check_in_at_venue(p.resident, actions.venue_short_code(activity), activity_id=activity.pk)
    assert result.enrolment.checked_in_at is not None


def test_expired_codes_are_refused(world, settings):
    p = world.people
    settings.ACTIVITIES_CODE_SECONDS = 60
    activity = running(world)
    _signed_up(world, activity, p.resident)
    from django.core import signing

    old = signing.TimestampSigner(salt=codes.VENUE).sign(str(activity.pk))
    # The same token, signed two minutes ago.
    signer = signing.TimestampSigner(salt=codes.VENUE)
    signer.timestamp = lambda: signing.b62_encode(int(time.time()) - 120)
    old = signer.sign(str(activity.pk))
    with pytest.raises(ValidationError, match="已过期"):
        actions.check_in_at_venue(p.resident, old)
    stale_short = codes.make_short(codes.VENUE, activity.pk, at=time.time() - 180)
    if stale_short != actions.venue_short_code(activity):
        with pytest.raises(ValidationError):
            actions.check_in_at_venue(p.resident, stale_short, activity_id=activity.pk)
    assert Enrolment.objects.get(user=p.resident).checked_in_at is None


def test_forged_codes_are_refused(world):
    p = world.people
    activity = running(world)
    other = running(world)
    _signed_up(world, activity, p.resident)
    token = actions.venue_code(activity)
    forged = token.replace(f"{activity.pk}:", f"{other.pk}:", 1)
    for bad in (
        forged,
        token[:-2] + "xx",
        "garbage",
        "",
        "1:2:3",
        "x" * 500,
        codes.make_token(codes.PERSONAL, activity.pk),
    ):
        with pytest.raises(ValidationError, match="签到码无效"):
            actions.check_in_at_venue(p.resident, bad)
    assert Enrolment.objects.get(user=p.resident).checked_in_at is None


def test_venue_code_of_another_community_is_not_found(world):
    p = world.people
    activity = running(world)
    with pytest.raises(Activity.DoesNotExist):
        actions.check_in_at_venue(p.outsider, actions.venue_code(activity))


def test_not_signed_up_or_waitlisted_cannot_check_in(world):
    p = world.people
    activity = running(world)
    with pytest.raises(ValidationError, match="没有报名"):
        actions.check_in_at_venue(p.resident, actions.venue_code(activity))
    Enrolment.objects.create(
        activity=activity,
        user=p.resident2,
        status="waitlisted",
        queued_at=activity.created_at,
        region_code=activity.region_code,
    )
    with pytest.raises(ValidationError, match="没有正式报名"):
        actions.check_in_at_venue(p.resident2, actions.venue_code(activity))


def test_check_in_only_near_the_time(world):
    p = world.people
    activity = published(world)  # in two days
    actions.sign_up(p.resident, activity.pk)
    with pytest.raises(ValidationError, match="签到还没有开始"):
        actions.check_in_at_venue(p.resident, actions.venue_code(activity))


def test_staff_take_the_personal_code(world, checked):
    p = world.people
    activity = running(world)
    _signed_up(world, activity, p.resident, p.resident2)
    enrolment = Enrolment.objects.get(user=p.resident)
    result = actions.check_in_by_staff(p.community, activity.pk, actions.personal_code(enrolment))
    assert result.enrolment.checked_in_by == p.community and result.enrolment.checkin_method == "staff"
    assert actions.check_in_by_staff(p.community, activity.pk, actions.personal_code(enrolment)).already
    second = Enrolment.objects.get(user=p.resident2)
    short = actions.personal_short_code(second)
    assert not actions.check_in_by_staff(p.community, activity.pk, f"  {short} ").already
    assert len(checked) == 2


def test_staff_refuse_bad_personal_codes(world):
    p = world.people
    activity = running(world)
    other = running(world)
    _signed_up(world, activity, p.resident)
    enrolment = Enrolment.objects.get(user=p.resident)
    Enrolment.objects.create(
        activity=other, user=p.resident2, status="confirmed", queued_at=other.created_at, region_code=other.region_code
    )
    foreign = Enrolment.objects.get(user=p.resident2)
    for bad, message in (
        (actions.personal_code(foreign), "不属于本活动"),
        (actions.venue_code(activity), "签到码无效"),
        ("abc", "签到码无效"),
        ("", "请输入"),
    ):
        with pytest.raises(ValidationError, match=message):
            actions.check_in_by_staff(p.community, activity.pk, bad)
    with pytest.raises(Activity.DoesNotExist):
        actions.check_in_by_staff(p.neighbour_staff, activity.pk, actions.personal_code(enrolment))
    assert not Enrolment.objects.filter(checked_in_at__isnull=False).exists()
