"""Open311's query parameters and its error: dates in a sane range, positive integers, and the
exception every Open311 view answers in its own format."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _


class Open311Error(Exception):
    def __init__(self, status, description):
        self.status, self.description = status, str(description)
        super().__init__(self.description)


# Dates a request may name: wide enough for any real query, narrow enough that the default window
# (start = end − OPEN311_DEFAULT_DAYS) and time-zone shifts never leave Python's or the database's range.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)
# Pages beyond this are refused: the offset must fit the database's integers (a 20-digit page made
# SQLite raise OverflowError), and no client pages a million pages deep.
MAX_PAGE = 1_000_000


def parse_time(value, name):
    if not value:
        return None
    message = _("%(name)s 应为 ISO 8601 日期时间。") % {"name": name}
    try:
        # A `+` in a query string arrives as a space.
        parsed = parse_datetime(value.replace(" ", "+")) or datetime.fromisoformat(value)
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
    except (ValueError, OverflowError):
        # Well-formed but impossible (2026-99-99, 2026-02-30, +99:00) or not a date at all.
        raise Open311Error(400, message) from None
    try:
        in_range = EARLIEST <= parsed <= LATEST
    except OverflowError:
        in_range = False
    if not in_range:
        raise Open311Error(400, _("%(name)s 应在 1970 年至 2999 年之间。") % {"name": name})
    return parsed


def positive_int(value, name, default, maximum=None, refuse_above=None):
    """A positive integer in ASCII digits: `maximum` caps it silently, above `refuse_above` is a 400."""
    if value in (None, ""):
        return default
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 12 or int(value) < 1:
        raise Open311Error(400, _("%(name)s 应为正整数。") % {"name": name})
    number = int(value)
    if refuse_above and number > refuse_above:
        raise Open311Error(400, _("%(name)s 不能超过 %(max)s。") % {"name": name, "max": refuse_above})
    return min(number, maximum) if maximum else number
