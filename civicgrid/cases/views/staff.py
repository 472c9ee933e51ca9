"""Staff pages: dispatcher queues, the grid worker's "my tasks", the case page with its action
forms, the 12345 hotline form and staff entry, and the ledger export.

Views parse input and call `civicgrid.cases.actions`; every read starts from
`Case.objects.restrict(user, "view")` (through `cases.selectors`), so a case outside the user's
scope answers 404 exactly like a number that does not exist. The case page is for those who read
the case in full (cases.access); its reporter and followers are sent to their own page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import roles_of
from civicgrid.cases import access, case_hints, export, selectors
from civicgrid.cases.errors import CaseChanged, CaseError, CaseNotFound
from civicgrid.cases.forms.staff import ACTION_FORMS, IntakeForm, QueueFilterForm
from civicgrid.cases.models import Case, CaseParticipant, Light, Source, Status
from civicgrid.cases.views import uploads as upload_views
from civicgrid.cases.workflow import allowed_actions
from civicgrid.core.pagination import DeferredJoinPaginator
from civicgrid.core.worktime import default_calendar
from civicgrid.regions.models import Region

QUEUE_ROLES = frozenset(
    {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DEPARTMENT_STAFF, Role.COMMAND_OPERATOR, Role.SYSTEM_ADMIN}
)
FIELD_ROLES = frozenset({Role.GRID_WORKER, Role.MICROGRID_MEMBER})
# "My tasks": the user's own work, for those who handle cases dispatched to them.
TASK_ROLES = FIELD_ROLES | {Role.DEPARTMENT_STAFF}
# Those who accept and dispatch: the queue's shortcuts, bulk dispatch and hints are theirs.
DISPATCH_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR})
# The intake pages open only to those whose filing can succeed (workflow.REPORT_RULES): a system
# administrator keeps the platform, not the hotline, and is not offered a form that always refuses.
INTAKE_ROLES = {
    Source.HOTLINE: frozenset({Role.COMMAND_OPERATOR}),
    Source.STAFF_ENTRY: frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR}),
}
# Actions the queue offers as single-key shortcuts on the selected row (the case page opens with
# that action's form focused).
SHORTCUTS = {"a": "accept", "d": "dispatch", "s": "sign", "v": "verify_pass", "c": "close"}


def is_dispatcher(user):
    return user.is_superuser or bool(roles_of(user) & DISPATCH_ROLES)


def _require_roles(user, roles):
    if not (roles_of(user) & roles):
        raise PermissionDenied


def _region_lookup(user):
    def lookup(code):
        return Region.objects.restrict(user, "view").filter(code=code).only("code", "name", "level").first()

    return lookup


def filtered_queue(user, form, now=None):
    """(queue, queue without the light filters) for a bound QueueFilterForm: the second gives the
    per-light counts, so the counts stay put while one light is picked."""
    filters = form.filters(_region_lookup(user))
    keyword = filters.pop("keyword", "")
    deadline_light = filters.pop("deadline_light", None)
    stage_light = filters.pop("stage_light", None)
    if "region" in filters and filters["region"] is None:
        # A region outside the scope (or unknown) filters to nothing rather than being ignored.
        return Case.objects.none(), Case.objects.none()
    base = selectors.queue(user, now=now, **filters)
    if keyword:
        base = base.filter(
            Q(number=keyword)
            | Q(title__icontains=keyword)
            | Q(description__icontains=keyword)
            | Q(address__icontains=keyword)
            | Q(external_order_no=keyword)
        )
    cases = base
    if deadline_light:
        cases = cases.deadline_light(deadline_light, now=now)
    if stage_light:
        cases = cases.stage_light(stage_light)
    return cases, base


def light_counts(cases, now):
    """Cases per deadline light and per stage light, in one aggregate query."""
    from civicgrid.cases.models import STAGE_LIGHTS

    def stage(colour):
        return Q(status__in=[s for s, c in STAGE_LIGHTS.items() if c == colour])

    return cases.order_by().aggregate(
        total=Count("pk"),
        red=Count("pk", filter=Q(step_red_at__lte=now)),
        yellow=Count("pk", filter=Q(step_warn_at__lte=now, step_red_at__gt=now)),
        green=Count("pk", filter=Q(step_warn_at__gt=now)),
        stage_red=Count("pk", filter=stage(Light.RED)),
        stage_blue=Count("pk", filter=stage(Light.BLUE)),
        stage_yellow=Count("pk", filter=stage(Light.YELLOW)),
        stage_green=Count("pk", filter=stage(Light.GREEN)),
    )


@login_required
@require_GET
def queue(request):
    _require_roles(request.user, QUEUE_ROLES)
    now = timezone.now()
    form = QueueFilterForm(request.GET)  # bound even when empty: no filters is a valid filter
    cases, counts_cases = filtered_queue(request.user, form, now)
    paginator = DeferredJoinPaginator(cases, settings.CASES_QUEUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    dispatcher = is_dispatcher(request.user)
    context = {
        "form": form,
        "page": page,
        "counts": light_counts(counts_cases, now),
        "query": query.urlencode(),
        "shortcuts": SHORTCUTS if dispatcher else {},
        "is_dispatcher": dispatcher,
        "can_bulk": dispatcher,
        "levels": _dispatch_levels(),
        "departments": _departments(request.user),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request and request.htmx.target == "queue-body"
    template = "cases/staff/_queue_body.html" if partial else "cases/staff/queue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _dispatch_levels():
    from civicgrid.cases.models import HandlingLevel

    return HandlingLevel.choices


def _departments(user):
    from civicgrid.regions.models import Department

    return Department.objects.filter(is_active=True).only("pk", "name").order_by("code")


@login_required
@require_GET
def export_ledger(request):
    _require_roles(request.user, QUEUE_ROLES)
    form = QueueFilterForm(request.GET or {})
    cases, _base = filtered_queue(request.user, form)
    total = cases.count()
    if total > settings.JOBS_EXPORT_INLINE_ROWS:
        # A long ledger is written by a background job; its page offers the file when it is done.
        from civicgrid.cases import jobs
        from civicgrid.core import longjobs

        try:
            job = jobs.start_ledger(request.user, request.GET.urlencode(), total)
        except longjobs.JobBusy as exc:
            messages.warning(request, _("您已有一项台账导出正在进行，请等它完成。"))
            job = exc.job
        return redirect("core:job", job.pk)
    content, rows, truncated = export.ledger(cases, exporter=request.user, filter_text=form.describe())
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="ledger-{stamp}.xlsx"'
    response["X-Ledger-Rows"] = str(rows)
    if truncated:
        response["X-Ledger-Truncated"] = "1"
    return response


@login_required
@require_POST
def bulk_dispatch(request):
    """Dispatch several registered cases to one handling unit; each case succeeds or fails alone."""
    from civicgrid.cases import actions

    _require_roles(request.user, QUEUE_ROLES)
    level = request.POST.get("level", "")
    department = request.POST.get("department") or None
    done, failed = [], []
    for item in request.POST.getlist("case")[:200]:
        key, _sep, version = item.partition(":")
        if not key.isdigit():
            continue
        try:
            case = actions.dispatch_case(int(key), request.user, version=version, level=level, department=department)
            done.append(case.number)
        except CaseNotFound:
            failed.append((key, _("案件不存在。")))
        except CaseError as error:
            failed.append((key, error.message))
    if done:
        messages.success(
            request, _("已派遣 %(count)s 件：%(numbers)s") % {"count": len(done), "numbers": "、".join(done)}
        )
    if failed:
        numbers = dict(Case.objects.filter(pk__in=[int(k) for k, _m in failed]).values_list("pk", "number"))
        for key, message in failed:
            messages.error(request, f"{numbers.get(int(key), key)}：{message}")
    if not done and not failed:
        messages.warning(request, _("请先勾选要派遣的案件。"))
    return redirect(_next_url(request, reverse("cases:staff_queue")))


@login_required
@require_GET
def tasks(request):
    """The user's own work: for the grid worker (phone) to sign, in hand, to verify; for department
    staff the cases dispatched to their department (to sign, in hand), those it co-handles and
    those awaiting verification. Open ones first by deadline."""
    _require_roles(request.user, TASK_ROLES | {Role.SYSTEM_ADMIN})
    user = request.user
    now = timezone.now()
    base = (
        Case.objects.restrict(user, "view")
        .with_lights(now=now)
        .select_related("category", "grid", "handling_department")
        .order_by("step_due_at", "pk")
    )
    departments = {a.department_id for a in _assignments(user) if a.role == Role.DEPARTMENT_STAFF and a.department_id}
    sections = _department_sections(user, base, departments) if departments else []
    if roles_of(user) & (FIELD_ROLES | {Role.SYSTEM_ADMIN}) or not departments:
        sections += _field_sections(user, base)
    return render(request, "cases/staff/tasks.html", {"sections": sections, "for_department": bool(departments)})


def _field_sections(user, base):
    grid_codes = [a.region.code for a in _assignments(user) if a.role in FIELD_ROLES and a.region_id]
    mine = Q(assignee=user)
    if grid_codes:
        mine |= Q(assignee__isnull=True, handling_level="grid", grid__code__in=grid_codes)
    cases = list(
        base.filter(
            (mine & Q(status__in=[Status.DISPATCHED, Status.HANDLING, Status.PROJECT])) | Q(status=Status.HANDLED)
        )[:300]
    )
    return [
        ("sign", _("待签收"), [c for c in cases if c.status == Status.DISPATCHED]),
        ("handle", _("处置中"), [c for c in cases if c.status in (Status.HANDLING, Status.PROJECT)]),
        ("verify", _("待核查"), [c for c in cases if c.status == Status.HANDLED and c.assignee_id != user.pk]),
    ]


def _department_sections(user, base, departments):
    """Cases whose handling department is one of the user's (signed by someone else: not theirs
    to act on), and open cases it co-handles (一办三协同)."""
    handling = Q(handling_level="department", handling_department_id__in=departments) & (
        Q(assignee__isnull=True) | Q(assignee=user)
    )
    co = Q(
        pk__in=CaseParticipant.objects.filter(
            role=CaseParticipant.Role.CO, is_active=True, department_id__in=departments
        ).values("case_id")
    )
    open_statuses = [Status.DISPATCHED, Status.HANDLING, Status.PROJECT, Status.HANDLED]
    cases = list(base.filter(handling & Q(status__in=open_statuses))[:300])
    co_cases = list(
        base.filter(co, status__in=[Status.HANDLING, Status.PROJECT]).exclude(pk__in=[c.pk for c in cases])[:300]
    )
    return [
        ("sign", _("待签收"), [c for c in cases if c.status == Status.DISPATCHED]),
        ("handle", _("处置中"), [c for c in cases if c.status in (Status.HANDLING, Status.PROJECT)]),
        ("co", _("协同办理"), co_cases),
        ("handled", _("已反馈待核查"), [c for c in cases if c.status == Status.HANDLED]),
    ]


def _assignments(user):
    from civicgrid.accounts.scopes import active_assignments

    return active_assignments(user)


def _next_url(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: redirect() would take a bare word ("0", "nan") for a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _case_context(request, case, bound=None):
    user = request.user
    now = timezone.now()
    calendar = default_calendar()
    allowed = [a for a in allowed_actions(user, case) if a in ACTION_FORMS]
    forms = []
    for action in allowed:
        form_class = ACTION_FORMS[action]
        if bound is not None and bound.action == action:
            forms.append(bound)
        else:
            forms.append(form_class(case=case, user=user))
    for form in forms:
        form.hints = case_hints.for_action(user, case, form.action)  # plug-ins' hints beside the form
    remaining = overdue = None
    if case.step_due_at:
        if now <= case.step_due_at:
            remaining = round(calendar.working_seconds_between(now, case.step_due_at) / 3600, 1)
        else:
            overdue = round(calendar.working_seconds_between(case.step_due_at, now) / 3600, 1)
    participants = case.participants.filter(is_active=True).select_related("user", "department", "region")
    reporter = case.reporter
    return {
        "case": case,
        "deadline_colour": case.deadline_light(now),
        "stage_colour": case.stage_light,
        "remaining_hours": remaining,
        "overdue_hours": overdue,
        "events": _events_with_attachments(case),
        "participants": participants,
        "reporter_name": case.caller_name or (reporter.display_name if reporter else ""),
        "reporter_phone": export.mask_phone(case.caller_phone or (reporter.phone if reporter else "")),
        "forms": forms,
        "pending_extension": case.extension_requests.filter(status="pending").select_related("requested_by").first()
        if case.extension_pending
        else None,
        "pending_void": case.void_requests.filter(status="pending").select_related("requested_by").first()
        if case.void_pending
        else None,
        "duplicates": Case.objects.restrict(user, "view").filter(merged_into=case).only("number", "title"),
        "grid_boundary": case.grid.boundary if case.grid_id else None,
        "focus": request.GET.get("do", ""),
        "next": request.GET.get("next", ""),
        "participant_roles": CaseParticipant.Role,
        "home_crumb": home_crumb(user),
        "upload_config": upload_views.page_config() if any(form.multipart for form in forms) else None,
    }


def home_crumb(user):
    """The list a case page leads back to: one the user may open (their task list for those who
    handle cases dispatched to them, the queue for dispatchers), or none."""
    roles = roles_of(user)
    if roles & TASK_ROLES and not roles & DISPATCH_ROLES:
        return reverse("cases:tasks"), _("我的任务")
    if user.is_superuser or roles & QUEUE_ROLES:
        return reverse("cases:staff_queue"), _("案件受理派遣")
    return None


def _events_with_attachments(case):
    """The full timeline, each event with the attachments filed with it (one extra query)."""
    from civicgrid.cases.models import Attachment

    events = list(selectors.timeline(case))
    by_event = {}
    for item in Attachment.objects.filter(case=case, event__isnull=False).order_by("pk"):
        by_event.setdefault(item.event_id, []).append(item)
    for event in events:
        event.files = by_event.get(event.pk, [])
    return events


def _staff_case(user, key):
    """The case for the staff page: only for those who read it in full (cases.access). Its reporter
    and its followers are sent to their own page instead (raises _ToResidentPage)."""
    case, level = selectors.readable_case(user, key)
    if level < access.Reading.FULL:
        raise _ToResidentPage(case.number)
    return case


class _ToResidentPage(Exception):
    def __init__(self, number):
        super().__init__(number)
        self.number = number


@login_required
@require_GET
def detail(request, key):
    try:
        case = _staff_case(request.user, key)
    except _ToResidentPage as moved:
        return redirect("cases:my_report", number=moved.number)
    context = _case_context(request, case)
    context["project"] = _project(case)
    return render(request, "cases/staff/detail.html", context)


def _project(case):
    from civicgrid.cases.models import CaseProject

    return CaseProject.objects.filter(case=case).prefetch_related("milestones").first()


@login_required
@require_POST
def act(request, key, action):
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    try:
        case = _staff_case(request.user, key)
    except _ToResidentPage:
        raise Http404 from None
    form = form_class(request.POST, request.FILES, case=case, user=request.user)
    default = reverse("cases:staff_detail", args=[case.number])
    if not form.is_valid():
        if form.multipart:  # the photos already sent stay with the form shown again
            form.pending_files = upload_views.keep_posted(request, form, {"photos": "photo"})
        context = _case_context(request, case, bound=form)
        context["project"] = _project(case)
        context["focus"] = action
        messages.error(request, _("请检查“%(action)s”表单中的内容。") % {"action": form.label})
        return render(request, "cases/staff/detail.html", context, status=400)
    try:
        updated = form.perform()
    except CaseNotFound:
        raise
    except CaseChanged as error:
        messages.error(request, error.message)
        return redirect(default)
    except CaseError as error:
        messages.error(request, error.message)
        return redirect(default)
    messages.success(request, _("已%(action)s：%(number)s") % {"action": form.label, "number": updated.number})
    return redirect(_next_url(request, reverse("cases:staff_detail", args=[updated.number])))


@login_required
@require_GET
def case_version(request, key):
    """The case's current version, polled by the case page to say "case changed, reload"."""
    case = selectors.visible_case(request.user, key)
    return JsonResponse({"version": case.version, "status": case.status})


def _intake(request, source, template_title):
    _require_roles(request.user, INTAKE_ROLES[source])
    form = IntakeForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        try:
            result = form.perform(request.user)
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已登记案件 %(number)s。") % {"number": result.case.number})
            for duplicate in result.duplicates:
                messages.warning(
                    request,
                    _("附近有同类未办结案件 %(number)s，可考虑作为重复件合并。") % {"number": duplicate.number},
                )
            return redirect("cases:staff_detail", result.case.number)
    return render(
        request,
        "cases/staff/intake.html",
        {"form": form, "title": template_title, "source": source, "is_hotline": source == Source.HOTLINE},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def hotline(request):
    return _intake(request, Source.HOTLINE, _("12345 热线登记"))


@login_required
def staff_entry(request):
    return _intake(request, Source.STAFF_ENTRY, _("代居民登记"))
