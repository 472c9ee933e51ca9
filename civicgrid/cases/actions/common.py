"""The plumbing every workflow step shares (civicgrid.cases.actions): lock and check a case, append its
hash-chained event, save it and publish the event; the running step's working-time window; the
handling units (一办三协同); and the checks of a place and a category that reporting and
corrections share. Nothing here is an action of its own.
"""

import json
from dataclasses import replace

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from civicgrid.cases import deadlines, routing, workflow
from civicgrid.cases import events as case_events
from civicgrid.cases.errors import ActionNotAllowed, CaseChanged, CaseInputError, CaseNotFound, InvalidTransition
from civicgrid.cases.models import (
    GENESIS_HASH,
    Case,
    CaseEvent,
    CaseParticipant,
    Category,
    ExtensionRequest,
    HandlingLevel,
    RequestStatus,
    Status,
    Step,
)
from civicgrid.cases.workflow import Action
from civicgrid.core import events
from civicgrid.regions.models import Department, Region

MAX_DESCRIPTION = 4000
MAX_NOTE = 2000

STEP_FIELDS = (
    "step",
    "step_started_at",
    "step_due_at",
    "step_warn_at",
    "step_red_at",
    "step_limit",
    "step_limit_unit",
    "step_seconds",
    "extension_pending",
)


# --- Plumbing ---------------------------------------------------------------------------------


def _case_id(case):
    return case.pk if isinstance(case, Case) else int(case)


def _lock(case, user, queryset=None):
    queryset = Case.objects.restrict(user, "view") if queryset is None else queryset
    try:
        # of=("self",): lock the case row only, not the category rows joined for reading.
        return (
            queryset.select_for_update(of=("self",))
            .select_related("category__parent", "grid", "community", "street")
            # The regions come along for their names and codes; their polygons stay in the database.
            .defer("grid__boundary", "community__boundary", "street__boundary")
            .get(pk=_case_id(case))
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise CaseNotFound() from None


def _begin(case, user, action, version, queryset=None):
    """Lock, check the version, the transition and the user's right. Returns (case, transition, grant)."""
    locked = _lock(case, user, queryset)
    try:
        current = int(version) == locked.version
    except (TypeError, ValueError):
        current = False
    if not current:
        raise CaseChanged()
    step = workflow.transition(locked.status, action)
    if step is None:
        raise InvalidTransition(
            _("案件当前状态为“%(status)s”，不能%(action)s。")
            % {"status": locked.get_status_display(), "action": Action(action).label}
        )
    grant = workflow.authorize(user, locked, step)
    if grant is None:
        raise ActionNotAllowed(_("您无权对该案件执行“%(action)s”。") % {"action": Action(action).label})
    return locked, step, grant


def jsonable_details(details):
    """An event's details as stored and hashed: JSON-native values only (dates as ISO strings…).
    Public for writers of the same chain outside the actions (the benchmarks' bulk writer)."""
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))


def _append_event(case, event_type, actor, grant, *, at, from_status, to_status, note="", details=None):
    event = _build_event(
        case, event_type, actor, grant, at=at, from_status=from_status, to_status=to_status, note=note, details=details
    )
    event.save(force_insert=True)
    case.event_count = event.seq
    case.head_hash = event.hash
    return event


def _build_event(case, event_type, actor, grant, *, at, from_status, to_status, note="", details=None):
    """The case's next timeline row, hashed onto its chain, not yet saved (the case needs its id)."""
    event = CaseEvent(
        case=case,
        seq=case.event_count + 1,
        type=event_type,
        actor=actor,
        actor_role=grant.role if grant else "",
        from_status=from_status,
        to_status=to_status,
        note=note,
        details=jsonable_details(details),
        created_at=at,
        prev_hash=case.head_hash or GENESIS_HASH,
    )
    event.hash = event.compute_hash()
    return event


def _save(case, fields, *, at, bump=True):
    case.updated_at = at
    fields = {*fields, "updated_at", "event_count", "head_hash"}
    if bump:
        case.version += 1
        fields.add("version")
    case.save(update_fields=sorted(fields))


def _publish(case, event, notices=()):
    """Announce the timeline row `event` of the saved `case` (civicgrid.cases.events), with who
    should hear of it: listeners in the transaction (rollups, the webhook outbox) run now, the
    notifications after the commit."""
    audience = [
        replace(notice, case_id=case.pk, event_id=event.pk)
        for notice in notices
        if notice is not None and (notice.users or notice.departments or notice.units)
    ]
    events.publish(case_events.for_row(case, event, audience))


def _transit(case, step, grant, user, event_type, *, at, note="", details=None, fields=(), notices=(), to_status=None):
    """Move `case` along `step`, record the event, save, and publish it with the notices."""
    from_status = case.status
    case.status = to_status or step.next_status(case)
    event = _append_event(
        case,
        event_type,
        user,
        grant,
        at=at,
        from_status=from_status,
        to_status=case.status,
        note=note,
        details=details,
    )
    _save(case, [*fields, "status"], at=at)
    _publish(case, event, notices)
    return case


def _required(text, message, limit=MAX_NOTE):
    text = (text or "").strip()
    if not text:
        raise CaseInputError(message)
    if len(text) > limit:
        raise CaseInputError(_("内容过长（最多 %(n)d 字）。") % {"n": limit})
    return text


def _optional(text, limit=MAX_NOTE):
    text = (text or "").strip()
    if len(text) > limit:
        raise CaseInputError(_("内容过长（最多 %(n)d 字）。") % {"n": limit})
    return text


