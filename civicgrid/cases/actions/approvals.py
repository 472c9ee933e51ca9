"""Approvals (four eyes): 申请延期 of the running step and 申请作废, each decided by someone other than
the requester."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.cases import deadlines
from civicgrid.cases.actions.common import (
    STEP_FIELDS,
    _apply_window,
    _begin,
    _elapsed,
    _optional,
    _required,
    _stop_clock,
    _transit,
)
from civicgrid.cases.errors import ActionNotAllowed, CaseInputError, InvalidTransition
from civicgrid.cases.models import EventType, ExtensionRequest, LimitUnit, RequestStatus, VoidRequest
from civicgrid.cases.notifications import Kind, Notice, dispatcher_notice, reporter_notice, senior_notice
from civicgrid.cases.workflow import Action
from civicgrid.core import clock
from civicgrid.core.worktime import default_calendar

# --- Extension --------------------------------------------------------------------------------


def _amount(amount, unit):
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        amount = Decimal(0)
    if amount <= 0:
        raise CaseInputError(_("请填写需要延长的时限。"))
    try:
        return amount, LimitUnit(unit)
    except ValueError:
        raise CaseInputError(_("时限单位应为工作时或工作日。")) from None


@transaction.atomic
def request_extension(case, user, *, version, amount, unit, reason):
    """申请延期 of the running handling step, by the handler; a dispatcher approves."""
    case, step, grant = _begin(case, user, Action.REQUEST_EXTENSION, version)
    amount, unit = _amount(amount, unit)
    reason = _required(reason, _("请填写延期理由。"))
    if case.extension_pending:
        raise InvalidTransition(_("已有待审批的延期申请。"))
    at = clock.now()
    request = ExtensionRequest.objects.create(
        case=case, reason=reason, requested_by=user, requested_at=at, amount=amount, unit=unit
    )
    case.extension_pending = True
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.EXTENSION_REQUESTED,
        at=at,
        note=reason,
        details={"request": request.pk, "amount": str(amount), "unit": unit},
        fields=["extension_pending"],
        notices=[dispatcher_notice(Kind.APPROVAL_NEEDED, case)],
    )


def _pending(model, case, message):
    request = model.objects.select_for_update().filter(case=case, status=RequestStatus.PENDING).first()
    if request is None:
        raise InvalidTransition(message)
    return request


def _check_not_own(request, user):
    # Four eyes: nobody approves their own request.
    if request.requested_by_id == user.pk:
        raise ActionNotAllowed(_("不能审批本人提交的申请。"))


def _decide_extension(case, user, version, approve, note):
    action = Action.APPROVE_EXTENSION if approve else Action.DENY_EXTENSION
    case, step, grant = _begin(case, user, action, version)
    request = _pending(ExtensionRequest, case, _("没有待审批的延期申请。"))
    _check_not_own(request, user)
    note = _optional(note) if approve else _required(note, _("请填写不同意延期的理由。"))
    at = clock.now()
    request.decided_by, request.decided_at, request.decision_note = user, at, note
    case.extension_pending = False
    fields = ["extension_pending"]
    details = {"request": request.pk}
    if approve:
        calendar = default_calendar()
        old_due = case.step_due_at
        new_due = deadlines.add_limit(old_due, request.amount, request.unit, calendar)
        total = case.step_seconds + calendar.working_seconds_between(old_due, new_due)
        elapsed = _elapsed(case, at, calendar)
        _apply_window(case, deadlines.window(at, total, elapsed, started_at=case.step_started_at, calendar=calendar))
        if case.overall_due_at is not None:
            case.overall_due_at = deadlines.add_limit(case.overall_due_at, request.amount, request.unit, calendar)
        case.extension_count += 1
        request.status, request.old_due_at, request.new_due_at = RequestStatus.APPROVED, old_due, case.step_due_at
        fields += [*STEP_FIELDS, "overall_due_at", "extension_count"]
        details.update({"old_due_at": old_due, "new_due_at": case.step_due_at})
    else:
        request.status = RequestStatus.DENIED
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "old_due_at", "new_due_at"])
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.EXTENSION_APPROVED if approve else EventType.EXTENSION_DENIED,
        at=at,
        note=note,
        details=details,
        fields=fields,
        notices=[Notice(Kind.DECIDED, case.pk, users=(request.requested_by_id,))],
    )


@transaction.atomic
def approve_extension(case, user, *, version, note=""):
    """同意延期: the step's deadline (and the overall one) move by the requested working time."""
    return _decide_extension(case, user, version, True, note)


@transaction.atomic
def deny_extension(case, user, *, version, note):
    return _decide_extension(case, user, version, False, note)


# --- Void -------------------------------------------------------------------------------------


@transaction.atomic
def request_void(case, user, *, version, reason):
    """申请作废 (a false report, a duplicate found late…); the street or command centre approves."""
    case, step, grant = _begin(case, user, Action.REQUEST_VOID, version)
    reason = _required(reason, _("请填写作废理由。"))
    if case.void_pending:
        raise InvalidTransition(_("已有待审批的作废申请。"))
    at = clock.now()
    request = VoidRequest.objects.create(case=case, reason=reason, requested_by=user, requested_at=at)
    case.void_pending = True
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.VOID_REQUESTED,
        at=at,
        note=reason,
        details={"request": request.pk},
        fields=["void_pending"],
        notices=[senior_notice(Kind.APPROVAL_NEEDED, case)],
    )


def _decide_void(case, user, version, approve, note):
    action = Action.APPROVE_VOID if approve else Action.DENY_VOID
    case, step, grant = _begin(case, user, action, version)
    request = _pending(VoidRequest, case, _("没有待审批的作废申请。"))
    _check_not_own(request, user)
    note = _optional(note) if approve else _required(note, _("请填写驳回理由。"))
    at = clock.now()
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DENIED
    request.decided_by, request.decided_at, request.decision_note = user, at, note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    case.void_pending = False
    fields = ["void_pending"]
    notices = [Notice(Kind.DECIDED, case.pk, users=(request.requested_by_id,))]
    if approve:
        _stop_clock(case, at)
        fields += STEP_FIELDS
        notices.append(reporter_notice(Kind.DECIDED, case))
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.VOIDED if approve else EventType.VOID_DENIED,
        at=at,
        note=note or request.reason,
        details={"request": request.pk},
        fields=fields,
        notices=notices,
    )


@transaction.atomic
def approve_void(case, user, *, version, note=""):
    return _decide_void(case, user, version, True, note)


@transaction.atomic
def deny_void(case, user, *, version, note):
    return _decide_void(case, user, version, False, note)
