"""The deadline reminder job: once per case, step and colour, across a deadline crossing."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from civicgrid.cases.models import Status
from civicgrid.cases.tests.conftest import fresh, make_case
from civicgrid.core.worktime import default_calendar
from civicgrid.notifications.jobs import raise_deadline_reminders
from civicgrid.notifications.models import DeadlineReminder, Kind, Notification

pytestmark = pytest.mark.django_db


def recipients_of(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_reminders_are_sent_once_per_colour(world):
    case = fresh(make_case(world, Status.HANDLING))
    calendar = default_calendar()
    # The window was computed in working time: warn and red fall inside office hours.
    assert calendar.working_seconds_between(case.step_started_at, case.step_warn_at) > 0
    second = timedelta(seconds=1)

    assert raise_deadline_reminders(now=case.step_warn_at - second) == 0
    assert raise_deadline_reminders(now=case.step_warn_at + second) == 1
    assert recipients_of(Kind.NEAR_DUE) == ["grid"]
    assert raise_deadline_reminders(now=case.step_warn_at + second) == 0  # idempotent
    assert raise_deadline_reminders(now=case.step_red_at - second) == 0  # still yellow
    assert Notification.objects.count() == 1

    assert raise_deadline_reminders(now=case.step_red_at + second) == 1
    assert recipients_of(Kind.OVERDUE) == ["grid", "street", "street2"]
    assert raise_deadline_reminders(now=case.step_red_at + timedelta(days=3)) == 0
    assert DeadlineReminder.objects.filter(case=case).count() == 2
    assert Notification.objects.count() == 4


def test_a_new_step_is_reminded_afresh(world):
    from civicgrid.cases import actions

    case = fresh(make_case(world, Status.HANDLING))
    raise_deadline_reminders(now=case.step_red_at + timedelta(seconds=1))
    case = actions.feedback_case(case, world.people.grid, version=case.version, note="已处理。")
    case = fresh(case)
    assert case.step == "verify"
    assert raise_deadline_reminders(now=case.step_warn_at + timedelta(seconds=1)) == 1
    assert recipients_of(Kind.NEAR_DUE) == ["community", "community2"]  # the dispatchers verify a grid case


def test_closed_cases_are_not_reminded(world):
    case = fresh(make_case(world, Status.CLOSED))
    assert case.step_due_at is None
    assert raise_deadline_reminders(now=case.closed_at + timedelta(days=30)) == 0


def test_run_scheduler_runs_one_iteration(world, capsys):
    call_command("run_scheduler", "--once")
    out = capsys.readouterr().out
    assert "raise_deadline_reminders: 0" in out
    assert "send_daily_digests:" in out
    assert "scheduler stopped" in out
