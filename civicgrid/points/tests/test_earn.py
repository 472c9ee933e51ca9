"""Earning from other apps' events: the listeners post by the rules, within the caps, once per
source however often the event is replayed; a rolled-back change earns nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from civicgrid.activities.events import CheckedIn
from civicgrid.core import events
from civicgrid.points.models import Account, Entry, OwnerKind, Rule
from civicgrid.volunteers.events import FeedbackGiven, HoursConfirmed, WishFulfilled


def publish(event):
    with transaction.atomic():
        events.publish(event)


def checked_in(user, enrolment_id, kind="community", region_code=""):
    return CheckedIn(
        activity_id=1, kind=kind, region_code=region_code, at=timezone.now(), enrolment_id=enrolment_id, user_id=user.pk
    )


def balance(user, field="hongde"):
    account = Account.objects.filter(owner_kind=OwnerKind.PERSON, owner_id=user.pk).first()
    return getattr(account, field) if account else 0


def test_a_check_in_earns_once_however_often_replayed(world):
    code = world.tree["S1C1"].code
    for _ in range(3):
        publish(checked_in(world.people.resident, 11, region_code=code))
    assert balance(world.people.resident) == 2
    entry = Entry.objects.get()
    assert (entry.source, entry.event, entry.rule) == (
        "activities.enrolment:11",
        "activities.CheckedIn",
        "activity-checkin",
    )
    assert Account.objects.get(owner_id=world.people.resident.pk).region_code == code


def test_a_volunteer_shift_check_in_earns_nothing_its_hours_do(world):
    publish(checked_in(world.people.resident, 12, kind="volunteer_shift"))
    assert not Entry.objects.exists()


def test_the_daily_cap_stops_the_fourth_check_in(world):
    for n in range(4):
        publish(checked_in(world.people.resident, 100 + n))
    assert balance(world.people.resident) == 6  # 2 each, capped at 6 a day
    assert Entry.objects.count() == 3


def test_a_rolled_back_change_earns_nothing(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish(checked_in(world.people.resident, 13))
        raise RuntimeError
    assert not Entry.objects.exists()
    assert balance(world.people.resident) == 0


def hours(world, attendance, figure, team_id=None):
    return HoursConfirmed(
        attendance_id=attendance,
        volunteer_id=1,
        user_id=world.people.resident.pk,
        team_id=team_id,
        region_code=world.tree["S1C1"].code,
        hours=Decimal(figure),
        at=timezone.now(),
    )


def test_confirmed_hours_earn_per_hour_for_the_volunteer_and_the_team(world):
    publish(hours(world, 1, "2.5", team_id=7))
    publish(hours(world, 1, "2.5", team_id=7))  # replay
    assert balance(world.people.resident, "youai") == 25
    team = Account.objects.get(owner_kind=OwnerKind.TEAM, owner_id=7)
    assert team.youai == 5


def test_corrected_hours_post_the_difference(world):
    publish(hours(world, 2, "3"))
    publish(hours(world, 2, "2"))
    assert balance(world.people.resident, "youai") == 20
    publish(hours(world, 2, "2"))
    assert Entry.objects.filter(account__owner_kind=OwnerKind.PERSON).count() == 2


def test_a_wish_earns_for_a_volunteer_or_an_enterprise(world):
    code = world.tree["S1C1"].code
    publish(
        WishFulfilled(
            wish_id=1,
            region_code=code,
            claimer_kind="volunteer",
            claimer_id=3,
            claimer_user_id=world.people.resident.pk,
        )
    )
    publish(WishFulfilled(wish_id=2, region_code=code, claimer_kind="enterprise", claimer_id=9))
    publish(WishFulfilled(wish_id=2, region_code=code, claimer_kind="enterprise", claimer_id=9))
    assert balance(world.people.resident, "youai") == 10
    assert Account.objects.get(owner_kind=OwnerKind.ENTERPRISE, owner_id=9).youai == 10


def test_only_positive_feedback_earns(world):
    publish(FeedbackGiven(feedback_id=1, volunteer_id=1, user_id=world.people.resident.pk, stars=2))
    publish(FeedbackGiven(feedback_id=2, volunteer_id=1, user_id=world.people.resident.pk, stars=5))
    assert balance(world.people.resident, "youai") == 3


def test_an_inactive_rule_pays_nothing(world):
    Rule.objects.filter(code="activity-checkin").update(active=False)
    publish(checked_in(world.people.resident, 14))
    assert not Entry.objects.exists()


def test_the_monthly_cap_counts_the_whole_month(world):
    Rule.objects.filter(code="activity-checkin").update(daily_cap=None, monthly_cap=5)
    for n in range(4):
        publish(checked_in(world.people.resident, 200 + n))
    assert balance(world.people.resident) == 5
    assert list(Entry.objects.order_by("at", "id").values_list("amount", flat=True)) == [2, 2, 1]
    assert timezone.now() - Entry.objects.first().at < timedelta(minutes=1)
