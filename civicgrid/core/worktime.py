"""Working time: time limits counted in office hours on Chinese working days.

Case time limits are set in working hours (工作时) or working days (工作日) (GB/T 30428, CJ/T 315). A working
day is a day the State Council calendar says people work: Monday to Friday unless a public holiday,
plus the make-up Saturdays and Sundays (调休上班) around holidays. `chinese_calendar` (PyPI
`chinesecalendar`) carries that calendar. Office hours are configurable per install
(settings.WORK_HOURS, default 09:00–12:00 and 13:30–17:30 in settings.WORK_TIME_ZONE).

Conventions, chosen so that the three functions agree with one another:

- ``add_working_hours(start, h)`` is the moment when `h` hours of office time have elapsed since
  `start`. A start outside office hours starts counting at the next opening; a limit that is used
  up exactly at a closing time ends at that closing time (not at the next opening).
- ``add_working_days(start, d)``: one working day is the office time of one working day, and a limit
  in days ends at close of business. So `d` days = d × (office seconds per day) of office time from
  `start`, then rounded up to the close of business of the day where that lands. A report at
  10:00 Monday with one working day is due 17:30 Tuesday; one filed at 08:00 Monday, before
  opening, is due 17:30 Monday.
- ``working_seconds_between(a, b)`` is the office time in [a, b), so
  ``working_seconds_between(s, add_working_hours(s, h)) == h * 3600`` for any `s`: the deadline
  lights, which compare elapsed office time with a step's limit, match the deadlines exactly.

Only aware datetimes are accepted: a naive one would silently be read in the wrong zone.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

DEFAULT_WORK_HOURS = "09:00-12:00,13:30-17:30"
DEFAULT_TIME_ZONE = "Asia/Shanghai"

# A calendar with no working day in ten years is misconfigured; stop instead of looping forever.
_MAX_DAYS_SCANNED = 3660


@lru_cache(maxsize=8192)
def is_chinese_workday(day: date) -> bool:
    """Whether `day` is a working day under the State Council calendar.

    chinese_calendar knows only the years whose holiday arrangement has been published (it raises
    NotImplementedError for any other year). For those years we fall back to Monday–Friday: the
    holidays of a year not yet announced cannot be known, and a deadline that may be off by a
    holiday is better than no deadline at all. Upgrading the package after each year's
    announcement (usually in November) brings the next year in.
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def parse_work_hours(text):
    """Parse "09:00-12:00,13:30-17:30" into ((time(9), time(12)), (time(13, 30), time(17, 30)))."""
    periods = []
    for chunk in text.split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        try:
            opens, closes = (time.fromisoformat(part.strip()) for part in chunk.split("-"))
        except ValueError as exc:
            raise ValueError(f"bad office hours {chunk!r}: expected HH:MM-HH:MM") from exc
        periods.append((opens, closes))
    return tuple(periods)


