"""The write path for cases: one `@transaction.atomic` function per workflow action.

Every function that changes an existing case follows the same steps (docs/architecture.md):

1. lock the row (`select_for_update`) through `Case.objects.restrict(user, "view")`, so a case
   outside the user's scope raises CaseNotFound exactly like a missing one;
2. compare the caller's `version` with the row's, raising CaseChanged when someone else got there
   first (the caller acted on a stale page);
3. look the (status, action) pair up in the transition table and check its rules for this user
   (InvalidTransition / ActionNotAllowed);
4. change the row, computing the next step's deadline in working time;
5. append the typed, hash-chained CaseEvent in the same transaction;
6. save with `update_fields`, bumping `version`;
7. publish the event (civicgrid.cases.events) with who should hear of it: rollups and the webhook
   outbox join the transaction, notifications go out after the commit (docs/architecture.md).

A refused action raises before it writes anything, and the transaction rolls back whatever it did,
so refusal never leaves a trace. Actions return the updated case.
"""

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.cases import deadlines, routing, workflow
from civicgrid.cases import events as case_events
from civicgrid.cases.errors import (
    ActionNotAllowed,
    CaseChanged,
    CaseInputError,
    CaseNotFound,
    InvalidTransition,
    RateLimited,
)
from civicgrid.cases.models import (
    GENESIS_HASH,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseNumberSequence,
    CaseParticipant,
    CaseProject,
    Category,
    Evaluation,
    EventType,
    ExtensionRequest,
    HandlingLevel,
    LimitUnit,
    Milestone,
    RequestStatus,
    Source,
    Status,
    Step,
    VoidRequest,
)
from civicgrid.cases.notifications import (
    Kind,
    Notice,
    dispatcher_notice,
    followers,
    handler_notice,
    reporter_notice,
    senior_notice,
)
from civicgrid.cases.workflow import Action
from civicgrid.core import events
from civicgrid.core.worktime import default_calendar
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


def _now():
    # One seam for tests that need "now" on a given day (deadlines across a holiday).
    return timezone.now()


# --- Plumbing -------------------------------------------------------------------------------


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


def _jsonable(details):
    # Store exactly what the hash covers: JSON-native values only (dates as ISO strings…).
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))


