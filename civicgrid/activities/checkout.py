"""Check-out and confirmed hours, public like check-in (civicgrid.activities.actions re-exports them):
a volunteer shift is an activity of its own kind, and its organiser checks a volunteer out and
confirms the hours served. The caller checks who may (as for `check_in`); both run under the
sign-up's row lock, so two organisers pressing at once record it once.

`check_out` is idempotent (a second changes nothing and publishes nothing); `confirm_hours` records
the figure once — a second confirmation is refused, so a listener counting hours never counts twice.
"""

from dataclasses import dataclass
from decimal import ROUND_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.activities.events import CheckedOut, HoursRecorded
from civicgrid.activities.models import Enrolment, Status
from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange

MAX_HOURS = Decimal("24")
LOGGED = ("status", "checked_in_at", "checked_out_at", "hours", "no_show")


@dataclass(frozen=True)
class CheckOutResult:
    enrolment: Enrolment
    already: bool


def _fields(activity, at):
    return {"activity_id": activity.pk, "kind": activity.kind, "region_code": activity.region_code, "at": at}


def scheduled_hours(activity):
    """The activity's length in hours, rounded up to the half hour (the most one may confirm)."""
    seconds = Decimal((activity.ends_at - activity.starts_at).total_seconds())
    halves = (seconds / Decimal(1800)).to_integral_value(rounding=ROUND_UP)
    return min(halves / 2, MAX_HOURS)


def parse_hours(value):
    """A figure of hours from a form: a positive number with at most two decimals, or ValidationError."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("请填写服务时长（小时），如 1.5。")}) from None
    if not hours.is_finite() or hours <= 0 or hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({"hours": _("服务时长须为大于 0 的数字，最多两位小数。")})
    return hours


@transaction.atomic
def check_out(actor, enrolment_id):
    """签退 a checked-in participant (the activity running or finished)."""
    enrolment = Enrolment.objects.select_for_update().select_related("activity").get(pk=enrolment_id)
    activity = enrolment.activity
    if enrolment.checked_out_at is not None:
        return CheckOutResult(enrolment, already=True)
    if enrolment.checked_in_at is None:
        raise ValidationError(_("还没有签到，不能签退。"))
    if activity.status not in (Status.PUBLISHED, Status.FINISHED):
        raise ValidationError(_("活动已取消，不能签退。"))
    now = clock.now()
    before = snapshot(enrolment, LOGGED)
    enrolment.checked_out_at = max(now, enrolment.checked_in_at)
    enrolment.save(update_fields=["checked_out_at"])
    record_change(actor, enrolment, ObjectChange.Action.UPDATE, before, snapshot(enrolment, LOGGED), note="check-out")
    events.publish(
        CheckedOut(
            **_fields(activity, now),
            enrolment_id=enrolment.pk,
            user_id=enrolment.user_id,
            actor_id=actor.pk if actor is not None else None,
        )
    )
    return CheckOutResult(enrolment, already=False)


@transaction.atomic
def confirm_hours(actor, enrolment_id, hours):
    """确认时长 of a participant who checked in and out: 0 < hours ≤ the activity's length (rounded up
    to the half hour, at most 24). Once: a second confirmation is refused."""
    hours = parse_hours(hours)
    enrolment = Enrolment.objects.select_for_update().select_related("activity").get(pk=enrolment_id)
    activity = enrolment.activity
    if enrolment.hours_confirmed_at is not None:
        raise ValidationError(_("服务时长已经确认过了。"))
    if enrolment.checked_in_at is None or enrolment.checked_out_at is None:
        raise ValidationError(_("签到并签退后才能确认服务时长。"))
    limit = scheduled_hours(activity)
    if hours > limit:
        raise ValidationError({"hours": _("服务时长不能超过活动时长 %(hours)s 小时。") % {"hours": limit}})
    now = clock.now()
    before = snapshot(enrolment, LOGGED)
    enrolment.hours, enrolment.hours_confirmed_at, enrolment.hours_confirmed_by = hours, now, actor
    enrolment.save(update_fields=["hours", "hours_confirmed_at", "hours_confirmed_by"])
    record_change(actor, enrolment, ObjectChange.Action.UPDATE, before, snapshot(enrolment, LOGGED), note="hours")
    events.publish(
        HoursRecorded(
            **_fields(activity, now),
            enrolment_id=enrolment.pk,
            user_id=enrolment.user_id,
            hours=hours,
            actor_id=actor.pk if actor is not None else None,
        )
    )
    return enrolment
