"""Step deadlines and the moments the deadline light changes, all in working time."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.conf import settings

from civicgrid.cases.models import LimitUnit, Step
from civicgrid.core.worktime import default_calendar

FALLBACK_LIMITS = "intake=1h,dispatch=1h,handle=3d,verify=4h"


def parse_limit(text):
    """ "4h" → (Decimal("4"), "h"); "5d" → (Decimal("5"), "d")."""
    text = text.strip().lower()
    try:
        value, unit = Decimal(text[:-1]), LimitUnit(text[-1:])
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"bad time limit {text!r}: expected a number followed by h or d") from exc
    if value <= 0:
        raise ValueError(f"time limit {text!r} must be positive")
    return value, unit


@lru_cache(maxsize=4)
def _parse_limits(text):
    limits = {}
    for item in text.split(","):
        if item.strip():
            step, _, limit = item.partition("=")
            limits[Step(step.strip())] = parse_limit(limit)
    missing = set(Step) - set(limits)
    if missing:
        raise ValueError(f"CASES_DEFAULT_LIMITS lacks {', '.join(sorted(missing))}")
    return limits


def default_limit(step):
    return _parse_limits(getattr(settings, "CASES_DEFAULT_LIMITS", FALLBACK_LIMITS))[Step(step)]


def add_limit(start, value, unit, calendar=None):
    """`start` plus a limit of `value` working hours or days."""
    calendar = calendar or default_calendar()
    if unit == LimitUnit.DAYS:
        return calendar.add_working_days(start, value)
    return calendar.add_working_hours(start, value)


@dataclass(frozen=True)
class Window:
    """A step's working-time window and its light thresholds."""

    started_at: datetime
    due_at: datetime
    warn_at: datetime
    red_at: datetime
    seconds: float


def light_shares():
    yellow = getattr(settings, "CASES_LIGHT_YELLOW_PERCENT", 80) / 100
    red = getattr(settings, "CASES_LIGHT_RED_PERCENT", 100) / 100
    if not 0 < yellow <= red:
        raise ValueError("CASES_LIGHT_YELLOW_PERCENT must be positive and not above CASES_LIGHT_RED_PERCENT")
    return yellow, red


def window(now, total_seconds, elapsed_seconds=0.0, started_at=None, calendar=None):
    """The window of a step with `total_seconds` of office time of which `elapsed_seconds` are used.

    Used both for a fresh step (elapsed 0) and for one resumed after suspension or extended, where
    part of the time is already spent: the thresholds then fall `share × total − elapsed` office
    seconds after `now` (at once if already passed).
    """
    calendar = calendar or default_calendar()
    yellow, red = light_shares()

    def after(seconds):
        return calendar.add_working_seconds(now, max(seconds, 0.0))

    return Window(
        started_at=started_at or now,
        due_at=after(total_seconds - elapsed_seconds),
        warn_at=after(total_seconds * yellow - elapsed_seconds),
        red_at=after(total_seconds * red - elapsed_seconds),
        seconds=total_seconds,
    )


def window_for_limit(now, value, unit, calendar=None):
    """A fresh step window for a limit; a limit in days runs to close of business, so its office
    time is measured rather than assumed (a report at 10:00 with one day has 14.5 h, not 7 h)."""
    calendar = calendar or default_calendar()
    due = add_limit(now, value, unit, calendar)
    return window(now, calendar.working_seconds_between(now, due), calendar=calendar)


def window_until(now, due, calendar=None):
    calendar = calendar or default_calendar()
    return window(now, calendar.working_seconds_between(now, due), calendar=calendar)