def _append_event(case, event_type, actor, grant, *, at, from_status, to_status, note="", details=None):
    event = CaseEvent(
        case=case,
        seq=case.event_count + 1,
        type=event_type,
        actor=actor,
        actor_role=grant.role if grant else "",
        from_status=from_status,
        to_status=to_status,
        note=note,
        details=_jsonable(details),
        created_at=at,
        prev_hash=case.head_hash or GENESIS_HASH,
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    case.event_count = event.seq
    case.head_hash = event.hash
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


# --- Deadlines ------------------------------------------------------------------------------


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


# --- Recipients -----------------------------------------------------------------------------


# --- Handlers (一办三协同) -------------------------------------------------------------------


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


# --- Report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportResult:
    case: Case
    # Open cases of the same category nearby, nearest first: the page asks the reporter "follow
    # the existing case instead?" and shows staff the candidates to merge.
    duplicates: list
    # True when the submission key named a case filed earlier: nothing new was written.
    replayed: bool = False


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
    node = routing.locate(*coords) if coords else None
    if node is None and region is not None:
        node = region if isinstance(region, Region) else Region.objects.filter(pk=region).first()
        if node is not None and not node.is_active:
            node = None
    if node is None:
        if coords:
            raise CaseInputError(_("该位置不在本平台服务范围内，请重新标注位置。"))
        raise CaseInputError(_("请在地图上标注位置，或选择所在社区。"))
    return routing.place_of(node)


def _lock_user(user):
    # Serialises one account's concurrent reports, so two at once cannot both slip under the limit.
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def _check_rate(user, at):
    _lock_user(user)
    limits = (
        (timedelta(hours=1), settings.CASES_RESIDENT_REPORTS_PER_HOUR, _("每小时")),
        (timedelta(days=1), settings.CASES_RESIDENT_REPORTS_PER_DAY, _("每天")),
    )
    for period, limit, label in limits:
        if not limit:
            continue
        recent = list(
            Case.objects.filter(reporter=user, source=Source.RESIDENT, reported_at__gt=at - period)
            .order_by("-reported_at")
            .values_list("reported_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            retry = timezone.localtime(recent[-1] + period)
            raise RateLimited(
                _("提交过于频繁：%(period)s最多可上报 %(n)d 件，请于 %(time)s 后再试。")
                % {"period": label, "n": limit, "time": retry.strftime("%m-%d %H:%M")}
            )


def _next_number(at):
    year = timezone.localtime(at).year
    sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}-{sequence.last:06d}"


def _default_title(category, address):
    address = (address or "").strip()
    return f"{category.name}（{address[:40]}）" if address else category.name


@transaction.atomic
def report_case(
    user,
    *,
    category,
    description,
    source=Source.RESIDENT,
    title="",
    lon=None,
    lat=None,
    address="",
    region=None,
    is_public=True,
    caller_name="",
    caller_phone="",
    external_order_no="",
    reporter=None,
    submission_key="",
):
    """上报: file a case and route it automatically.

    The location (a point, or for staff entry without one, a chosen `region`) gives the grid,
    community and street; the category gives the default handling level and department. `reporter`
    names the resident a staff member files for (工作人员代录); a hotline caller without an account
    is described by caller_name/caller_phone. Returns a ReportResult with nearby open duplicates.

    A `submission_key` makes the report idempotent for the account that sends it: sending the same
    key again (a retry after a lost response) returns the case filed the first time, even when the
    two arrive at once.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        raise ActionNotAllowed()
    submission_key = _optional(submission_key, 64)
    if submission_key:
        earlier = _submitted_before(user, submission_key)
        if earlier is not None:
            return ReportResult(case=earlier, duplicates=[], replayed=True)
    at = _now()
    try:
        source = Source(source)
    except ValueError:
        raise CaseInputError(_("来源不正确。")) from None
    category = _resolve_category(category, for_resident=source == Source.RESIDENT)
    description = _required(description, _("请描述问题。"), MAX_DESCRIPTION)
    coords = _coordinates(lon, lat)
    place = _place(coords, region)
    grant = workflow.grant_for(user, Case(region_code=place.region_code), workflow.REPORT_RULES[source])
    if grant is None:
        raise ActionNotAllowed(_("您无权以“%(source)s”方式登记案件。") % {"source": source.label})
    if not grant.role:
        grant = replace(grant, role="reporter")
    if source in (Source.RESIDENT, Source.GRID_PHOTO):
        reporter = user
    if source == Source.HOTLINE and not (caller_phone or "").strip() and reporter is None:
        raise CaseInputError(_("请填写来电号码。"))
    if source == Source.RESIDENT:
        _check_rate(user, at)

    duplicates = routing.nearby_duplicates(category, *(coords or (None, None)))
    route = routing.default_route(category, place)
    case = Case(
        number=_next_number(at),
        title=_optional(title, 100) or _default_title(category, address),
        description=description,
        category=category,
        source=source,
        reporter=reporter,
        entered_by=user,
        caller_name=_optional(caller_name, 50),
        caller_phone=_optional(caller_phone, 20),
        external_order_no=_optional(external_order_no, 64),
        lon=coords[0] if coords else None,
        lat=coords[1] if coords else None,
        address=_optional(address, 200),
        grid=place.grid,
        community=place.community,
        street=place.street,
        region_code=place.region_code,
        status=Status.REPORTED,
        is_public=bool(is_public),
        handling_level=route.level,
        handling_department=route.department,
        reported_at=at,
        updated_at=at,
        submission_key=submission_key,
    )
    _start_step(case, Step.INTAKE, at)
    try:
        with transaction.atomic():
            case.save(force_insert=True)
    except IntegrityError:
        # The same key arrived twice at once and the other request won: answer with its case.
        earlier = _submitted_before(user, submission_key) if submission_key else None
        if earlier is None:
            raise
        return ReportResult(case=earlier, duplicates=[], replayed=True)
    event = _append_event(
        case,
        EventType.REPORTED,
        user,
        grant,
        at=at,
        from_status="",
        to_status=Status.REPORTED,
        details={
            "source": source,
            "category": category.code,
            "region_code": case.region_code,
            "route": _handling_details(case),
            "possible_duplicates": [d.number for d in duplicates],
        },
    )
    case.save(update_fields=["event_count", "head_hash"])
    _publish(case, event, [dispatcher_notice(Kind.NEW_CASE, case)])
    return ReportResult(case=case, duplicates=duplicates)


def _submitted_before(user, submission_key):
    return Case.objects.filter(entered_by=user, submission_key=submission_key).first()


# --- Intake ---------------------------------------------------------------------------------


@transaction.atomic
def accept_case(case, user, *, version, note=""):
    """受理立案: register the case; the dispatch clock starts and the overall deadline is set."""
    case, step, grant = _begin(case, user, Action.ACCEPT, version)
    at = _now()
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
    at = _now()
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


# --- Dispatch and handling ------------------------------------------------------------------


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
        _check_serves(department, case)
    else:
        department = None
    co = []
    for value in co_departments or ():
        co_department = _resolve_department(value)
        _check_serves(co_department, case)
        if co_department != department and co_department not in co:
            co.append(co_department)

    at = _now()
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
    at = _now()
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


@transaction.atomic
def record_progress(case, user, *, version, note):
    """处置进展: a note on the way (by the lead or a co-handling department)."""
    case, step, grant = _begin(case, user, Action.PROGRESS, version)
    note = _required(note, _("请填写处置进展。"))
    return _transit(case, step, grant, user, EventType.PROGRESS, at=_now(), note=note)


@transaction.atomic
def feedback_case(case, user, *, version, note):
    """处置反馈: the handler reports the result; the case waits for verification (核查)."""
    case, step, grant = _begin(case, user, Action.FEEDBACK, version)
    note = _required(note, _("请填写处置结果。"))
    at = _now()
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


@transaction.atomic
def verify_case(case, user, *, version, passed, note=""):
    """核查: pass → awaiting closure; fail → back to the handler (返工, counted)."""
    action = Action.VERIFY_PASS if passed else Action.VERIFY_FAIL
    case, step, grant = _begin(case, user, action, version)
    if case.assignee_id == user.pk:
        raise ActionNotAllowed(_("处置人不能核查自己处置的案件。"))
    at = _now()
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
    at = _now()
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


# --- Evaluation and reopening ---------------------------------------------------------------


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
    at = _now()
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
    return _reopen(case, user, grant, reason, _now())


# --- Return, extension, suspension, void ----------------------------------------------------


@transaction.atomic
def return_case(case, user, *, version, reason):
    """退回: the handler sends the case back to the dispatchers (wrong unit, not its duty…). Its
    handling unit falls back to the category's default until it is dispatched again."""
    case, step, grant = _begin(case, user, Action.RETURN, version)
    reason = _required(reason, _("请填写退回理由。"))
    at = _now()
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


def _node(case):
    return Region.objects.get(code=case.region_code)


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
    at = _now()
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
    at = _now()
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


@transaction.atomic
def suspend_case(case, user, *, version, reason):
    """挂账: park a case that cannot be solved now; its clocks stop and resume where they were."""
    case, step, grant = _begin(case, user, Action.SUSPEND, version)
    reason = _required(reason, _("请填写挂账理由。"))
    at = _now()
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
    at = _now()
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


@transaction.atomic
def request_void(case, user, *, version, reason):
    """申请作废 (a false report, a duplicate found late…); the street or command centre approves."""
    case, step, grant = _begin(case, user, Action.REQUEST_VOID, version)
    reason = _required(reason, _("请填写作废理由。"))
    if case.void_pending:
        raise InvalidTransition(_("已有待审批的作废申请。"))
    at = _now()
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
    at = _now()
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


# --- Escalation, supervision, projects ------------------------------------------------------


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
    at = _now()
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
    at = _now()
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
    at = _now()
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
    at = _now()
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


# --- Corrections, duplicates, following -----------------------------------------------------


def _reroute_if_undispatched(case):
    if case.status in (Status.REPORTED, Status.REGISTERED):
        route = routing.default_route(case.category, routing.place_of(_node(case)))
        case.handling_level, case.handling_department = route.level, route.department
        return True
    return False


@transaction.atomic
def correct_location(case, user, *, version, lon=None, lat=None, address=None, region=None, note=""):
    """更正位置 before closure. The grid, community, street and region code follow the new place; a
    case not yet dispatched is re-routed to the new place's default unit. A dispatched case keeps
    its handler (dispatchers re-dispatch it if that handler is now the wrong one)."""
    case, step, grant = _begin(case, user, Action.CORRECT, version)
    coords = _coordinates(lon, lat)
    if coords is None and region is None:
        raise CaseInputError(_("请在地图上标注位置，或选择所在社区。"))
    place = _place(coords, region)
    at = _now()
    before = {"lon": case.lon, "lat": case.lat, "address": case.address, "region_code": case.region_code}
    if coords:
        case.lon, case.lat = coords
    if address is not None:
        case.address = _optional(address, 200)
    case.grid, case.community, case.street = place.grid, place.community, place.street
    case.region_code = place.region_code
    rerouted = _reroute_if_undispatched(case)
    after = {"lon": case.lon, "lat": case.lat, "address": case.address, "region_code": case.region_code}
    moved = before["region_code"] != after["region_code"]
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.LOCATION_CORRECTED,
        at=at,
        note=_optional(note),
        details={"before": before, "after": after, "rerouted": rerouted, "route": _handling_details(case)},
        fields=["lon", "lat", "address", "grid", "community", "street", "region_code"]
        + (["handling_level", "handling_department"] if rerouted else []),
        notices=[dispatcher_notice(Kind.NEW_CASE, case) if moved else None],
    )


@transaction.atomic
def correct_category(case, user, *, version, category, note=""):
    """更正类别 before closure. The running step keeps its start but takes the new category's limit;
    a case not yet dispatched is re-routed to the new category's default unit."""
    case, step, grant = _begin(case, user, Action.CORRECT, version)
    category = _resolve_category(category, for_resident=False)
    if category.pk == case.category_id:
        raise CaseInputError(_("类别没有变化。"))
    at = _now()
    before = case.category.code
    case.category = category
    fields = ["category"]
    if case.step_due_at is not None and case.step_limit is not None:
        calendar = default_calendar()
        value, unit = category.limit(case.step)
        started = case.step_started_at
        total = calendar.working_seconds_between(started, deadlines.add_limit(started, value, unit, calendar))
        elapsed = _elapsed(case, at, calendar)
        _apply_window(case, deadlines.window(at, total, elapsed, started_at=started, calendar=calendar))
        case.step_limit, case.step_limit_unit = value, unit
        fields += STEP_FIELDS
    rerouted = _reroute_if_undispatched(case)
    if rerouted:
        fields += ["handling_level", "handling_department"]
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.CATEGORY_CORRECTED,
        at=at,
        note=_optional(note),
        details={"before": before, "after": category.code, "rerouted": rerouted, "route": _handling_details(case)},
        fields=fields,
    )