class WorkCalendar:
    """Office hours on Chinese working days, in one time zone."""

    def __init__(self, periods=DEFAULT_WORK_HOURS, time_zone=DEFAULT_TIME_ZONE, is_working_day=None):
        if isinstance(periods, str):
            periods = parse_work_hours(periods)
        periods = tuple((_as_time(a), _as_time(b)) for a, b in periods)
        if not periods:
            raise ValueError("office hours must contain at least one period")
        for opens, closes in periods:
            if not opens < closes:
                raise ValueError(f"office period {opens}-{closes} must open before it closes")
        for (_, closes), (opens, _) in zip(periods, periods[1:], strict=False):
            if not closes <= opens:
                raise ValueError("office periods must be in order and must not overlap")
        self.periods = periods
        self.tz = ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
        self._is_working_day = is_working_day or is_chinese_workday
        # Period lengths do not depend on the day (wall-clock times in a zone without DST jumps
        # inside office hours), so one working day always holds the same office time.
        self.day_seconds = sum(
            (datetime.combine(date.min, b) - datetime.combine(date.min, a)).total_seconds() for a, b in periods
        )

    def __repr__(self):
        hours = ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in self.periods)
        return f"WorkCalendar({hours!r}, {str(self.tz)!r})"

    # --- days ------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return self._is_working_day(day)

    def is_working_time(self, moment: datetime) -> bool:
        _require_aware(moment)
        local = moment.astimezone(self.tz)
        if not self.is_working_day(local.date()):
            return False
        return any(opens <= local.time() < closes for opens, closes in self.periods)

    def _intervals(self, start):
        """Office intervals (open, close) in UTC, on working days, from `start`'s local day on."""
        day = start.astimezone(self.tz).date()
        for _ in range(_MAX_DAYS_SCANNED):
            if self.is_working_day(day):
                for opens, closes in self.periods:
                    yield (
                        datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC),
                        datetime.combine(day, closes, tzinfo=self.tz).astimezone(UTC),
                    )
            day += timedelta(days=1)
        raise ValueError(f"no office hours within {_MAX_DAYS_SCANNED} days of {start}")

    def close_of_business(self, moment: datetime) -> datetime:
        """The last closing time of `moment`'s local day (that day need not be a working day)."""
        _require_aware(moment)
        day = moment.astimezone(self.tz).date()
        return datetime.combine(day, self.periods[-1][1], tzinfo=self.tz).astimezone(moment.tzinfo)

    # --- arithmetic ------------------------------------------------------------------------

    def add_working_seconds(self, start: datetime, seconds) -> datetime:
        """The moment when `seconds` of office time have elapsed since `start`."""
        _require_aware(start)
        remaining = timedelta(seconds=float(seconds))
        if remaining < timedelta(0):
            raise ValueError("working time to add must not be negative")
        if not remaining:
            return start
        start_utc = start.astimezone(UTC)
        for opens, closes in self._intervals(start_utc):
            begin = max(opens, start_utc)
            if begin >= closes:
                continue
            available = closes - begin
            if remaining <= available:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= available
        raise AssertionError("unreachable: _intervals raises when it runs out")  # pragma: no cover

    def add_working_hours(self, start: datetime, hours) -> datetime:
        return self.add_working_seconds(start, _number(hours) * 3600)

    def add_working_days(self, start: datetime, days) -> datetime:
        """Close of business on the day when `days` working days of office time are used up."""
        days = _number(days)
        if days < 0:
            raise ValueError("working days to add must not be negative")
        if not days:
            _require_aware(start)
            return start
        return self.close_of_business(self.add_working_seconds(start, days * self.day_seconds))

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Office time in [a, b), in seconds; 0 when b is not after a."""
        _require_aware(a)
        _require_aware(b)
        a_utc, b_utc = a.astimezone(UTC), b.astimezone(UTC)
        if b_utc <= a_utc:
            return 0.0
        total = timedelta(0)
        for opens, closes in self._intervals(a_utc):
            if opens >= b_utc:
                break
            overlap = min(closes, b_utc) - max(opens, a_utc)
            if overlap > timedelta(0):
                total += overlap
        return total.total_seconds()


def _as_time(value):
    return time.fromisoformat(value) if isinstance(value, str) else value


def _number(value):
    # Limits are stored as Decimal (e.g. 0.5 working hours); float is precise enough for seconds.
    return float(value) if isinstance(value, Decimal) else value


def _require_aware(moment):
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("working-time arithmetic needs an aware datetime, not a naive one")


@lru_cache(maxsize=4)
def _calendar_for(work_hours, time_zone):
    return WorkCalendar(work_hours, time_zone)


def default_calendar() -> WorkCalendar:
    """The install's calendar, from settings. Keyed on the settings' values rather than cached
    once, so a changed setting (override_settings in tests) takes effect without a signal."""
    from django.conf import settings

    return _calendar_for(
        getattr(settings, "WORK_HOURS", DEFAULT_WORK_HOURS),
        getattr(settings, "WORK_TIME_ZONE", DEFAULT_TIME_ZONE),
    )
