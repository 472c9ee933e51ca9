"""Step deadlines in working time (holidays, make-up days, weekends), and the two lights."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from civicgrid.cases import actions
from civicgrid.cases.errors import ActionNotAllowed, InvalidTransition
from civicgrid.cases.models import Case, HandlingLevel, Light, Status, Step
from civicgrid.cases.tests.conftest import make_case, report
from civicgrid.core import clock as core_clock

SH = ZoneInfo("Asia/Shanghai")


def at(m, d, hh, mm=0, y=2026):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


class Clock:
    def __init__(self, monkeypatch):
        self.now = None
        monkeypatch.setattr(core_clock, "now", lambda: self.now)

    def __call__(self, moment):
        self.now = moment
        return moment


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def dispatched(world, clock, code, when):
    """A case of `code` reported and accepted shortly before `when`, dispatched to the grid at `when`."""
    clock(when.replace(hour=9, minute=0) if when.hour > 9 else when)
    case = report(world, code=code)
    case = actions.accept_case(case, world.people.community, version=case.version)
    clock(when)
    return actions.dispatch_case(case, world.people.community, version=case.version, level=HandlingLevel.GRID)


def test_intake_dispatch_and_overall_deadlines_across_national_day(world, clock):
    clock(at(9, 30, 15))  # Wednesday before 国庆
    case = report(world, code="06010")  # 暴露垃圾: intake 1 h, dispatch 1 h, handle 4 h, verify 4 h
    assert (case.step, case.step_due_at) == (Step.INTAKE, at(9, 30, 16))
    clock(at(9, 30, 15, 30))
    case = actions.accept_case(case, world.people.community, version=case.version)
    assert (case.step, case.step_due_at) == (Step.DISPATCH, at(9, 30, 16, 30))
    # Overall: dispatch by 16:30, handle 4 h (1 h that day, 3 h on Thursday Oct 8 after the
    # holiday), verify 4 h (the afternoon of Oct 8).
    assert case.overall_due_at == at(10, 8, 17, 30)
    clock(at(9, 30, 16))
    case = actions.dispatch_case(case, world.people.community, version=case.version, level=HandlingLevel.GRID)
    # 4 working hours from 16:00 on Sep 30: 1.5 h that day, Oct 1–7 off, 2.5 h on Oct 8.
    assert (case.step, case.step_due_at) == (Step.HANDLE, at(10, 8, 11, 30))
    assert case.step_limit == 4 and case.step_limit_unit == "h"


def test_handling_deadline_over_the_make_up_saturday(world, clock):
    case = dispatched(world, clock, "06010", at(10, 9, 16))  # Friday Oct 9, 16:00
    assert case.step_due_at == at(10, 10, 11, 30)  # Saturday Oct 10 is a working day in 2026


def test_handling_deadline_over_a_weekend_and_its_lights(world, clock):
    case = dispatched(world, clock, "06010", at(3, 13, 16, 30))  # Friday
    assert case.step_due_at == at(3, 16, 12)  # 1 h on Friday, 3 h on Monday
    # 80 % of 4 h is 3.2 h: 1 h Friday, 2.2 h Monday from 09:00.
    assert case.step_warn_at == at(3, 16, 11, 12) and case.step_red_at == at(3, 16, 12)
    assert case.step_seconds == 4 * 3600


def test_a_limit_in_days_ends_at_close_of_business(world, clock):
    case = dispatched(world, clock, "04002", at(9, 30, 10))  # 绿地养护: 5 working days
    # 6 h on Sep 30, then Oct 8, 9, 10 (make-up), 12, and 1 h into Oct 13: due at its close.
    assert case.step_due_at == at(10, 13, 17, 30)
    assert case.step_limit_unit == "d"


def test_an_approved_extension_moves_the_deadline_in_working_time(world, clock):
    case = dispatched(world, clock, "06010", at(3, 13, 16, 30))
    case = actions.sign_case(case, world.people.grid, version=case.version)
    clock(at(3, 16, 10))
    case = actions.request_extension(
        case, world.people.grid, version=case.version, amount=1, unit="d", reason="需协调物业"
    )
    assert case.extension_pending
    case = actions.approve_extension(case, world.people.community, version=case.version)
    # Monday 12:00 + one working day lands Tuesday 12:00, so due at Tuesday's close of business.
    assert case.step_due_at == at(3, 17, 17, 30)
    assert (case.extension_pending, case.extension_count) == (False, 1)
    request = case.extension_requests.get()
    assert (request.status, request.old_due_at, request.new_due_at) == ("approved", at(3, 16, 12), at(3, 17, 17, 30))
    # The window grew by the added office time, and the light follows it.
    assert case.step_seconds == pytest.approx((4 + 4 + 7) * 3600)  # + Monday afternoon + Tuesday
    assert case.deadline_light(at(3, 16, 12)) == Light.GREEN


def test_nobody_approves_their_own_extension(world, clock):
    case = dispatched(world, clock, "06010", at(3, 13, 16, 30))
    clock(at(3, 16, 9))
    case = actions.sign_case(case, world.people.grid, version=case.version)
    case = actions.request_extension(case, world.people.grid, version=case.version, amount=2, unit="h", reason="x")
    with pytest.raises(InvalidTransition, match="已有待审批"):
        actions.request_extension(case, world.people.grid, version=case.version, amount=2, unit="h", reason="x")
    with pytest.raises(ActionNotAllowed):
        actions.approve_extension(case, world.people.grid, version=case.version)


def test_a_pending_extension_lapses_when_the_step_ends(world, clock):
    case = dispatched(world, clock, "06010", at(3, 16, 9))
    case = actions.sign_case(case, world.people.grid, version=case.version)
    case = actions.request_extension(case, world.people.grid, version=case.version, amount=2, unit="h", reason="x")
    case = actions.feedback_case(case, world.people.grid, version=case.version, note="已清理")
    assert not case.extension_pending
    assert case.extension_requests.get().status == "withdrawn"


def test_suspension_stops_the_clock_and_resumption_restores_the_time_left(world, clock):
    case = dispatched(world, clock, "06010", at(3, 13, 16, 30))  # due Monday 12:00
    overall_before = case.overall_due_at
    clock(at(3, 16, 10))  # two working hours left
    case = actions.suspend_case(case, world.people.street, version=case.version, reason="待旧改")
    assert case.status == Status.SUSPENDED and case.step_due_at is None
    assert case.deadline_light(at(3, 20, 10)) == "" and case.stage_light == Light.BLUE
    clock(at(3, 18, 15))  # Wednesday
    case = actions.resume_case(case, world.people.street, version=case.version)
    assert case.status == Status.DISPATCHED  # where it was parked from
    assert case.step_due_at == at(3, 18, 17)  # the two hours, from Wednesday 15:00
    assert case.overall_due_at > overall_before
    assert case.suspended_from == "" and case.suspended_at is None


def test_correcting_the_category_re_times_the_running_step(world, clock):
    case = dispatched(world, clock, "06010", at(3, 13, 16, 30))
    clock(at(3, 16, 9))
    case = actions.correct_category(case, world.people.community, version=case.version, category=world.cats["04002"])
    # 绿地养护 takes 5 working days from the step's start (Friday 16:30): due Friday Mar 20 close.
    assert case.step_due_at == at(3, 20, 17, 30)
    assert (case.step_limit, case.step_limit_unit) == (5, "d")
    assert case.step_started_at == at(3, 13, 16, 30)


def test_a_project_runs_to_its_last_milestone(world, clock):
    case = dispatched(world, clock, "S08001", at(3, 16, 10))
    case = actions.sign_case(case, world.people.grid, version=case.version)
    case = actions.convert_to_project(
        case,
        world.people.community,
        version=case.version,
        title="加装电梯",
        milestones=[("征求意见", "2026-04-10"), ("施工", "2026-06-30")],
    )
    assert case.status == Status.PROJECT and case.step_due_at == at(6, 30, 17, 30)
    with pytest.raises(InvalidTransition, match="未完成的节点"):
        actions.feedback_case(case, world.people.grid, version=case.version, note="完成")
    for milestone in case.project.milestones.all():
        case = actions.complete_milestone(case, world.people.grid, version=case.version, milestone=milestone)
    case = actions.feedback_case(case, world.people.grid, version=case.version, note="电梯已投用")
    assert case.status == Status.HANDLED and case.project.completed_at is not None


# --- Lights ---------------------------------------------------------------------------------


def lights(now):
    row = Case.objects.with_lights(now=now).values_list("deadline_colour", "stage_colour").get()
    return row


@pytest.mark.parametrize(
    ("now", "colour"),
    [(at(3, 16, 9, 30), Light.GREEN), (at(3, 16, 9, 48), Light.YELLOW), (at(3, 16, 10), Light.RED)],
)
def test_the_deadline_light_in_sql_and_in_python_agree(world, clock, now, colour):
    clock(at(3, 16, 9))
    case = report(world, code="06010")  # intake 1 h: yellow from 09:48, red at 10:00
    assert lights(now) == (colour, Light.RED)
    assert case.deadline_light(now) == colour
    for other in (Light.GREEN, Light.YELLOW, Light.RED):
        assert Case.objects.deadline_light(other, now=now).exists() == (other == colour)


def test_the_elapsed_share_counts_working_time(world, clock):
    clock(at(3, 13, 17))  # Friday, 30 minutes before closing; intake limit 1 h
    case = report(world, code="06010")
    assert case.step_due_at == at(3, 16, 9, 30)
    assert case.elapsed_share(at(3, 14, 12)) == pytest.approx(0.5)  # the weekend does not count
    assert case.elapsed_share(at(3, 16, 10)) == pytest.approx(1.5)


def test_light_thresholds_are_configurable(world, clock, settings):
    settings.CASES_LIGHT_YELLOW_PERCENT = 50
    settings.CASES_LIGHT_RED_PERCENT = 90
    clock(at(3, 16, 9))
    case = report(world, code="06010")
    assert (case.step_warn_at, case.step_red_at, case.step_due_at) == (
        at(3, 16, 9, 30),
        at(3, 16, 9, 54),
        at(3, 16, 10),
    )
    assert lights(at(3, 16, 9, 55))[0] == Light.RED


def test_stage_lights_follow_the_case(world):
    case = make_case(world, Status.REPORTED)
    assert case.stage_light == Light.RED
    case = make_case(world, Status.HANDLING)
    assert case.stage_light == Light.BLUE
    case = make_case(world, Status.HANDLED)
    assert case.stage_light == Light.YELLOW
    case = make_case(world, Status.CLOSED)
    assert case.stage_light == Light.GREEN and case.deadline_light() == ""
    counts = {c: Case.objects.stage_light(c).count() for c in (Light.RED, Light.BLUE, Light.YELLOW, Light.GREEN)}
    assert counts == {Light.RED: 1, Light.BLUE: 1, Light.YELLOW: 1, Light.GREEN: 1}
    annotated = dict(Case.objects.with_lights().values_list("pk", "stage_colour"))
    assert annotated[case.pk] == Light.GREEN
    assert Case.objects.with_lights().get(pk=case.pk).deadline_colour == ""
