"""Acceptance and dispatch: 受理立案 / 不予立案, 派遣 to a handling unit, 签收, and 退回 to the
dispatchers."""

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.cases import routing, workflow
from civicgrid.cases.actions.common import (
    STEP_FIELDS,
    _begin,
    _check_serves,
    _handling_details,
    _install_handlers,
    _node,
    _on_time,
    _optional,
    _overall_due,
    _required,
    _resolve_department,
    _retire_handlers,
    _start_step,
    _stop_clock,
    _transit,
)
from civicgrid.cases.errors import ActionNotAllowed, CaseInputError
from civicgrid.cases.models import CaseParticipant, EventType, HandlingLevel, Step
from civicgrid.cases.notifications import Kind, Notice, dispatcher_notice, handler_notice, reporter_notice
from civicgrid.cases.workflow import Action
from civicgrid.core import clock

# --- Intake -----------------------------------------------------------------------------------


@transaction.atomic
def accept_case(case, user, *, version, note=""):
    """受理立案: register the case; the dispatch clock starts and the overall deadline is set."""
    case, step, grant = _begin(case, user, Action.ACCEPT, version)
    at = clock.now()
    on_time = _on_time(case, at)
    case.accepted_at = at
    case.overall_due_at = _overall_due(case, at)
    _start_step(case, Step.DISPATCH, at)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.ACCEPTED,
        at=at,
        note=_optional(note),
        details={"on_time": on_time},
        fields=["accepted_at", "overall_due_at", *STEP_FIELDS],
    )


@transaction.atomic
def reject_case(case, user, *, version, reason):
    """不予立案, with the reason the reporter will see."""
    case, step, grant = _begin(case, user, Action.REJECT, version)
    reason = _required(reason, _("请填写不予立案的理由。"))
    at = clock.now()
    on_time = _on_time(case, at)
    _stop_clock(case, at)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.REJECTED,
        at=at,
        note=reason,
        details={"on_time": on_time},
        fields=STEP_FIELDS,
        notices=[reporter_notice(Kind.REJECTED, case)],
    )


# --- Dispatch and signing ---------------------------------------------------------------------


def _check_unit_exists(case, level):
    if level != HandlingLevel.DEPARTMENT and routing.unit_region(case, level) is None:
        raise CaseInputError(
            _("案件位置不在任何%(level)s内，不能派遣到%(level)s。") % {"level": HandlingLevel(level).label}
        )


@transaction.atomic
def dispatch_case(case, user, *, version, level, assignee=None, department=None, co_departments=(), note=""):
    """派遣 to a grid worker, the community, the street or a department (the lead), with optional
    co-handling departments ("一办三协同"). A case nobody has signed for may be re-dispatched."""
    case, step, grant = _begin(case, user, Action.DISPATCH, version)
    try:
        level = HandlingLevel(level)
    except ValueError:
        raise CaseInputError(_("请选择处置层级。")) from None
    if not workflow.can_dispatch_to(grant, level):
        raise ActionNotAllowed(_("您不能派遣到%(level)s。") % {"level": level.label})
    _check_unit_exists(case, level)
    department = _resolve_department(department)
    if level == HandlingLevel.DEPARTMENT:
        if department is None:
            raise CaseInputError(_("请选择主办部门。"))
        if grant.role in workflow.SELF_INTAKE_ROLES and department.pk != case.handling_department_id:
            raise ActionNotAllowed(_("您只能派遣给本单位。"))
        _check_serves(department, case)
    else:
        department = None
    co = []
    for value in co_departments or ():
        co_department = _resolve_department(value)
        _check_serves(co_department, case)
        if co_department != department and co_department not in co:
            co.append(co_department)

    at = clock.now()
    on_time = _on_time(case, at) if case.step == Step.DISPATCH else None
    case.handling_level = level
    case.handling_department = department
    case.assignee = None
    if assignee is not None:
        if workflow.unit_grant(assignee, case) is None or not assignee.is_active:
            raise CaseInputError(_("指定的处置人不属于该处置单位。"))
        case.assignee = assignee
    _install_handlers(case, user, at, co)
    case.dispatched_at = at
    _start_step(case, Step.HANDLE, at)
    notices = [handler_notice(Kind.ASSIGNED, case)]
    if co:
        notices.append(Notice(Kind.ASSIGNED, case.pk, departments=tuple(d.pk for d in co)))
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.DISPATCHED,
        at=at,
        note=_optional(note),
        details={"on_time": on_time, **_handling_details(case, co)},
        fields=["handling_level", "handling_department", "assignee", "dispatched_at", *STEP_FIELDS],
        notices=notices,
    )


@transaction.atomic
def sign_case(case, user, *, version, note=""):
    """签收: the handler takes the case; whoever signs for an unassigned unit becomes the assignee."""
    case, step, grant = _begin(case, user, Action.SIGN, version)
    at = clock.now()
    if case.assignee_id is None:
        case.assignee = user
        CaseParticipant.objects.filter(case=case, role=CaseParticipant.Role.LEAD, is_active=True).update(user=user)
    case.signed_at = at
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.SIGNED,
        at=at,
        note=_optional(note),
        fields=["assignee", "signed_at"],
    )


# --- Return -----------------------------------------------------------------------------------


@transaction.atomic
def return_case(case, user, *, version, reason):
    """退回: the handler sends the case back to the dispatchers (wrong unit, not its duty…). Its
    handling unit falls back to the category's default until it is dispatched again."""
    case, step, grant = _begin(case, user, Action.RETURN, version)
    reason = _required(reason, _("请填写退回理由。"))
    at = clock.now()
    returned_by = _handling_details(case)
    _retire_handlers(case, at)
    route = routing.default_route(case.category, routing.place_of(_node(case)))
    case.handling_level, case.handling_department, case.assignee = route.level, route.department, None
    _start_step(case, Step.DISPATCH, at)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.RETURNED,
        at=at,
        note=reason,
        details={"returned_by": returned_by},
        fields=["handling_level", "handling_department", "assignee", *STEP_FIELDS],
        notices=[dispatcher_notice(Kind.RETURNED, case)],
    )
