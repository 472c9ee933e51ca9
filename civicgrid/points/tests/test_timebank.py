"""The time bank: one side records, the other confirms; the minutes move zero-sum; declines,
strangers and bad input change nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from civicgrid.points import actions
from civicgrid.points.models import Account, Entry, Help, OwnerKind


def minutes(user):
    account = Account.objects.filter(owner_kind=OwnerKind.PERSON, owner_id=user.pk).first()
    return account.time_minutes if account else 0


def test_help_moves_minutes_once_both_sides_confirm(world):
    record = actions.record_help(
        world.people.resident, other_phone="13800000002", gave=True, hours="1.5", what="修水管"
    )
    assert record.giver == world.people.resident and record.minutes == 90
    assert minutes(world.people.resident) == 0
    with pytest.raises(Help.DoesNotExist):
        actions.confirm_help(world.people.resident, record.pk)  # the recorder cannot confirm
    actions.confirm_help(world.people.resident2, record.pk)
    assert (minutes(world.people.resident), minutes(world.people.resident2)) == (90, -90)
    assert Entry.objects.filter(kind="time").aggregate(total=Sum("amount"))["total"] == 0
    with pytest.raises(Help.DoesNotExist):
        actions.confirm_help(world.people.resident2, record.pk)


def test_a_declined_record_moves_nothing(world):
    record = actions.record_help(world.people.resident, other_phone="13800000002", gave=False, hours="1", what="买菜")
    actions.decline_help(world.people.resident2, record.pk)
    assert Help.objects.get().status == Help.Status.DECLINED and not Entry.objects.exists()


def test_the_credit_line_stops_endless_receiving(world, settings):
    settings.POINTS_TIMEBANK_CREDIT_MINUTES = 60
    record = actions.record_help(world.people.resident, other_phone="13800000002", gave=True, hours="2", what="搬家")
    with pytest.raises(ValidationError):
        actions.confirm_help(world.people.resident2, record.pk)
    assert not Entry.objects.exists() and Help.objects.get().status == Help.Status.PROPOSED


def test_bad_input_and_strangers(world):
    for hours in ("0", "-1", "13", "0.3", "abc", "NaN", "Infinity"):
        with pytest.raises(ValidationError):
            actions.record_help(world.people.resident, other_phone="13800000002", gave=True, hours=hours, what="x")
    with pytest.raises(ValidationError):  # another community
        actions.record_help(world.people.resident, other_phone="13800000009", gave=True, hours="1", what="x")
    with pytest.raises(ValidationError):
        actions.record_help(world.people.resident, other_phone="13800000001", gave=True, hours="1", what="x")
    with pytest.raises(ValidationError):
        actions.record_help(world.people.resident, other_phone="13800000002", gave=True, hours="1", what="a\x07b")
    record = actions.record_help(world.people.resident, other_phone="13800000002", gave=True, hours="1", what="x")
    with pytest.raises(Help.DoesNotExist):
        actions.confirm_help(world.people.outsider, record.pk)
    assert Help.objects.count() == 1 and not Entry.objects.exists()