# --- Deadlines --------------------------------------------------------------------------------


def _apply_window(case, window):
    case.step_started_at = window.started_at
    case.step_due_at = window.due_at
    case.step_warn_at = window.warn_at
    case.step_red_at = window.red_at
    case.step_seconds = window.seconds


def _withdraw_pending_extension(case, at):
    # An extension asked for one step means nothing once the case has moved on.
    if case.extension_pending:
        ExtensionRequest.objects.filter(case=case, status=RequestStatus.PENDING).update(
            status=RequestStatus.WITHDRAWN, decided_at=at
        )
        case.extension_pending = False


def _start_step(case, step, at):
    value, unit = case.category.limit(step)
    _apply_window(case, deadlines.window_for_limit(at, value, unit))
    case.step = step
    case.step_limit = value
    case.step_limit_unit = unit
    _withdraw_pending_extension(case, at)


def _stop_clock(case, at):
    """No deadline runs any more (closed, rejected, voided, merged)."""
    case.step = ""
    case.step_started_at = case.step_due_at = case.step_warn_at = case.step_red_at = None
    case.step_limit = None
    case.step_limit_unit = ""
    case.step_seconds = None
    _withdraw_pending_extension(case, at)


def _elapsed(case, at, calendar):
    """Office seconds of the running step used by `at` (more than the window once overdue)."""
    remaining = calendar.working_seconds_between(at, case.step_due_at)
    overdue = calendar.working_seconds_between(case.step_due_at, at)
    return case.step_seconds - remaining + overdue


def _on_time(case, at):
    return case.step_due_at is None or at <= case.step_due_at


def _overall_due(case, at):
    due = at
    for step in (Step.DISPATCH, Step.HANDLE, Step.VERIFY):
        value, unit = case.category.limit(step)
        due = deadlines.add_limit(due, value, unit)
    return due


# --- Handlers (一办三协同) -------------------------------------------------------------------------


def _resolve_department(value):
    if value is None or value == "":
        return None
    if isinstance(value, Department):
        return value
    try:
        return Department.objects.select_related("region").get(pk=int(value))
    except (Department.DoesNotExist, ValueError, TypeError):
        raise CaseInputError(_("职能部门不存在。")) from None


def _check_serves(department, case):
    if not routing.serves(department, case.region_code):
        raise CaseInputError(_("“%(dept)s”不负责案件所在区域。") % {"dept": department.name})


def _retire_handlers(case, at):
    CaseParticipant.objects.filter(
        case=case, role__in=[CaseParticipant.Role.LEAD, CaseParticipant.Role.CO], is_active=True
    ).update(is_active=False, removed_at=at)
    case._co_department_ids = set()


def _install_handlers(case, user, at, co_departments=()):
    """Record the current handling unit as the lead, and the co-handling departments."""
    _retire_handlers(case, at)
    CaseParticipant.objects.create(
        case=case,
        role=CaseParticipant.Role.LEAD,
        level=case.handling_level,
        region=routing.unit_region(case, case.handling_level),
        department=case.handling_department,
        user=case.assignee,
        added_at=at,
        added_by=user,
    )
    for department in co_departments:
        CaseParticipant.objects.create(
            case=case,
            role=CaseParticipant.Role.CO,
            level=HandlingLevel.DEPARTMENT,
            department=department,
            added_at=at,
            added_by=user,
        )
    case._co_department_ids = {d.pk for d in co_departments}


def _handling_details(case, co_departments=()):
    return {
        "level": case.handling_level,
        "department": case.handling_department.code if case.handling_department_id else None,
        "assignee": case.assignee_id,
        "co_departments": [d.code for d in co_departments],
    }


# --- Places and categories --------------------------------------------------------------------


def _resolve_category(value, *, for_resident):
    if isinstance(value, Category):
        category = value
    else:
        try:
            category = Category.objects.select_related("parent").get(pk=int(value))
        except (Category.DoesNotExist, ValueError, TypeError):
            raise CaseInputError(_("请选择案件类别。")) from None
    if not category.is_active or (category.parent_id and not category.parent.is_active):
        raise CaseInputError(_("该类别已停用，请重新选择。"))
    if category.parent_id is None:
        raise CaseInputError(_("请选择具体的小类。"))
    if for_resident and not category.resident_selectable:
        raise CaseInputError(_("该类别不接受居民直接上报，请重新选择。"))
    return category


def _coordinates(lon, lat):
    if lon is None and lat is None:
        return None
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise CaseInputError(_("经纬度格式不正确。")) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise CaseInputError(_("经纬度超出范围。"))
    return lon, lat


def _place(coords, region):
    """Where the case is: the deepest node containing the point, else the region chosen by staff."""
    if coords:
        place = routing.place_at(*coords)
        if place is not None:
            return place
    node = None
    if region is not None:
        node = region if isinstance(region, Region) else Region.objects.filter(pk=region).first()
        if node is not None and not node.is_active:
            node = None
    if node is None:
        if coords:
            raise CaseInputError(_("该位置不在本平台服务范围内，请重新标注位置。"))
        raise CaseInputError(_("请在地图上标注位置，或选择所在社区。"))
    return routing.place_of(node)


def _node(case):
    return Region.objects.get(code=case.region_code)


def _reroute_if_undispatched(case):
    if case.status in (Status.REPORTED, Status.REGISTERED):
        route = routing.default_route(case.category, routing.place_of(_node(case)))
        case.handling_level, case.handling_department = route.level, route.department
        return True
    return False
