"""Longer stories through the workflow, and the guards that depend on an action's input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicgrid.cases import actions, workflow
from civicgrid.cases.errors import ActionNotAllowed, CaseInputError, InvalidTransition
from civicgrid.cases.integrity import verify_chain
from civicgrid.cases.models import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    Case,
    CaseParticipant,
    Evaluation,
    HandlingLevel,
    Status,
)
from civicgrid.cases.tests.conftest import advance, fresh, make_case, point_in
from civicgrid.cases.workflow import Action
from civicgrid.core import clock


def test_whistle_up_grid_to_community_to_street_to_department(world):
    p = world.people
    case = make_case(world, Status.HANDLING, code="06010")
    case = actions.escalate_case(case, p.grid, version=case.version, reason="需社区协调")
    assert (case.status, case.handling_level, case.assignee) == (Status.DISPATCHED, HandlingLevel.COMMUNITY, None)
    case = actions.sign_case(case, p.community2, version=case.version)
    case = actions.escalate_case(case, p.community2, version=case.version, reason="需街道统筹")
    assert case.handling_level == HandlingLevel.STREET
    case = actions.escalate_case(case, p.street, version=case.version, reason="街乡吹哨，部门报到")
    # 暴露垃圾's department kind is city management: its department reports in.
    assert (case.handling_level, case.handling_department) == (HandlingLevel.DEPARTMENT, world.cg)
    assert case.escalation_count == 3
    case = actions.sign_case(case, p.dept, version=case.version)
    with pytest.raises(InvalidTransition, match="无法继续吹哨"):
        actions.escalate_case(case, p.dept, version=case.version, reason="再上报")
    leads = CaseParticipant.objects.filter(case=case, role="lead")
    assert leads.count() == 4 and leads.filter(is_active=True).get().department == world.cg
    assert verify_chain(fresh(case)) is None


def test_dispatch_one_lead_and_co_handlers(world):
    case = make_case(world, Status.REGISTERED, code="06010")
    case = actions.dispatch_case(
        case,
        world.people.street,
        version=case.version,
        level=HandlingLevel.DEPARTMENT,
        department=world.cg,
        co_departments=[world.water, world.water.pk, world.cg],  # repeats and the lead are dropped
    )
    active = case.participants.filter(is_active=True)
    assert {(p.role, p.department_id) for p in active} == {("lead", world.cg.pk), ("co", world.water.pk)}
    event = case.events.order_by("-seq").first()
    assert event.details["co_departments"] == ["D-WATER"] and event.details["department"] == "D-CG"
    # Re-dispatching before anyone signed replaces the lead and co-handlers.
    case = actions.dispatch_case(case, world.people.street, version=case.version, level=HandlingLevel.STREET)
    assert {(p.role, p.level) for p in case.participants.filter(is_active=True)} == {("lead", "street")}
    assert case.handling_department is None


def test_dispatch_input_is_checked(world):
    p = world.people
    case = make_case(world, Status.REGISTERED, code="06010")
    with pytest.raises(ActionNotAllowed, match="不能派遣到职能部门"):
        actions.dispatch_case(
            case, p.community, version=case.version, level=HandlingLevel.DEPARTMENT, department=world.cg
        )
    with pytest.raises(CaseInputError, match="主办部门"):
        actions.dispatch_case(case, p.street, version=case.version, level=HandlingLevel.DEPARTMENT)
    with pytest.raises(CaseInputError, match="处置人不属于"):
        actions.dispatch_case(
            case, p.community, version=case.version, level=HandlingLevel.GRID, assignee=p.grid_neighbour
        )
    from civicgrid.regions.models import Department

    elsewhere = Department.objects.create(
        region=world.tree["S2"], code="S2-CG", name="S2 城管中队", kind="urban_management"
    )
    with pytest.raises(CaseInputError, match="不负责案件所在区域"):
        actions.dispatch_case(
            case, p.street, version=case.version, level=HandlingLevel.DEPARTMENT, department=elsewhere
        )
    with pytest.raises(CaseInputError, match="处置层级"):
        actions.dispatch_case(case, p.street, version=case.version, level="moon")
    assert fresh(case).version == case.version
    case = actions.dispatch_case(case, p.community, version=case.version, level=HandlingLevel.GRID, assignee=p.grid)
    assert case.assignee == p.grid
    # Only the named grid worker is the handler now.
    from civicgrid.testing import make_user

    colleague = make_user("colleague", "grid_worker", world.tree["S1C1G1"])
    with pytest.raises(ActionNotAllowed):
        actions.sign_case(case, colleague, version=case.version)


def test_rework_is_counted_and_the_handler_cannot_verify_their_own_work(world):
    case = make_case(world, Status.HANDLED)
    with pytest.raises(ActionNotAllowed, match="不能核查自己"):
        actions.verify_case(case, world.people.grid, version=case.version, passed=True)
    with pytest.raises(CaseInputError, match="原因"):
        actions.verify_case(case, world.people.community, version=case.version, passed=False)
    case = actions.verify_case(case, world.people.community, version=case.version, passed=False, note="未清理干净")
    assert (case.status, case.rework_count, case.assignee) == (Status.HANDLING, 1, world.people.grid)
    case = actions.feedback_case(case, world.people.grid, version=case.version, note="已彻底清理")
    case = actions.verify_case(case, world.people.community, version=case.version, passed=True)
    case = actions.close_case(case, world.people.community, version=case.version)
    assert case.status == Status.CLOSED and case.rework_count == 1 and case.closed_at


def test_evaluate_once_and_reopen_when_unsatisfied_within_the_window(world, monkeypatch, settings):
    case = make_case(world, Status.CLOSED)
    with pytest.raises(CaseInputError, match="1 至 5"):
        actions.evaluate_case(case, world.people.resident, version=case.version, score=6)
    case = actions.evaluate_case(
        case, world.people.resident, version=case.version, score=2, comment="只清理了一半", reopen=True
    )
    assert (case.status, case.reopen_count, case.closed_at) == (Status.HANDLING, 1, None)
    evaluation = Evaluation.objects.get(case=case)
    assert (evaluation.score, evaluation.satisfied, evaluation.round) == (2, False, 0)
    # The second round is rated again.
    case = actions.feedback_case(case, world.people.grid, version=case.version, note="全部清理")
    case = actions.verify_case(case, world.people.community, version=case.version, passed=True)
    case = actions.close_case(case, world.people.community, version=case.version)
    case = actions.evaluate_case(case, world.people.resident, version=case.version, score=5)
    with pytest.raises(InvalidTransition, match="已评价"):
        actions.evaluate_case(case, world.people.resident, version=case.version, score=4)
    with pytest.raises(InvalidTransition, match="不满意"):
        actions.reopen_case(case, world.people.resident, version=case.version, reason="x")
    assert Evaluation.objects.filter(case=case).count() == 2


def test_reopening_is_refused_after_the_window(world, monkeypatch, settings):
    settings.CASES_REOPEN_WINDOW_DAYS = 7
    case = make_case(world, Status.CLOSED)
    case = actions.evaluate_case(case, world.people.resident, version=case.version, score=1)
    later = case.closed_at + timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(InvalidTransition, match="7 天内"):
        actions.reopen_case(case, world.people.resident, version=case.version, reason="还是不行")
    assert fresh(case).status == Status.CLOSED


def test_staff_record_the_rating_of_a_hotline_caller(world):
    lon, lat = point_in(world.tree["S1C1G1M1"])
    case = actions.report_case(
        world.people.operator,
        source="hotline",
        category=world.cats["S05001"],
        description="来电反映楼道堆物",
        lon=lon,
        lat=lat,
        caller_phone="13800000000",
    ).case
    case = advance(world, case, Status.CLOSED)
    case = actions.evaluate_case(case, world.people.operator, version=case.version, score=4)
    assert Evaluation.objects.get(case=case).on_behalf


def test_return_sends_the_case_back_to_the_dispatchers(world):
    case = make_case(world, Status.DISPATCHED, level=HandlingLevel.DEPARTMENT, code="06010")
    with pytest.raises(CaseInputError, match="退回理由"):
        actions.return_case(case, world.people.dept, version=case.version, reason=" ")
    case = actions.return_case(case, world.people.dept, version=case.version, reason="非本部门职责")
    assert case.status == Status.REGISTERED
    # Back to the category's default (the street) until dispatched again.
    assert (case.handling_level, case.handling_department, case.assignee) == (HandlingLevel.STREET, None, None)
    assert not case.participants.filter(is_active=True, role="lead").exists()
    assert not Case.objects.restrict(world.people.dept).filter(pk=case.pk).exists()
    assert case.events.order_by("-seq").first().details["returned_by"]["department"] == "D-CG"


def test_void_needs_a_senior_approver_other_than_the_requester(world):
    case = make_case(world, Status.HANDLING)
    case = actions.request_void(case, world.people.street, version=case.version, reason="虚假上报")
    with pytest.raises(InvalidTransition, match="已有待审批"):
        actions.request_void(case, world.people.community, version=case.version, reason="again")
    with pytest.raises(ActionNotAllowed, match="本人提交"):
        actions.approve_void(case, world.people.street, version=case.version)
    case = actions.approve_void(case, world.people.operator, version=case.version, note="核实为虚假")
    assert (case.status, case.void_pending, case.step_due_at) == (Status.VOIDED, False, None)
    assert case.void_requests.get().decided_by == world.people.operator


def test_supervision_is_recorded_and_counted(world):
    case = make_case(world, Status.HANDLING)
    with pytest.raises(CaseInputError, match="督办意见"):
        actions.supervise_case(case, world.people.street, version=case.version, note="")
    case = actions.supervise_case(case, world.people.street, version=case.version, note="请今日办结")
    case = actions.supervise_case(case, world.people.operator, version=case.version, note="区级督办")
    assert case.supervise_count == 2
    assert case.participants.filter(role="supervisor").count() == 2


def test_a_rejected_case_is_finished_and_its_reporter_told_why(world):
    case = make_case(world)
    with pytest.raises(CaseInputError, match="理由"):
        actions.reject_case(case, world.people.community, version=case.version, reason="")
    case = actions.reject_case(case, world.people.community, version=case.version, reason="属于私人财产纠纷")
    assert case.status == Status.REJECTED and case.step_due_at is None
    assert workflow.allowed_actions(world.people.operator, case) == []


def test_allowed_actions_lists_what_the_page_may_offer(world):
    case = make_case(world, Status.HANDLING)
    assert set(workflow.allowed_actions(world.people.grid, case)) == {
        Action.PROGRESS,
        Action.FEEDBACK,
        Action.RETURN,
        Action.REQUEST_EXTENSION,
        Action.REQUEST_VOID,
        Action.ESCALATE,
        Action.FOLLOW,
    }
    street = set(workflow.allowed_actions(world.people.street, case))
    assert {Action.SUSPEND, Action.SUPERVISE, Action.CORRECT, Action.CONVERT_TO_PROJECT} <= street
    assert Action.FEEDBACK not in street
    assert workflow.allowed_actions(world.people.admin, case) == [Action.FOLLOW]


# --- The table itself -----------------------------------------------------------------------


def test_every_action_appears_in_the_table_and_targets_are_statuses():
    actions_in_table = {action for _status, action in workflow.TRANSITIONS}
    assert actions_in_table == set(Action) - {Action.REPORT}
    for t in workflow.TRANSITIONS.values():
        assert t.target in (workflow.SAME, workflow.PREVIOUS) or t.target in Status.values
        assert t.rules


def test_terminal_statuses_have_no_way_out_and_open_ones_do():
    sources = {status for status, _action in workflow.TRANSITIONS}
    assert not sources & TERMINAL_STATUSES
    assert OPEN_STATUSES.issubset(sources)
    # Every open status can end: some chain of transitions reaches CLOSED, VOIDED or REJECTED.
    reachable = {Status.CLOSED, Status.VOIDED, Status.REJECTED, Status.MERGED}
    changed = True
    while changed:
        changed = False
        for (status, _action), t in workflow.TRANSITIONS.items():
            target = status if t.target == workflow.SAME else t.target
            if t.target == workflow.PREVIOUS:
                target = Status.HANDLING
            if target in reachable and status not in reachable:
                reachable.add(status)
                changed = True
    assert OPEN_STATUSES.issubset(reachable)


def test_every_source_has_report_rules():
    from civicgrid.cases.models import Source

    assert set(workflow.REPORT_RULES) == set(Source)


def test_case_timestamps_are_aware(world):
    case = make_case(world, Status.CLOSED)
    for field in ("reported_at", "accepted_at", "dispatched_at", "signed_at", "handled_at", "closed_at"):
        assert timezone.is_aware(getattr(case, field)), field
