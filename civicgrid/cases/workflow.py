"""The case workflow as data: (status, action) → next status, and who may do it on which case.

This table is the single authority the action functions consult (docs/architecture.md); the
pages ask it which buttons to show (`allowed_actions`). Read it top to bottom as the procedure:

    上报 → 受理立案 (或不予立案) → 派遣 → 签收 → 处置 → 反馈 → 核查 (通过 → 待结案; 不通过 → 返工)
    → 结案 → 评价 (不满意可在期限内重办)

with the side branches 退回, 延期 (申请/审批), 挂账/恢复, 作废 (申请/审批), 吹哨 (逐级上报), 督办, 超时收回,
议题转项目, 更正位置/类别, 合并重复件 and 关注.

Who may act is a list of rules; any one grants. A rule names the roles and their relation to the
case (see Relation). Every action additionally requires the case to be visible to the user
(Case.objects.restrict(user, "view")); anything else answers "not found".
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import DEPARTMENT_ROLES
from civicgrid.accounts.scopes import active_assignments
from civicgrid.cases.models import CaseParticipant, HandlingLevel, Source, Status
from civicgrid.core import clock
from civicgrid.regions.models import DepartmentKind, Level


class Action(models.TextChoices):
    REPORT = "report", _("上报")
    ACCEPT = "accept", _("受理立案")
    REJECT = "reject", _("不予立案")
    DISPATCH = "dispatch", _("派遣")
    SIGN = "sign", _("签收")
    PROGRESS = "progress", _("记录进展")
    FEEDBACK = "feedback", _("处置反馈")
    VERIFY_PASS = "verify_pass", _("核查通过")
    VERIFY_FAIL = "verify_fail", _("核查不通过")
    CLOSE = "close", _("结案")
    EVALUATE = "evaluate", _("评价")
    REOPEN = "reopen", _("重新办理")
    RETURN = "return", _("退回")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("同意延期")
    DENY_EXTENSION = "deny_extension", _("不同意延期")
    SUSPEND = "suspend", _("挂账")
    RESUME = "resume", _("恢复办理")
    REQUEST_VOID = "request_void", _("申请作废")
    APPROVE_VOID = "approve_void", _("同意作废")
    DENY_VOID = "deny_void", _("驳回作废")
    ESCALATE = "escalate", _("吹哨上报")
    RECALL = "recall", _("超时收回")
    SUPERVISE = "supervise", _("督办")
    CONVERT_TO_PROJECT = "convert_to_project", _("议题转项目")
    COMPLETE_MILESTONE = "complete_milestone", _("完成项目节点")
    CORRECT = "correct", _("更正位置或类别")
    MERGE = "merge", _("合并重复件")
    FOLLOW = "follow", _("关注")


class Relation(StrEnum):
    """How a user must stand to a case for a rule to grant."""

    # Holds one of the rule's roles on a region whose subtree contains the case.
    IN_SCOPE = "in_scope"
    # Holds one of the rule's roles anywhere (reporting: a grid worker's quick photo report).
    HOLDS_ROLE = "holds_role"
    # The current handler: a member of the handling unit (below) who is the assignee, or any
    # member while nobody is assigned. The role follows from the handling level.
    HANDLER = "handler"
    # A member of the handling unit: the grid worker of the case's grid, the community staff of
    # its community, the street staff of its street, or the staff of the handling department.
    HANDLING_UNIT = "handling_unit"
    # Staff of a co-handling department ("一办三协同").
    CO_HANDLER = "co_handler"
    # Holds one of the rule's roles in scope on a level above the current handling level (督办).
    ABOVE_HANDLER = "above_handler"
    # The account that reported the case.
    REPORTER = "reporter"
    # Any signed-in user (who can see the case).
    ANYONE = "anyone"


@dataclass(frozen=True)
class Rule:
    relation: Relation
    roles: frozenset = frozenset()


SAME = "same"  # the case keeps its status
PREVIOUS = "previous"  # back to the status before the suspension

# A hotline integration (an application's key, accounts/roles.py) takes the dispatcher's steps in
# its region like the command centre it stands in for, but none of the senior ones.
DISPATCHERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR, Role.HOTLINE_INTEGRATION})
SENIOR = frozenset({Role.STREET_STAFF, Role.COMMAND_OPERATOR})
INSPECTORS = frozenset({Role.GRID_WORKER})

DISPATCHER = Rule(Relation.IN_SCOPE, DISPATCHERS)
SENIOR_IN_SCOPE = Rule(Relation.IN_SCOPE, SENIOR)
INSPECTOR = Rule(Relation.IN_SCOPE, INSPECTORS)
HANDLER = Rule(Relation.HANDLER)
UNIT = Rule(Relation.HANDLING_UNIT)
CO_HANDLER = Rule(Relation.CO_HANDLER)
HIGHER_LEVEL = Rule(Relation.ABOVE_HANDLER, DISPATCHERS)
# Units that take their work straight from the reporter, with no dispatcher in between: a property
# company registers the repairs routed to it and dispatches them to itself (civicgrid.property).
# A HANDLING_UNIT rule naming roles grants only to unit members holding one of them.
SELF_INTAKE_ROLES = frozenset({Role.PROPERTY_STAFF})
# The kinds of department holding such units: no dispatcher of their own stands above them, so the
# community (any dispatcher in scope) may take an overdue case back from them (超时收回).
SELF_INTAKE_KINDS = frozenset({DepartmentKind.PROPERTY})
SELF_INTAKE = Rule(Relation.HANDLING_UNIT, SELF_INTAKE_ROLES)
REPORTER = Rule(Relation.REPORTER)
ANYONE = Rule(Relation.ANYONE)

S = Status
BEFORE_CLOSURE = (S.REPORTED, S.REGISTERED, S.DISPATCHED, S.HANDLING, S.PROJECT, S.HANDLED, S.VERIFIED, S.SUSPENDED)
VOIDABLE = (S.REGISTERED, S.DISPATCHED, S.HANDLING, S.PROJECT, S.HANDLED, S.VERIFIED, S.SUSPENDED)

# (action, from statuses, to status, who). Order follows the procedure.
SPEC = (
    (Action.ACCEPT, (S.REPORTED,), S.REGISTERED, (DISPATCHER, SELF_INTAKE)),
    (Action.REJECT, (S.REPORTED,), S.REJECTED, (DISPATCHER,)),
    # Re-dispatching a case nobody has signed for yet is allowed (wrong unit, no answer).
    (Action.DISPATCH, (S.REGISTERED, S.DISPATCHED), S.DISPATCHED, (DISPATCHER, SELF_INTAKE)),
    (Action.SIGN, (S.DISPATCHED,), S.HANDLING, (HANDLER,)),
    (Action.PROGRESS, (S.HANDLING, S.PROJECT), SAME, (HANDLER, CO_HANDLER)),
    (Action.FEEDBACK, (S.HANDLING, S.PROJECT), S.HANDLED, (HANDLER,)),
    # Verification is by the grid's inspector or a dispatcher, never by whoever handled it.
    (Action.VERIFY_PASS, (S.HANDLED,), S.VERIFIED, (INSPECTOR, DISPATCHER)),
    (Action.VERIFY_FAIL, (S.HANDLED,), S.HANDLING, (INSPECTOR, DISPATCHER)),
    (Action.CLOSE, (S.VERIFIED,), S.CLOSED, (DISPATCHER,)),
    # The reporter rates; staff record the rating of a reporter without an account (12345 回访).
    (Action.EVALUATE, (S.CLOSED,), SAME, (REPORTER, DISPATCHER)),
    (Action.REOPEN, (S.CLOSED,), S.HANDLING, (REPORTER, DISPATCHER)),
    (Action.RETURN, (S.DISPATCHED, S.HANDLING), S.REGISTERED, (HANDLER,)),
    (Action.REQUEST_EXTENSION, (S.DISPATCHED, S.HANDLING), SAME, (HANDLER,)),
    (Action.APPROVE_EXTENSION, (S.DISPATCHED, S.HANDLING), SAME, (DISPATCHER,)),
    (Action.DENY_EXTENSION, (S.DISPATCHED, S.HANDLING), SAME, (DISPATCHER,)),
    # Parking a case and voiding one are decisions for the street or the command centre.
    (Action.SUSPEND, (S.REGISTERED, S.DISPATCHED, S.HANDLING), S.SUSPENDED, (SENIOR_IN_SCOPE,)),
    (Action.RESUME, (S.SUSPENDED,), PREVIOUS, (SENIOR_IN_SCOPE,)),
    (Action.REQUEST_VOID, VOIDABLE, SAME, (DISPATCHER, HANDLER)),
    (Action.APPROVE_VOID, VOIDABLE, S.VOIDED, (SENIOR_IN_SCOPE,)),
    (Action.DENY_VOID, VOIDABLE, SAME, (SENIOR_IN_SCOPE,)),
    # 吹哨: the handler (or, before dispatch, the unit holding it) passes it one level up.
    (Action.ESCALATE, (S.REGISTERED,), S.DISPATCHED, (UNIT,)),
    (Action.ESCALATE, (S.DISPATCHED, S.HANDLING), S.DISPATCHED, (HANDLER,)),
    # 超时收回: past its step's red light, a dispatcher above the handler (or, for a unit without a
    # dispatcher of its own — a property company — the community) takes the case back to dispatch.
    (Action.RECALL, (S.DISPATCHED, S.HANDLING), S.REGISTERED, (DISPATCHER,)),
    (
        Action.SUPERVISE,
        (S.REGISTERED, S.DISPATCHED, S.HANDLING, S.PROJECT, S.HANDLED, S.SUSPENDED),
        SAME,
        (HIGHER_LEVEL,),
    ),
    (Action.CONVERT_TO_PROJECT, (S.REGISTERED, S.DISPATCHED, S.HANDLING), S.PROJECT, (DISPATCHER,)),
    (Action.COMPLETE_MILESTONE, (S.PROJECT,), SAME, (HANDLER, DISPATCHER)),
    (Action.CORRECT, BEFORE_CLOSURE, SAME, (DISPATCHER,)),
    (Action.MERGE, (S.REPORTED, S.REGISTERED), S.MERGED, (DISPATCHER,)),
    (
        Action.FOLLOW,
        (S.REPORTED, S.REGISTERED, S.DISPATCHED, S.HANDLING, S.PROJECT, S.HANDLED, S.VERIFIED, S.SUSPENDED),
        SAME,
        (ANYONE,),
    ),
)


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str  # a Status, SAME or PREVIOUS
    rules: tuple

    def next_status(self, case):
        if self.target == SAME:
            return case.status
        if self.target == PREVIOUS:
            return case.suspended_from
        return self.target


def _build(spec):
    table = {}
    for action, sources, target, rules in spec:
        for source in sources:
            key = (Status(source), Action(action))
            if key in table:
                raise ValueError(f"duplicate transition {key}")
            table[key] = Transition(action, source, target, tuple(rules))
    return table


TRANSITIONS = _build(SPEC)

# Who may file a case from each source. Staff sources are checked against the case's location.
REPORT_RULES = {
    Source.RESIDENT: (ANYONE,),
    Source.GRID_PHOTO: (Rule(Relation.HOLDS_ROLE, frozenset({Role.GRID_WORKER, Role.MICROGRID_MEMBER})),),
    Source.HOTLINE: (Rule(Relation.IN_SCOPE, frozenset({Role.COMMAND_OPERATOR, Role.HOTLINE_INTEGRATION})),),
    Source.STAFF_ENTRY: (
        Rule(
            Relation.IN_SCOPE,
            frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR}),
        ),
    ),
    Source.DEPUTIES: (Rule(Relation.IN_SCOPE, DISPATCHERS),),
    Source.API: (Rule(Relation.HOLDS_ROLE, frozenset({Role.INTEGRATION})),),
}

# 吹哨 goes one level up; a department is the top.
ESCALATION = {
    HandlingLevel.GRID: HandlingLevel.COMMUNITY,
    HandlingLevel.COMMUNITY: HandlingLevel.STREET,
    HandlingLevel.STREET: HandlingLevel.DEPARTMENT,
}

# How high a handling level sits, on the region tree's scale (district 0 … grid 3). Departments
# serve the district but answer to its command centre, so they rank with the streets: only the
# district level (a command operator on the district) can supervise them.
HANDLING_RANK = {
    HandlingLevel.GRID: Level.GRID,
    HandlingLevel.COMMUNITY: Level.COMMUNITY,
    HandlingLevel.STREET: Level.STREET,
    HandlingLevel.DEPARTMENT: Level.STREET,
}

UNIT_ROLE = {
    HandlingLevel.GRID: Role.GRID_WORKER,
    HandlingLevel.COMMUNITY: Role.COMMUNITY_STAFF,
    HandlingLevel.STREET: Role.STREET_STAFF,
    HandlingLevel.DEPARTMENT: Role.DEPARTMENT_STAFF,
}


def transition(status, action):
    return TRANSITIONS.get((status, action))


@dataclass(frozen=True)
class Grant:
    """Why a user may act: the role they act in and, for a region role, its tree level (0 district
    … 4 micro-grid; lower is more senior). Recorded on the event as `actor_role`."""

    role: str
    level: int | None = None


SUPERUSER_GRANT = Grant("superuser", Level.DISTRICT)


def _covers(assignment, region_code):
    return bool(assignment.region_id) and region_code.startswith(assignment.region.code)


def unit_grant(user, case, level=None, department_id=None):
    """Grant if `user` belongs to the handling unit at `level` (default: the case's current one)."""
    level = level or case.handling_level
    role = UNIT_ROLE.get(level)
    if role is None:
        return None
    department_id = department_id if department_id is not None else case.handling_department_id
    for a in active_assignments(user):
        if level == HandlingLevel.DEPARTMENT:
            # Any role held on the department works its cases (its staff, a property company's staff).
            if a.role in DEPARTMENT_ROLES and department_id and a.department_id == department_id:
                return Grant(a.role)
            continue
        if a.role == role and _covers(a, case.region_code) and a.region.level >= HANDLING_RANK[level]:
            return Grant(role, a.region.level)
    return None


def _co_departments(case):
    cached = getattr(case, "_co_department_ids", None)
    if cached is None:
        cached = set(
            case.participants.filter(role=CaseParticipant.Role.CO, is_active=True).values_list(
                "department_id", flat=True
            )
        )
        case._co_department_ids = cached
    return cached


def _rule_grant(user, case, rule):
    relation = rule.relation
    if relation == Relation.REPORTER:
        return Grant("reporter") if case.reporter_id is not None and case.reporter_id == user.pk else None
    if relation == Relation.ANYONE:
        return Grant("")
    if user.is_superuser:
        return SUPERUSER_GRANT
    if relation == Relation.HANDLING_UNIT:
        grant = unit_grant(user, case)
        return grant if grant is not None and (not rule.roles or grant.role in rule.roles) else None
    if relation == Relation.HANDLER:
        if case.assignee_id is not None and case.assignee_id != user.pk:
            return None
        return unit_grant(user, case)
    if relation == Relation.CO_HANDLER:
        co = _co_departments(case)
        for a in active_assignments(user):
            if a.role in DEPARTMENT_ROLES and a.department_id in co:
                return Grant(a.role)
        return None
    best = None
    for a in active_assignments(user):
        if a.role not in rule.roles:
            continue
        if relation == Relation.HOLDS_ROLE:
            grant = Grant(a.role, a.region.level if a.region_id else None)
        elif _covers(a, case.region_code) and (
            relation == Relation.IN_SCOPE
            or (relation == Relation.ABOVE_HANDLER and a.region.level < HANDLING_RANK[case.handling_level])
        ):
            grant = Grant(a.role, a.region.level)
        else:
            continue
        # With several matching roles, act in the most senior one (it can do the most, e.g. the
        # widest choice of dispatch targets).
        if best is None or (grant.level if grant.level is not None else 99) < (
            best.level if best.level is not None else 99
        ):
            best = grant
    return best


def grant_for(user, case, rules):
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    for rule in rules:
        grant = _rule_grant(user, case, rule)
        if grant is not None:
            return grant
    return None


def authorize(user, case, transition):
    return grant_for(user, case, transition.rules)


def allowed_actions(user, case):
    """Actions `user` may take on `case` in its current status (for the case page's buttons).

    Beyond the table, an action is offered only when its action function would accept it on this
    case as it stands (`offerable`): an approval only while a request is pending, a request only
    while none is, a rating only by the reporter (or by staff recording the rating of a reporter
    without an account, 12345 回访) and only once per round. Guards that depend on the action's
    input (a reason, an amount) are still checked by the action itself.
    """
    actions = []
    for (status, action), t in TRANSITIONS.items():
        if status != case.status:
            continue
        grant = authorize(user, case, t)
        if grant is not None and offerable(case, action, grant):
            actions.append(action)
    return actions


def _rating(case):
    """The rating of the case's current round (None before one is given), read once per case."""
    if not hasattr(case, "_current_rating"):
        case._current_rating = case.evaluations.filter(round=case.reopen_count).first()
    return case._current_rating


def offerable(case, action, grant):
    """Whether `action`, granted by `grant`, would pass the action function's own checks on the
    case's pending requests and ratings (cases.actions.approvals and .closing)."""
    if action == Action.REQUEST_EXTENSION:
        return not case.extension_pending
    if action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION):
        return bool(case.extension_pending)
    if action == Action.REQUEST_VOID:
        return not case.void_pending
    if action in (Action.APPROVE_VOID, Action.DENY_VOID):
        return bool(case.void_pending)
    if action in (Action.EVALUATE, Action.REOPEN):
        # The reporter rates for themselves; staff only for a reporter who has no account.
        if grant.role != "reporter" and case.reporter_id is not None:
            return False
        rating = _rating(case)
        if action == Action.EVALUATE:
            return rating is None
        if rating is None or rating.satisfied or case.closed_at is None:
            return False
        return clock.now() <= case.closed_at + timedelta(days=settings.CASES_REOPEN_WINDOW_DAYS)
    if action == Action.RECALL:
        return may_recall(case, grant)
    return True


def is_red(case):
    """The case's current step is past its red light (its time limit)."""
    return case.step_red_at is not None and case.step_red_at <= clock.now()


def may_recall(case, grant):
    """超时收回: only a case past its red light, and only from above its handler — or, when a unit
    that takes its work straight from the reporter (SELF_INTAKE_KINDS) holds it, by the community."""
    if not is_red(case) or grant.level is None:
        return False
    if grant.level < HANDLING_RANK[case.handling_level]:
        return True
    department = case.handling_department if case.handling_department_id else None
    return (
        case.handling_level == HandlingLevel.DEPARTMENT
        and department is not None
        and department.kind in SELF_INTAKE_KINDS
        and grant.level <= Level.COMMUNITY
    )


def can_dispatch_to(grant, level):
    """A dispatcher sends work at or below their own level: a community to its grids or itself,
    a street also to itself and to departments, the district to anyone."""
    if grant.role in SELF_INTAKE_ROLES:
        return level == HandlingLevel.DEPARTMENT  # to its own department only (dispatch_case checks which)
    if grant.level is None:
        return False
    return HANDLING_RANK[level] >= grant.level
