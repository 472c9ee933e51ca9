"""What scores: grid work (civicgrid.gridwork.events), house visits (people) and the case loop
(cases). Subscribed IN_TRANSACTION in ScoringConfig.ready(): the entries commit or roll back with
the change that earned them; `ledger.record` makes every one idempotent.

- 巡格 (PatrolEnded): hours on patrol, the share of the grid covered, key places checked in at.
- 走访 (VisitLogged; planned visits earn a bonus) and 入户核查 (people's HouseVisited).
- 摸排 (TaskFormSubmitted): one per target, on time or late (a refilled form scores once).
- Cases: a case a grid worker reported (网格员随手拍, or reported in the grid worker's role) is
  "found"; a case handled at grid level and closed scores its handler on time or late; the
  reporter's rating of a grid-handled case scores its handler.
- 下沉部门 (departments): signing for a case dispatched to the department (报到) before the handling
  step's deadline, the handling feedback on time or late, and the rating of a department's case.
"""

from django.utils import timezone

from civicgrid.scoring import ledger
from civicgrid.scoring.models import Kind

GRID_PHOTO = "grid_photo"
GRID_WORKER = "grid_worker"
GRID_LEVEL = "grid"
DEPARTMENT_LEVEL = "department"


def _worker(metric, source, source_id, user_id, at, region_code, quantity=1.0):
    return ledger.record(
        kind=Kind.WORKER,
        metric=metric,
        source=source,
        source_id=source_id,
        at=at,
        region_code=region_code,
        quantity=quantity,
        user_id=user_id,
    )


def _department(metric, source_id, department_id, at, region_code):
    return ledger.record(
        kind=Kind.DEPARTMENT,
        metric=metric,
        source="cases.case",
        source_id=source_id,
        at=at,
        region_code=region_code,
        department_id=department_id,
    )


# --- Grid work ---------------------------------------------------------------------------------


def patrol_ended(event):
    hours = max(event.seconds, 0) / 3600
    coverage = min(max(event.coverage, 0.0), 1.0)
    args = ("gridwork.patrol", event.patrol_id, event.user_id, event.ended_at, event.grid_code)
    _worker("patrol_time", *args, quantity=round(hours, 4))
    _worker("patrol_coverage", *args, quantity=round(coverage, 4))
    if event.checkins > 0:
        _worker("patrol_checkin", *args, quantity=event.checkins)


def visit_logged(event):
    args = ("gridwork.visit", event.visit_id, event.user_id, event.at, event.region_code)
    _worker("visit", *args)
    if event.planned:
        _worker("visit_planned", *args)


def house_visited(event):
    if event.actor_id and event.at is not None:
        source_id = f"{event.house_id}:{timezone.localtime(event.at):%Y%m%d}"  # once a house a day
        _worker("house_check", "people.house", source_id, event.actor_id, event.at, event.region_code)


def task_form_submitted(event):
    metric = "task_form" if event.on_time else "task_form_late"
    source_id = f"{event.task_id}:{event.target_id}"
    _worker(metric, "gridwork.task_target", source_id, event.user_id, event.at, event.grid_code)


# --- Cases -------------------------------------------------------------------------------------


def _case(event):
    case = event.case
    if case is None:
        from civicgrid.cases.models import Case  # a replayed event carries no in-process row

        case = Case.objects.filter(pk=event.case_id).first()
    return case


def case_reported(event):
    case = _case(event)
    if case is None or not event.actor_id:
        return
    if case.source == GRID_PHOTO or event.actor_role == GRID_WORKER:
        _worker("case_found", "cases.case", case.pk, event.actor_id, event.at, case.region_code)


def case_closed(event):
    case = _case(event)
    if case is None or case.handling_level != GRID_LEVEL or not case.assignee_id:
        return
    metric = "case_on_time" if event.details.get("on_time", True) else "case_late"
    _worker(metric, "cases.case", case.pk, case.assignee_id, event.at, case.region_code)


def case_evaluated(event):
    case = _case(event)
    if case is None:
        return
    satisfied = event.details.get("satisfied")
    if satisfied is None:
        score = event.details.get("score")
        satisfied = score is None or score >= 3
    source_id = f"{case.pk}:{event.event_id}"
    if case.handling_level == GRID_LEVEL and case.assignee_id:
        metric = "rating_good" if satisfied else "rating_bad"
        _worker(metric, "cases.rating", source_id, case.assignee_id, event.at, case.region_code)
    elif case.handling_level == DEPARTMENT_LEVEL and case.handling_department_id:
        metric = "dept_rating_good" if satisfied else "dept_rating_bad"
        _department(metric, source_id, case.handling_department_id, event.at, _department_region(case))


def _department_region(case):
    """Where the department worked: a street sees what departments did in it (下沉到街道社区)."""
    return case.region_code or ""


def case_signed(event):
    case = _case(event)
    if case is None or case.handling_level != DEPARTMENT_LEVEL or not case.handling_department_id:
        return
    on_time = case.step_due_at is None or event.at <= case.step_due_at
    metric = "dept_signed_on_time" if on_time else "dept_signed_late"
    _department(metric, case.pk, case.handling_department_id, event.at, _department_region(case))


def case_fed_back(event):
    case = _case(event)
    if case is None or case.handling_level != DEPARTMENT_LEVEL or not case.handling_department_id:
        return
    metric = "dept_handled_on_time" if event.details.get("on_time", True) else "dept_handled_late"
    _department(metric, case.pk, case.handling_department_id, event.at, _department_region(case))


def subscribe_all():
    from civicgrid.cases import events as case_events
    from civicgrid.core import events
    from civicgrid.gridwork import events as grid_events
    from civicgrid.people import events as people_events

    for event_type, listener in (
        (grid_events.PatrolEnded, patrol_ended),
        (grid_events.VisitLogged, visit_logged),
        (grid_events.TaskFormSubmitted, task_form_submitted),
        (people_events.HouseVisited, house_visited),
        (case_events.CaseReported, case_reported),
        (case_events.CaseClosed, case_closed),
        (case_events.CaseEvaluated, case_evaluated),
        (case_events.CaseSigned, case_signed),
        (case_events.CaseFedBack, case_fed_back),
    ):
        events.subscribe(event_type, listener, phase=events.IN_TRANSACTION)