@transaction.atomic
def merge_duplicate(case, into, user, *, version, note=""):
    """合并重复件: `case` ends as a duplicate of `into`; its reporter and followers follow `into`,
    so they hear of its progress and closure."""
    case_id, into_id = _case_id(case), _case_id(into)
    if case_id == into_id:
        raise CaseInputError(_("不能与自身合并。"))
    # Lock both rows in id order, so two merges of the same pair cannot deadlock.
    visible = Case.objects.restrict(user, "view")
    first, second = sorted((case_id, into_id))
    locked = {first: _lock(first, user, visible), second: _lock(second, user, visible)}
    case, step, grant = _begin(locked[case_id], user, Action.MERGE, version, visible)
    target = locked[into_id]
    if target.status not in OPEN_STATUSES:
        raise InvalidTransition(_("只能并入未办结的案件。"))
    at = _now()
    case.merged_into = target
    _stop_clock(case, at)
    moving = [case.reporter_id] if case.reporter_id else []
    moving += [u for u in followers(case) if u not in moving]
    already = set(followers(target)) | {target.reporter_id}
    CaseParticipant.objects.bulk_create(
        [
            CaseParticipant(case=target, role=CaseParticipant.Role.FOLLOWER, user_id=u, added_at=at, added_by=user)
            for u in moving
            if u not in already
        ]
    )
    event = _append_event(
        target,
        EventType.DUPLICATE_ATTACHED,
        user,
        grant,
        at=at,
        from_status=target.status,
        to_status=target.status,
        note=_optional(note),
        details={"duplicate": case.number, "followers_added": [u for u in moving if u not in already]},
    )
    # The target's handler is not disturbed: no version bump for gaining followers.
    _save(target, [], at=at, bump=False)
    _publish(target, event)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.MERGED,
        at=at,
        note=_optional(note),
        details={"into": target.number},
        fields=["merged_into", *STEP_FIELDS],
        notices=[reporter_notice(Kind.MERGED, case)],
    )


@transaction.atomic
def follow_case(case, user):
    """关注: a resident follows an existing case ("this is already reported") to hear of its
    progress. Public cases can be followed by anyone signed in. Following does not change the
    case's version: it must not make a handler's concurrent action fail."""
    visible = Case.objects.restrict(user, "view") | Case.objects.filter(is_public=True)
    case = _lock(case, user, visible)
    step = workflow.transition(case.status, Action.FOLLOW)
    grant = workflow.authorize(user, case, step) if step else None
    if step is None or grant is None:
        raise InvalidTransition(_("该案件已办结，无需关注。"))
    if case.reporter_id == user.pk or user.pk in followers(case):
        return case
    at = _now()
    CaseParticipant.objects.create(case=case, role=CaseParticipant.Role.FOLLOWER, user=user, added_at=at, added_by=user)
    grant = replace(grant, role=grant.role or "follower")
    event = _append_event(case, EventType.FOLLOWED, user, grant, at=at, from_status=case.status, to_status=case.status)
    _save(case, [], at=at, bump=False)
    _publish(case, event)
    return case
