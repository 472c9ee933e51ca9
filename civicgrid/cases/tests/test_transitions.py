"""Every transition, tried by every role: the allowed ones succeed; the refused ones raise and leave
nothing changed (status, version, events). A case outside a user's scope answers "not found"."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from civicgrid.cases import actions
from civicgrid.cases.errors import ActionNotAllowed, CaseChanged, CaseNotFound, InvalidTransition
from civicgrid.cases.integrity import verify_chain
from civicgrid.cases.models import Case, CaseEvent, HandlingLevel, Status
from civicgrid.cases.tests.conftest import fresh, make_case, point_in, report

PEOPLE = [
    "resident",
    "resident2",
    "grid",
    "grid_neighbour",
    "community",
    "community2",
    "community_neighbour",
    "street",
    "street2",
    "street_neighbour",
    "operator",
    "dept",
    "dept_water",
    "admin",
]
DISPATCHERS = {"community", "community2", "street", "street2", "operator"}
SENIOR = {"street", "street2", "operator"}
LATER = (date.today() + timedelta(days=30)).isoformat()


def handling(w):
    return make_case(w, Status.HANDLING)


def with_extension(w):
    case = handling(w)
    return actions.request_extension(case, w.people.grid, version=case.version, amount=1, unit="d", reason="需协调物业")


def with_void_request(w):
    case = handling(w)
    return actions.request_void(case, w.people.community, version=case.version, reason="重复上报")


def suspended(w):
    case = handling(w)
    return actions.suspend_case(case, w.people.street, version=case.version, reason="待旧改统一解决")


def project(w):
    case = handling(w)
    return actions.convert_to_project(
        case, w.people.community, version=case.version, title="楼道整治", milestones=[("清运", LATER)]
    )


def closed_unsatisfied(w):
    case = make_case(w, Status.CLOSED)
    return actions.evaluate_case(case, w.people.resident, version=case.version, score=1, comment="没有清理干净")


def department_dispatched(w):
    return make_case(w, Status.DISPATCHED, level=HandlingLevel.DEPARTMENT, code="06010")


def department_handling(w):
    return make_case(w, Status.HANDLING, level=HandlingLevel.DEPARTMENT, code="06010")


def department_handling_with_co(w):
    return make_case(w, Status.HANDLING, level=HandlingLevel.DEPARTMENT, code="06010", co=[w.water])


def street_handling(w):
    case = make_case(w, Status.REGISTERED, code="06010")
    case = actions.dispatch_case(case, w.people.street, version=case.version, level=HandlingLevel.STREET)
    return actions.sign_case(case, w.people.street, version=case.version)


def reported_with_twin(w):
    w.twin = report(w)
    return report(w)


@dataclass(frozen=True)
class Scenario:
    name: str
    setup: Any
    act: Any
    allowed: frozenset
    expect: str

    def __str__(self):
        return self.name


def S(name, setup, act, allowed, expect):
    return Scenario(name, setup, act, frozenset(allowed), expect)


SCENARIOS = [
    S(
        "accept",
        lambda w: make_case(w),
        lambda w, c, u: actions.accept_case(c, u, version=c.version),
        DISPATCHERS,
        Status.REGISTERED,
    ),
    S(
        "reject",
        lambda w: make_case(w),
        lambda w, c, u: actions.reject_case(c, u, version=c.version, reason="不属于本平台受理范围"),
        DISPATCHERS,
        Status.REJECTED,
    ),
    S(
        "dispatch to grid",
        lambda w: make_case(w, Status.REGISTERED),
        lambda w, c, u: actions.dispatch_case(c, u, version=c.version, level=HandlingLevel.GRID),
        DISPATCHERS,
        Status.DISPATCHED,
    ),
    S(
        "dispatch to department",
        lambda w: make_case(w, Status.REGISTERED, code="06010"),
        lambda w, c, u: actions.dispatch_case(c, u, version=c.version, level=HandlingLevel.DEPARTMENT, department=w.cg),
        SENIOR,
        Status.DISPATCHED,
    ),
    S(
        "sign",
        lambda w: make_case(w, Status.DISPATCHED),
        lambda w, c, u: actions.sign_case(c, u, version=c.version),
        {"grid"},
        Status.HANDLING,
    ),
    S(
        "sign for a department",
        department_dispatched,
        lambda w, c, u: actions.sign_case(c, u, version=c.version),
        {"dept"},
        Status.HANDLING,
    ),
    S(
        "progress",
        handling,
        lambda w, c, u: actions.record_progress(c, u, version=c.version, note="已联系物业"),
        {"grid"},
        Status.HANDLING,
    ),
    S(
        "progress by a co-handler",
        department_handling_with_co,
        lambda w, c, u: actions.record_progress(c, u, version=c.version, note="已关闭阀门"),
        {"dept", "dept_water"},
        Status.HANDLING,
    ),
    S(
        "feedback",
        handling,
        lambda w, c, u: actions.feedback_case(c, u, version=c.version, note="已清理"),
        {"grid"},
        Status.HANDLED,
    ),
    S(
        "verify: pass",
        lambda w: make_case(w, Status.HANDLED),
        lambda w, c, u: actions.verify_case(c, u, version=c.version, passed=True),
        DISPATCHERS,  # the grid worker handled it and may not verify their own work
        Status.VERIFIED,
    ),
    S(
        "verify: fail",
        lambda w: make_case(w, Status.HANDLED),
        lambda w, c, u: actions.verify_case(c, u, version=c.version, passed=False, note="仍有杂物"),
        DISPATCHERS,
        Status.HANDLING,
    ),
    S(
        "close",
        lambda w: make_case(w, Status.VERIFIED),
        lambda w, c, u: actions.close_case(c, u, version=c.version),
        DISPATCHERS,
        Status.CLOSED,
    ),
    S(
        "evaluate",
        lambda w: make_case(w, Status.CLOSED),
        lambda w, c, u: actions.evaluate_case(c, u, version=c.version, score=5),
        {"resident"},
        Status.CLOSED,
    ),
    S(
        "reopen",
        closed_unsatisfied,
        lambda w, c, u: actions.reopen_case(c, u, version=c.version, reason="楼道仍然堵塞"),
        {"resident"},
        Status.HANDLING,
    ),
    S(
        "return",
        lambda w: make_case(w, Status.DISPATCHED),
        lambda w, c, u: actions.return_case(c, u, version=c.version, reason="不属于本网格"),
        {"grid"},
        Status.REGISTERED,
    ),
    S(
        "request extension",
        handling,
        lambda w, c, u: actions.request_extension(c, u, version=c.version, amount=2, unit="d", reason="需协调"),
        {"grid"},
        Status.HANDLING,
    ),
    S(
        "approve extension",
        with_extension,
        lambda w, c, u: actions.approve_extension(c, u, version=c.version),
        DISPATCHERS,
        Status.HANDLING,
    ),
    S(
        "deny extension",
        with_extension,
        lambda w, c, u: actions.deny_extension(c, u, version=c.version, note="可以按期完成"),
        DISPATCHERS,
        Status.HANDLING,
    ),
    S(
        "suspend",
        handling,
        lambda w, c, u: actions.suspend_case(c, u, version=c.version, reason="待旧改"),
        SENIOR,
        Status.SUSPENDED,
    ),
    S("resume", suspended, lambda w, c, u: actions.resume_case(c, u, version=c.version), SENIOR, Status.HANDLING),
    S(
        "request void",
        handling,
        lambda w, c, u: actions.request_void(c, u, version=c.version, reason="虚假上报"),
        DISPATCHERS | {"grid"},
        Status.HANDLING,
    ),
    S(
        "approve void",
        with_void_request,
        lambda w, c, u: actions.approve_void(c, u, version=c.version),
        SENIOR,
        Status.VOIDED,
    ),
    S(
        "deny void",
        with_void_request,
        lambda w, c, u: actions.deny_void(c, u, version=c.version, note="情况属实"),
        SENIOR,
        Status.HANDLING,
    ),
    S(
        "escalate from the grid",
        handling,
        lambda w, c, u: actions.escalate_case(c, u, version=c.version, reason="需社区协调"),
        {"grid"},
        Status.DISPATCHED,
    ),
    S(
        "escalate before dispatch",
        lambda w: make_case(w, Status.REGISTERED, code="S03001"),
        lambda w, c, u: actions.escalate_case(c, u, version=c.version, reason="需街道统筹"),
        {"community", "community2"},
        Status.DISPATCHED,
    ),
    S(
        "escalate from the street to a department",
        street_handling,
        lambda w, c, u: actions.escalate_case(c, u, version=c.version, reason="街乡吹哨"),
        {"street"},  # the assignee; the other street worker is not the handler
        Status.DISPATCHED,
    ),
    S(
        "supervise a grid's case",
        handling,
        lambda w, c, u: actions.supervise_case(c, u, version=c.version, note="请加快办理"),
        DISPATCHERS,
        Status.HANDLING,
    ),
    S(
        "supervise a department's case",
        department_handling,
        lambda w, c, u: actions.supervise_case(c, u, version=c.version, note="请加快办理"),
        {"operator"},
        Status.HANDLING,
    ),
    S(
        "convert to project",
        handling,
        lambda w, c, u: actions.convert_to_project(c, u, version=c.version, title="整治", milestones=[("清运", LATER)]),
        DISPATCHERS,
        Status.PROJECT,
    ),
    S(
        "complete milestone",
        project,
        lambda w, c, u: actions.complete_milestone(
            c, u, version=c.version, milestone=c.project.milestones.get().pk, note="清运完毕"
        ),
        DISPATCHERS | {"grid"},
        Status.PROJECT,
    ),
    S(
        "correct location",
        handling,
        lambda w, c, u: actions.correct_location(c, u, version=c.version, **_lonlat(w.tree["S1C1G1M2"])),
        DISPATCHERS,
        Status.HANDLING,
    ),
    S(
        "correct category",
        handling,
        lambda w, c, u: actions.correct_category(c, u, version=c.version, category=w.cats["S04001"]),
        DISPATCHERS,
        Status.HANDLING,
    ),
    S(
        "merge duplicate",
        reported_with_twin,
        lambda w, c, u: actions.merge_duplicate(c, w.twin, u, version=c.version),
        DISPATCHERS,
        Status.MERGED,
    ),
]


def _lonlat(node):
    lon, lat = point_in(node)
    return {"lon": lon, "lat": lat}


def snapshot(case):
    case = fresh(case)
    return {
        "status": case.status,
        "version": case.version,
        "event_count": case.event_count,
        "head_hash": case.head_hash,
        "events": CaseEvent.objects.filter(case=case).count(),
        "assignee": case.assignee_id,
        "handling": (case.handling_level, case.handling_department_id),
        "step_due_at": case.step_due_at,
        "participants": case.participants.filter(is_active=True).count(),
        "pending": (case.extension_pending, case.void_pending),
    }


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_transition_allowed_or_refused_per_role(world, scenario, who):
    case = scenario.setup(world)
    user = getattr(world.people, who)
    before = snapshot(case)
    if who in scenario.allowed:
        result = scenario.act(world, case, user)
        assert result.status == scenario.expect
        after = fresh(case)
        assert after.status == scenario.expect
        assert after.version == before["version"] + 1
        assert after.event_count == before["event_count"] + 1
        assert verify_chain(after) is None
        event = after.events.order_by("-seq").first()
        assert event.actor == user and event.from_status == before["status"] and event.to_status == after.status
    else:
        visible = Case.objects.restrict(user, "view").filter(pk=case.pk).exists()
        with pytest.raises(ActionNotAllowed if visible else CaseNotFound):
            scenario.act(world, case, user)
        assert snapshot(case) == before


def test_every_scenario_is_allowed_to_someone_and_refused_to_someone():
    for scenario in SCENARIOS:
        assert scenario.allowed and scenario.allowed < set(PEOPLE), scenario.name


ACTIONS_ON_ANY_STATUS = {
    "accept": lambda c, u: actions.accept_case(c, u, version=c.version),
    "dispatch": lambda c, u: actions.dispatch_case(c, u, version=c.version, level=HandlingLevel.GRID),
    "verify": lambda c, u: actions.verify_case(c, u, version=c.version, passed=True),
    "close": lambda c, u: actions.close_case(c, u, version=c.version),
    "suspend": lambda c, u: actions.suspend_case(c, u, version=c.version, reason="x"),
}
LEGAL = {
    "accept": {Status.REPORTED},
    "dispatch": {Status.REGISTERED, Status.DISPATCHED},
    "verify": {Status.HANDLED},
    "close": {Status.VERIFIED},
    "suspend": {Status.REGISTERED, Status.DISPATCHED, Status.HANDLING},
}


WRONG_STATUS = [
    (name, status)
    for name in sorted(ACTIONS_ON_ANY_STATUS)
    for status in (Status.REPORTED, Status.REGISTERED, Status.HANDLING, Status.HANDLED, Status.CLOSED)
    if status not in LEGAL[name]
]


@pytest.mark.parametrize(("name", "status"), WRONG_STATUS)
def test_an_action_in_the_wrong_status_is_an_invalid_transition(world, name, status):
    case = make_case(world, status)
    before = snapshot(case)
    with pytest.raises(InvalidTransition) as error:
        ACTIONS_ON_ANY_STATUS[name](case, world.people.operator)
    assert case.get_status_display() in error.value.message
    assert snapshot(case) == before


def test_a_stale_version_is_refused_with_case_changed(world):
    case = make_case(world, Status.REPORTED)
    stale = case.version
    actions.accept_case(case, world.people.community, version=stale)
    before = snapshot(case)
    with pytest.raises(CaseChanged) as error:
        actions.dispatch_case(case, world.people.community2, version=stale, level=HandlingLevel.GRID)
    assert error.value.message == "案件已被他人更新，请刷新后重试。"
    assert snapshot(case) == before


def test_a_missing_case_and_an_out_of_scope_case_answer_alike(world):
    case = make_case(world)
    with pytest.raises(CaseNotFound) as missing:
        actions.accept_case(999_999, world.people.community, version=1)
    with pytest.raises(CaseNotFound) as hidden:
        actions.accept_case(case.pk, world.people.community_neighbour, version=case.version)
    assert missing.value.message == hidden.value.message == "案件不存在。"
    from django.http import Http404

    assert isinstance(hidden.value, Http404)
