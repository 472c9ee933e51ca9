"""Check-out and confirmed hours (public actions, used by volunteer shifts)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from civicgrid.activities import actions
from civicgrid.activities.events import CheckedOut, HoursRecorded
from civicgrid.activities.models import Enrolment
from civicgrid.core import events

from .conftest import running


def _values(pk):
    return Enrolment.objects.filter(pk=pk).values("checked_out_at", "hours", "hours_confirmed_at").get()


def test_the_sequence(world):
    from django.utils import timezone

    from civicgrid.activities.models import Activity

    p = world.people
    activity = running(world)
    Activity.objects.filter(pk=activity.pk).update(signup_deadline=timezone.now() + timedelta(minutes=5))
    enrolment = actions.sign_up(p.resident, activity.pk)
    with pytest.raises(ValidationError, match="还没有签到"):
        actions.check_out(p.community, enrolment.pk)
    actions.check_in(p.community, enrolment.pk, "staff")
    with pytest.raises(ValidationError, match="签退后"):
        actions.confirm_hours(p.community, enrolment.pk, "1")
    got = []
    events.subscribe(events.DomainEvent, got.append, phase=events.IN_TRANSACTION)
    try:
        assert actions.check_out(p.community, enrolment.pk).already is False
        assert actions.check_out(p.community, enrolment.pk).already is True
        before = _values(enrolment.pk)
        for bad in ("", "x", "0", "-2", "1.234", "2.5", "1e3", "nan"):
            with pytest.raises(ValidationError):
                actions.confirm_hours(p.community, enrolment.pk, bad)
        assert _values(enrolment.pk) == before
        actions.confirm_hours(p.community, enrolment.pk, "2")
        with pytest.raises(ValidationError, match="已经确认"):
            actions.confirm_hours(p.community, enrolment.pk, "1")
    finally:
        events.unsubscribe(events.DomainEvent, got.append, phase=events.IN_TRANSACTION)
    assert [type(e) for e in got] == [CheckedOut, HoursRecorded]
    assert got[1].hours == Decimal("2")
    assert _values(enrolment.pk)["hours"] == Decimal("2")
