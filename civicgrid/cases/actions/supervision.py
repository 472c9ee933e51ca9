"""From above: 吹哨 (escalation one level up, "街乡吹哨、部门报到"), 督办 and 超时收回."""

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.cases import routing, workflow
from civicgrid.cases.actions.common import (
    STEP_FIELDS,
    _begin,
    _check_serves,
    _handling_details,
    _install_handlers,
    _required,
    _resolve_department,
    _retire_handlers,
    _start_step,
    _transit,
)
from civicgrid.cases.errors import ActionNotAllowed, CaseInputError, InvalidTransition
from civicgrid.cases.models import CaseParticipant, EventType, HandlingLevel, Step
from civicgrid.cases.notifications import Kind, handler_notice
from civicgrid.cases.workflow import Action
from civicgrid.core import clock
from civicgrid.regions.models import Level

# --- Escalation and supervision ---------------------------------------------------------------


@transaction.atomic
def escalate_case(case, user, *, version, reason, department=None):
    """吹哨: pass the case one level up (grid → community → street → a department, "街乡吹哨、部门
    报到"). The street names the department, or the category's default department is taken."""
    case, step, grant = _begin(case, user, Action.ESCALATE, version)
    reason = _required(reason, _("请说明吹哨事由。"))
    target = workflow.ESCALATION.get(case.handling_level)
    while target is not None and target != HandlingLevel.DEPARTMENT and routing.unit_region(case, target) is None:
        target = workflow.ESCALATION.get(target)  # skip a level the place lacks
    if target is None:
        raise InvalidTransition(_("已由职能部门办理，无法继续吹哨。"))
    department = None
    if target == HandlingLevel.DEPARTMENT:
        department = _resolve_department(department) or routing.default_department(case.category, case.region_code)
        if department is None:
            raise CaseInputError(_("请选择报到的职能部门。"))
        _check_serves(department, case)
    at = clock.now()
    escalated_from = _handling_details(case)
    case.handling_level, case.handling_department, case.assignee = target, department, None
    case.escalation_count += 1
    _install_handlers(case, user, at)
    _start_step(case, Step.HANDLE, at)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.ESCALATED,
        at=at,
        note=reason,
        details={"from": escalated_from, "to": _handling_details(case)},
        fields=["handling_level", "handling_department", "assignee", "escalation_count", *STEP_FIELDS],
        notices=[handler_notice(Kind.ASSIGNED, case)],
    )


@transaction.atomic
def supervise_case(case, user, *, version, note):
    """督办 by any level above the current handler."""
    case, step, grant = _begin(case, user, Action.SUPERVISE, version)
    note = _required(note, _("请填写督办意见。"))
    at = clock.now()
    case.supervise_count += 1
    CaseParticipant.objects.create(
        case=case, role=CaseParticipant.Role.SUPERVISOR, user=user, added_at=at, added_by=user
    )
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.SUPERVISED,
        at=at,
        note=note,
        details={"supervise_count": case.supervise_count, "handler": _handling_details(case)},
        fields=["supervise_count"],
        notices=[handler_notice(Kind.SUPERVISED, case)],
    )


# Who holds a recalled case until it is dispatched again: the recalling dispatcher's own level.
_RECALLED_TO = {Level.COMMUNITY: HandlingLevel.COMMUNITY, Level.STREET: HandlingLevel.STREET}


@transaction.atomic
def recall_case(case, user, *, version, reason):
    """超时收回: a case past its step's red light is taken back from its handler by a dispatcher above
    it (workflow.may_recall: the community for a property company's repair) and waits, registered,
    at the dispatcher's level to be dispatched again. The former handler is told."""
    case, step, grant = _begin(case, user, Action.RECALL, version)
    if not workflow.may_recall(case, grant):
        if not workflow.is_red(case):
            raise InvalidTransition(_("案件尚未超时（红灯），不能收回。"))
        raise ActionNotAllowed(_("您不在该案件承办单位之上，不能收回。"))
    reason = _required(reason, _("请填写收回理由。"))
    at = clock.now()
    recalled_from = _handling_details(case)
    notice = handler_notice(Kind.RECALLED, case)  # the unit that loses it, before it changes
    level = _RECALLED_TO.get(grant.level, HandlingLevel.STREET)
    if routing.unit_region(case, level) is None:
        level = HandlingLevel.STREET
    if routing.unit_region(case, level) is None:
        raise CaseInputError(_("案件没有所在社区或街道，无法收回，请改用督办。"))
    _retire_handlers(case, at)
    case.handling_level, case.handling_department, case.assignee = level, None, None
    _start_step(case, Step.DISPATCH, at)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.RECALLED,
        at=at,
        note=reason,
        details={"recalled_from": recalled_from, "to": _handling_details(case)},
        fields=["handling_level", "handling_department", "assignee", *STEP_FIELDS],
        notices=[notice],
    )
