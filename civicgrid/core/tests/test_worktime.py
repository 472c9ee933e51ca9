"""WorkCalendar: office hours on Chinese working days (2026 State Council calendar)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicgrid.core.worktime import WorkCalendar, default_calendar, is_chinese_workday

SH = ZoneInfo("Asia/Shanghai")
cal = WorkCalendar()  # 09:00–12:00, 13:30–17:30 Asia/Shanghai: 7 office hours a day


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_the_2026_calendar_as_the_tests_assume_it():
    # 国庆 2026: Oct 1–7 off, Saturday Oct 10 a make-up working day; Sunday Sep 20 one too.
    assert not any(cal.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert cal.is_working_day(date(2026, 10, 10)) and date(2026, 10, 10).weekday() == 5
    assert cal.is_working_day(date(2026, 9, 20)) and date(2026, 9, 20).weekday() == 6
    # 春节 2026: Feb 15–23 off; Saturdays Feb 14 and Feb 28 are working days.
    assert not any(cal.is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert cal.is_working_day(date(2026, 2, 14)) and cal.is_working_day(date(2026, 2, 28))
    assert cal.day_seconds == 7 * 3600


def test_lunch_break_is_not_working_time():
    assert cal.add_working_hours(at(2026, 3, 16, 11), 2) == at(2026, 3, 16, 14, 30)
    assert cal.working_seconds_between(at(2026, 3, 16, 11), at(2026, 3, 16, 14, 30)) == 2 * 3600
    assert not cal.is_working_time(at(2026, 3, 16, 12, 45))
    assert cal.is_working_time(at(2026, 3, 16, 13, 30))


def test_a_limit_used_up_at_a_closing_time_ends_there_not_at_the_next_opening():
    assert cal.add_working_hours(at(2026, 3, 16, 9), 3) == at(2026, 3, 16, 12)
    assert cal.add_working_hours(at(2026, 3, 16, 9), 7) == at(2026, 3, 16, 17, 30)


def test_across_a_weekend():
    # Friday 16:30 leaves one hour; Saturday and Sunday are skipped; Monday takes the other three.
    friday = at(2026, 3, 13, 16, 30)
    assert cal.add_working_hours(friday, 4) == at(2026, 3, 16, 12)
    assert cal.working_seconds_between(friday, at(2026, 3, 16, 12)) == 4 * 3600
    assert cal.working_seconds_between(at(2026, 3, 14, 10), at(2026, 3, 15, 16)) == 0


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 3, 16, 7), 1, at(2026, 3, 16, 10)),  # before opening
        (at(2026, 3, 16, 12, 30), 1, at(2026, 3, 16, 14, 30)),  # during lunch
        (at(2026, 3, 16, 20), 1, at(2026, 3, 17, 10)),  # after closing
        (at(2026, 3, 14, 15), 1, at(2026, 3, 16, 10)),  # on a Saturday
    ],
)
def test_a_start_outside_office_hours_counts_from_the_next_opening(start, hours, due):
    assert cal.add_working_hours(start, hours) == due


def test_across_national_day_and_its_make_up_saturday():
    # Wednesday Sep 30, 15:00: 2.5 h that day; Oct 1–7 off; Thursday Oct 8 09:00–12:00 and 13:30–16:00.
    assert cal.add_working_hours(at(2026, 9, 30, 15), 8) == at(2026, 10, 8, 16)
    # Friday Oct 9, 17:00 + 2 h: half an hour on Friday, then the make-up Saturday.
    assert cal.add_working_hours(at(2026, 10, 9, 17), 2) == at(2026, 10, 10, 10, 30)
    # The whole holiday counts for nothing.
    assert cal.working_seconds_between(at(2026, 9, 30, 17, 30), at(2026, 10, 8, 9)) == 0


def test_across_the_spring_festival():
    # Friday Feb 13 17:00 + 1 h: half an hour on Friday, half an hour on the make-up Saturday Feb 14.
    assert cal.add_working_hours(at(2026, 2, 13, 17), 1) == at(2026, 2, 14, 9, 30)
    # Saturday Feb 14 17:00 + 1 h: the festival (Feb 15–23) is skipped to Tuesday Feb 24.
    assert cal.add_working_hours(at(2026, 2, 14, 17), 1) == at(2026, 2, 24, 9, 30)
    # One working day from there: 0.5 h on Feb 14, 6.5 h on Feb 24, so close of business Feb 24.
    assert cal.add_working_days(at(2026, 2, 14, 17), 1) == at(2026, 2, 24, 17, 30)


def test_working_days_end_at_close_of_business():
    monday = at(2026, 3, 16, 10)
    assert cal.add_working_days(monday, 1) == at(2026, 3, 17, 17, 30)
    assert cal.add_working_days(monday, 5) == at(2026, 3, 23, 17, 30)  # over a weekend
    # Filed before opening, the first day counts whole.
    assert cal.add_working_days(at(2026, 3, 16, 8), 1) == at(2026, 3, 16, 17, 30)
    # Wednesday before 国庆: lands on Thursday Oct 8, closes at 17:30.
    assert cal.add_working_days(at(2026, 9, 30, 10), 1) == at(2026, 10, 8, 17, 30)
    # 绿地养护 5 working days, filed after closing on Sep 30: Oct 8, 9, 10 (make-up Saturday), 12, 13.
    assert cal.add_working_days(at(2026, 9, 30, 17, 30), 5) == at(2026, 10, 13, 17, 30)


def test_zero_and_negative_limits():
    start = at(2026, 3, 16, 10)
    assert cal.add_working_hours(start, 0) == start
    assert cal.add_working_days(start, 0) == start
    with pytest.raises(ValueError):
        cal.add_working_hours(start, -1)
    with pytest.raises(ValueError):
        cal.add_working_days(start, -1)


def test_fractional_limits():
    from decimal import Decimal

    assert cal.add_working_hours(at(2026, 3, 16, 9), Decimal("0.5")) == at(2026, 3, 16, 9, 30)


def test_reversed_or_empty_spans_have_no_working_time():
    a = at(2026, 3, 16, 10)
    assert cal.working_seconds_between(a, a) == 0
    assert cal.working_seconds_between(a + timedelta(hours=2), a) == 0


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 3, 16, 10)
    with pytest.raises(ValueError, match="aware"):
        cal.add_working_hours(naive, 1)
    with pytest.raises(ValueError, match="aware"):
        cal.working_seconds_between(naive, at(2026, 3, 16, 11))


def test_results_keep_the_callers_time_zone():
    start = datetime(2026, 3, 16, 2, tzinfo=UTC)  # 10:00 in Shanghai
    due = cal.add_working_hours(start, 1)
    assert due.tzinfo == UTC and due == datetime(2026, 3, 16, 3, tzinfo=UTC)


def test_years_outside_the_known_calendar_fall_back_to_weekends_only():
    # chinese_calendar raises for unpublished years; the fallback treats Monday–Friday as working.
    far = date(2099, 10, 1)  # a Thursday
    assert far.weekday() == 3 and is_chinese_workday(far)
    assert not is_chinese_workday(date(2099, 10, 3))  # Saturday
    assert cal.add_working_hours(datetime(2099, 10, 2, 17, tzinfo=SH), 1) == datetime(2099, 10, 5, 9, 30, tzinfo=SH)


def test_office_hours_are_configurable(settings):
    settings.WORK_HOURS = "08:30-12:00,14:00-18:00"
    custom = default_calendar()
    assert custom.day_seconds == 7.5 * 3600
    assert custom.add_working_hours(at(2026, 3, 16, 11), 2) == at(2026, 3, 16, 15)
    settings.WORK_HOURS = "09:00-12:00,13:30-17:30"
    assert default_calendar().add_working_hours(at(2026, 3, 16, 11), 2) == at(2026, 3, 16, 14, 30)


@pytest.mark.parametrize("bad", ["", "12:00-09:00", "09:00-12:00,11:00-13:00", "nine-to-five"])
def test_bad_office_hours_are_refused(bad):
    with pytest.raises(ValueError):
        WorkCalendar(bad)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2025, 9, 1), max_value=datetime(2026, 12, 31)),
    seconds=st.integers(min_value=0, max_value=40 * 7 * 3600),
)
def test_adding_then_measuring_gives_back_the_same_working_time(start, seconds):
    start = start.replace(tzinfo=SH)
    due = cal.add_working_seconds(start, seconds)
    assert due >= start
    assert cal.working_seconds_between(start, due) == pytest.approx(seconds, abs=1e-6)
