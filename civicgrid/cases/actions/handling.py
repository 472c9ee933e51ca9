"""Handling: progress notes, 处置反馈, 挂账 and 恢复办理, and 议题转项目 with its milestones."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.cases import deadlines
from civicgrid.cases.actions.common import (
    STEP_FIELDS,
    _apply_window,
    _begin,
    _elapsed,
    _install_handlers,
    _on_time,
    _optional,
    _required,
    _start_step,
    _transit,
    _withdraw_pending_extension,
)
from civicgrid.cases.errors import CaseInputError, InvalidTransition
from civicgrid.cases.models import CaseParticipant, CaseProject, EventType, HandlingLevel, Milestone, Status, Step
from civicgrid.cases.notifications import Kind, Notice, dispatcher_notice, handler_notice
from civicgrid.cases.workflow import Action
from civicgrid.core import clock
from civicgrid.core.worktime import default_calendar

# --- Progress and feedback --------------------------------------------------------------------


@transaction.atomic
def record_progress(case, user, *, version, note):
    """处置进展: a note on the way (by the lead or a co-handling department)."""
    case, step, grant = _begin(case, user, Action.PROGRESS, version)
    note = _required(note, _("请填写处置进展。"))
    return _transit(case, step, grant, user, EventType.PROGRESS, at=clock.now(), note=note)


@transaction.atomic
def feedback_case(case, user, *, version, note):
    """处置反馈: the handler reports the result; the case waits for verification (核查)."""
    case, step, grant = _begin(case, user, Action.FEEDBACK, version)
    note = _required(note, _("请填写处置结果。"))
    at = clock.now()
    fields = ["handled_at", *STEP_FIELDS]
    if case.status == Status.PROJECT:
        project = case.project
        if project.milestones.filter(done_at__isnull=True).exists():
            raise InvalidTransition(_("项目还有未完成的节点，不能反馈办结。"))
        project.completed_at = at
        project.save(update_fields=["completed_at"])
    on_time = _on_time(case, at)
    case.handled_at = at
    _start_step(case, Step.VERIFY, at)
    verifier = (
        Notice(Kind.AWAITING_VERIFICATION, case.pk, units=((str(Role.GRID_WORKER), case.grid_id),))
        if case.grid_id and case.handling_level != HandlingLevel.GRID
        else dispatcher_notice(Kind.AWAITING_VERIFICATION, case)
    )
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.FED_BACK,
        at=at,
        note=note,
        details={"on_time": on_time},
        fields=fields,
        notices=[verifier],
    )


# --- Suspension -------------------------------------------------------------------------------


@transaction.atomic
def suspend_case(case, user, *, version, reason):
    """挂账: park a case that cannot be solved now; its clocks stop and resume where they were."""
    case, step, grant = _begin(case, user, Action.SUSPEND, version)
    reason = _required(reason, _("请填写挂账理由。"))
    at = clock.now()
    calendar = default_calendar()
    case.suspended_from = case.status
    case.suspended_at = at
    case.suspended_step_remaining = case.step_seconds - _elapsed(case, at, calendar)
    case.suspended_overall_remaining = (
        calendar.working_seconds_between(at, case.overall_due_at) if case.overall_due_at else None
    )
    # The step and its limit stay for the resumption; only the running clock stops.
    case.step_due_at = case.step_warn_at = case.step_red_at = None
    _withdraw_pending_extension(case, at)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.SUSPENDED,
        at=at,
        note=reason,
        fields=[
            "suspended_from",
            "suspended_at",
            "suspended_step_remaining",
            "suspended_overall_remaining",
            *STEP_FIELDS,
        ],
        notices=[handler_notice(Kind.SUSPENDED, case)],
    )


@transaction.atomic
def resume_case(case, user, *, version, note=""):
    """恢复办理: back to the status it was parked from, with the working time it had left."""
    case, step, grant = _begin(case, user, Action.RESUME, version)
    at = clock.now()
    calendar = default_calendar()
    elapsed = case.step_seconds - case.suspended_step_remaining
    _apply_window(case, deadlines.window(at, case.step_seconds, elapsed, started_at=case.step_started_at))
    if case.suspended_overall_remaining is not None:
        case.overall_due_at = calendar.add_working_seconds(at, max(case.suspended_overall_remaining, 0.0))
    previous, suspended_at = step.next_status(case), case.suspended_at
    case.suspended_from, case.suspended_at = "", None
    case.suspended_step_remaining = case.suspended_overall_remaining = None
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.RESUMED,
        at=at,
        note=_optional(note),
        details={"suspended_at": suspended_at},
        fields=[
            *STEP_FIELDS,
            "overall_due_at",
            "suspended_from",
            "suspended_at",
            "suspended_step_remaining",
            "suspended_overall_remaining",
        ],
        notices=[handler_notice(Kind.ASSIGNED, case)],
        to_status=previous,
    )


# --- Projects ---------------------------------------------------------------------------------


def _milestone_rows(milestones, today):
    rows = []
    for item in milestones or ():
        title, due = (item["title"], item["due_date"]) if isinstance(item, dict) else item
        title = _required(title, _("请填写项目节点名称。"), 100)
        if isinstance(due, str):
            try:
                due = date.fromisoformat(due)
            except ValueError:
                raise CaseInputError(_("节点日期格式不正确。")) from None
        if isinstance(due, datetime) or not isinstance(due, date):
            raise CaseInputError(_("节点日期格式不正确。"))
        if due < today:
            raise CaseInputError(_("节点计划完成日期不能早于今天。"))
        rows.append((title, due))
    if not rows:
        raise CaseInputError(_("请至少设置一个项目节点。"))
    return rows


@transaction.atomic
def convert_to_project(case, user, *, version, title, milestones, description=""):
    """议题转项目: a case too large for one handling step becomes a project followed through
    milestones; its deadline becomes close of business on the last milestone's date."""
    case, step, grant = _begin(case, user, Action.CONVERT_TO_PROJECT, version)
    title = _required(title, _("请填写项目名称。"), 100)
    at = clock.now()
    calendar = default_calendar()
    rows = _milestone_rows(milestones, timezone.localtime(at, calendar.tz).date())
    project = CaseProject.objects.create(
        case=case, title=title, description=_optional(description), created_by=user, created_at=at
    )
    Milestone.objects.bulk_create(
        [Milestone(project=project, seq=i, title=t, due_date=d) for i, (t, d) in enumerate(rows, start=1)]
    )
    last = max(d for _t, d in rows)
    due = calendar.close_of_business(datetime.combine(last, datetime.min.time(), tzinfo=calendar.tz))
    if not CaseParticipant.objects.filter(case=case, role=CaseParticipant.Role.LEAD, is_active=True).exists():
        _install_handlers(case, user, at)
    _withdraw_pending_extension(case, at)
    _apply_window(case, deadlines.window_until(at, max(due, at), calendar))
    case.step, case.step_limit, case.step_limit_unit = Step.HANDLE, None, ""
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.CONVERTED_TO_PROJECT,
        at=at,
        note=title,
        details={"project": project.pk, "milestones": [{"title": t, "due_date": d} for t, d in rows]},
        fields=STEP_FIELDS,
        notices=[handler_notice(Kind.ASSIGNED, case)],
    )


@transaction.atomic
def complete_milestone(case, user, *, version, milestone, note=""):
    case, step, grant = _begin(case, user, Action.COMPLETE_MILESTONE, version)
    milestone_id = milestone.pk if isinstance(milestone, Milestone) else milestone
    row = Milestone.objects.select_for_update().filter(pk=milestone_id, project__case=case).first()
    if row is None:
        raise CaseInputError(_("项目节点不存在。"))
    if row.done_at is not None:
        raise InvalidTransition(_("该节点已完成。"))
    at = clock.now()
    row.done_at, row.done_by, row.note = at, user, _optional(note)
    row.save(update_fields=["done_at", "done_by", "note"])
    on_time = timezone.localtime(at).date() <= row.due_date
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.MILESTONE_DONE,
        at=at,
        note=row.note,
        details={"milestone": row.seq, "title": row.title, "on_time": on_time},
    )
