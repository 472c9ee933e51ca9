"""From above: 吹哨 (escalation one level up, "街乡吹哨、部门报到") and 督办."""

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
    _start_step,
    _transit,
)
from civicgrid.cases.errors import CaseInputError, InvalidTransition
from civicgrid.cases.models import CaseParticipant, EventType, HandlingLevel, Step
from civicgrid.cases.notifications import Kind, handler_notice
from civicgrid.cases.workflow import Action
from civicgrid.core import clock

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
