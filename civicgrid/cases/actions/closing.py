"""The end of a case: 核查 (pass, or 返工), 结案, 评价 and 重新办理."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.cases import workflow
from civicgrid.cases.actions.common import (
    STEP_FIELDS,
    _begin,
    _on_time,
    _optional,
    _required,
    _start_step,
    _stop_clock,
    _transit,
)
from civicgrid.cases.errors import ActionNotAllowed, CaseInputError, InvalidTransition
from civicgrid.cases.models import Evaluation, EventType, Step
from civicgrid.cases.notifications import Kind, dispatcher_notice, handler_notice, reporter_notice
from civicgrid.cases.workflow import Action
from civicgrid.core import clock

# --- Verification and closure -----------------------------------------------------------------


@transaction.atomic
def verify_case(case, user, *, version, passed, note=""):
    """核查: pass → awaiting closure; fail → back to the handler (返工, counted)."""
    action = Action.VERIFY_PASS if passed else Action.VERIFY_FAIL
    case, step, grant = _begin(case, user, action, version)
    if case.assignee_id == user.pk:
        raise ActionNotAllowed(_("处置人不能核查自己处置的案件。"))
    at = clock.now()
    on_time = _on_time(case, at)
    if passed:
        return _transit(
            case,
            step,
            grant,
            user,
            EventType.VERIFIED,
            at=at,
            note=_optional(note),
            details={"on_time": on_time},
            notices=[dispatcher_notice(Kind.AWAITING_CLOSURE, case)],
        )
    note = _required(note, _("请填写核查不通过的原因。"))
    case.rework_count += 1
    _start_step(case, Step.HANDLE, at)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.REWORK,
        at=at,
        note=note,
        details={"on_time": on_time, "rework_count": case.rework_count},
        fields=["rework_count", *STEP_FIELDS],
        notices=[handler_notice(Kind.REWORK, case)],
    )


@transaction.atomic
def close_case(case, user, *, version, note=""):
    """结案: the reporter and followers are told and asked to rate it."""
    case, step, grant = _begin(case, user, Action.CLOSE, version)
    at = clock.now()
    on_time = case.overall_due_at is None or at <= case.overall_due_at
    case.closed_at = at
    _stop_clock(case, at)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.CLOSED,
        at=at,
        note=_optional(note),
        details={"on_time": on_time},
        fields=["closed_at", *STEP_FIELDS],
        notices=[reporter_notice(Kind.CLOSED, case)],
    )


# --- Evaluation and reopening -----------------------------------------------------------------


def _check_rater(case, grant):
    # A reporter with an account rates for themselves; staff only record the rating of a reporter
    # who has none (a hotline caller reached on the revisit, 回访).
    if grant.role != "reporter" and case.reporter_id is not None:
        raise ActionNotAllowed(_("该案件应由上报人本人评价。"))


def _current_evaluation(case):
    return Evaluation.objects.filter(case=case, round=case.reopen_count).first()


def _reopen(case, user, grant, reason, at):
    step = workflow.transition(case.status, Action.REOPEN)
    evaluation = _current_evaluation(case)
    if evaluation is None or evaluation.satisfied:
        raise InvalidTransition(_("只有评价为不满意的案件可以申请重新办理。"))
    window = timedelta(days=settings.CASES_REOPEN_WINDOW_DAYS)
    if case.closed_at is None or at > case.closed_at + window:
        raise InvalidTransition(
            _("已超过重新办理期限（结案后 %(days)d 天内）。") % {"days": settings.CASES_REOPEN_WINDOW_DAYS}
        )
    case.reopen_count += 1
    case.closed_at = None
    _start_step(case, Step.HANDLE, at)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.REOPENED,
        at=at,
        note=reason,
        details={"reopen_count": case.reopen_count},
        fields=["reopen_count", "closed_at", *STEP_FIELDS],
        notices=[handler_notice(Kind.ASSIGNED, case)],
    )


@transaction.atomic
def evaluate_case(case, user, *, version, score, comment="", satisfied=None, reopen=False, reason=""):
    """评价 (1–5). Satisfied defaults to a score of 3 or more. With `reopen`, an unsatisfied
    rating also reopens the case (within settings.CASES_REOPEN_WINDOW_DAYS of closure)."""
    case, step, grant = _begin(case, user, Action.EVALUATE, version)
    _check_rater(case, grant)
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise CaseInputError(_("评分应为 1 至 5 分。"))
    satisfied = score >= 3 if satisfied is None else bool(satisfied)
    if _current_evaluation(case) is not None:
        raise InvalidTransition(_("该案件已评价。"))
    at = clock.now()
    comment = _optional(comment, 500)
    Evaluation.objects.create(
        case=case,
        round=case.reopen_count,
        score=score,
        satisfied=satisfied,
        comment=comment,
        evaluator=user,
        on_behalf=grant.role != "reporter",
        created_at=at,
    )
    _transit(
        case,
        step,
        grant,
        user,
        EventType.EVALUATED,
        at=at,
        note=comment,
        details={"score": score, "satisfied": satisfied, "round": case.reopen_count},
    )
    if reopen:
        _reopen(case, user, grant, _required(reason or comment, _("请说明需要重新办理的原因。")), at)
    return case


@transaction.atomic
def reopen_case(case, user, *, version, reason):
    """重新办理: an unsatisfied reporter sends the case back to its handler."""
    case, step, grant = _begin(case, user, Action.REOPEN, version)
    _check_rater(case, grant)
    reason = _required(reason, _("请说明需要重新办理的原因。"))
    return _reopen(case, user, grant, reason, clock.now())
