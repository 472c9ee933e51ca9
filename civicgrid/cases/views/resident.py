"""Resident phone pages (我要上报, 我的上报), the grid worker's 随手拍, and the attachment view.

Views parse input and call actions (cases.uploads.report_with_attachments → actions.report_case,
actions.evaluate_case / reopen_case / follow_case). 我的上报 opens the user's own reports and, in
their public version only, the cases they follow (cases.access); attachments are served by their
own visibility against how much of the case the user reads. Anything else answers 404.

Nearby duplicates are shown after the report is filed (report_case returns them): the reporter's
case exists either way, and the "follow the existing case" prompt on the confirmation page lets
them hear of the older case's progress too.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import active_assignments, has_role
from civicgrid.cases import access, actions, pending, uploads
from civicgrid.cases.errors import CaseError, CaseNotFound, RateLimited
from civicgrid.cases.forms.resident import EvaluateForm, QuickReportForm, ReopenForm, ReportForm
from civicgrid.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Evaluation,
    EventType,
    Source,
    Status,
)
from civicgrid.cases.selectors import timeline
from civicgrid.cases.views import uploads as upload_views
from civicgrid.regions.models import Region

PAGE_SIZE = 20
GRID_REPORTERS = (Role.GRID_WORKER, Role.MICROGRID_MEMBER)


def _home_region(user):
    """The deepest region the user holds a role on (where the map opens), or None."""
    regions = [a.region for a in active_assignments(user) if a.region_id]
    return max(regions, key=lambda r: len(r.code), default=None)


def _usage_area(user):
    """Where the category picker counts use: the user's community (12-digit code), else everywhere."""
    region = _home_region(user)
    return region.code[:12] if region is not None and len(region.code) >= 12 else ""


def _map_context(user):
    region = _home_region(user)
    outline = None
    centre = None
    if region is not None:
        community = region if len(region.code) <= 12 else Region.objects.filter(code=region.code[:12]).first()
        if community is not None and community.boundary:
            outline = community.boundary
            centre = [community.centroid_lat, community.centroid_lon]
        elif region.centroid_lat is not None:
            centre = [region.centroid_lat, region.centroid_lon]
    return {
        "outline": outline,
        "center": centre,
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        # Grids and buildings with their names, from our base data (people.views.layers).
        "layersUrl": reverse("people:map_layers"),
        "strings": {
            "inArea": _("所选位置：%(grid)s，%(community)s"),
            "outside": _("所选位置不在本社区的网格内，请确认位置。"),
            "locating": _("正在定位…"),
            "located": _("已定位到您当前的位置。"),
            "pinned": _("已标注位置，可拖动图钉调整。"),
            "noGps": _("无法获取位置，请在地图上点选问题位置。"),
            "recording": _("正在录音…再次点击停止"),
            "recorded": _("已录制语音 %(seconds)s 秒"),
            "noMic": _("无法使用麦克风，请检查浏览器权限。"),
        },
    }


def _files(request):
    return {
        "photos": request.FILES.getlist("photos"),
        "videos": request.FILES.getlist("video"),
        "audios": request.FILES.getlist("audio"),
    }


@login_required
def report(request):
    """我要上报."""
    form = ReportForm(request.POST or None, request.FILES or None, usage_area=lambda: _usage_area(request.user))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = uploads.report_with_attachments(
                request.user,
                **_files(request),
                category=data["category"],
                description=data["description"],
                lon=data["lon"],
                lat=data["lat"],
                address=data["address"],
                is_public=not data["private"],
                source=Source.RESIDENT,
                submission_key=data["submission_key"],
                tokens=upload_views.posted_tokens(request),
            )
        except RateLimited as error:
            form.add_error(None, error.message)
            status = 429
        except CaseError as error:
            form.add_error(None, error.message)
            status = 400
        else:
            if result.replayed:
                messages.info(
                    request,
                    _("这份上报已经提交过，案件编号 %(number)s，没有重复登记。") % {"number": result.case.number},
                )
            else:
                messages.success(request, _("上报成功，案件编号 %(number)s。") % {"number": result.case.number})
            return redirect(f"{reverse('cases:my_report', args=[result.case.number])}?submitted=1")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "cases/resident/report.html",
        {
            "form": form,
            "map_config": _map_context(request.user),
            "limits": _limits(),
            "pending_files": _kept_files(request, form, REPORT_FILE_FIELDS),
            "upload_config": upload_views.page_config(),
        },
        status=status,
    )


REPORT_FILE_FIELDS = {"photos": "photo", "video": "video", "audio": "audio"}


def _kept_files(request, form, fields):
    """The files the page shows again after an error (sent before by token, or with this post)."""
    if request.method != "POST":
        return []
    return upload_views.keep_posted(request, form, fields)


def _limits():
    return {
        "photos": settings.CASES_MAX_PHOTOS,
        "photo_mb": settings.CASES_PHOTO_MAX_MB,
        "video_mb": settings.CASES_VIDEO_MAX_MB,
        "audio_mb": settings.CASES_AUDIO_MAX_MB,
    }


@login_required
def quick_report(request):
    """随手拍 for grid workers: photo, category, position from the phone (or the worker's grid)."""
    if not has_role(request.user, *GRID_REPORTERS):
        raise Http404()
    tokens = upload_views.posted_tokens(request) if request.method == "POST" else []
    form = QuickReportForm(
        request.POST or None,
        request.FILES or None,
        usage_area=lambda: _usage_area(request.user),
        uploaded_photos=sum(1 for row in pending.owned(request.user, tokens) if row.kind == "photo"),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = None
        if data["lon"] is None or data["lat"] is None:
            region = _home_region(request.user)
        try:
            result = uploads.report_with_attachments(
                request.user,
                photos=[data["photo"]] if data["photo"] else [],
                tokens=tokens,
                category=data["category"],
                description=data["description"]
                or _("网格员随手拍：%(category)s") % {"category": data["category"].name},
                lon=data["lon"],
                lat=data["lat"],
                region=region,
                source=Source.GRID_PHOTO,
            )
        except CaseError as error:
            form.add_error(None, error.message)
            status = 400
        else:
            messages.success(request, _("已上报，案件编号 %(number)s。") % {"number": result.case.number})
            return redirect("cases:quick_report")
    elif request.method == "POST":
        status = 400
    recent = (
        Case.objects.filter(reporter=request.user, source=Source.GRID_PHOTO)
        .select_related("category")
        .order_by("-reported_at")[:5]
    )
    strings = {
        "located": _("已自动获取位置。"),
        "noGpsGrid": _("未能获取位置，将按您负责的网格登记。"),
    }
    return render(
        request,
        "cases/resident/quick_report.html",
        {
            "form": form,
            "recent": recent,
            "quick_config": {"strings": strings},
            "pending_files": _kept_files(request, form, {"photo": "photo"}),
            "upload_config": upload_views.page_config(),
        },
        status=status,
    )


def _my_case(user, number):
    """A case 我的上报 may open, with how much of it the user reads: their own report (as its
    reporter), or a case they follow — its public version only (cases.access), whatever action made
    them a follower (关注, or a merge of their own report into it)."""
    case = Case.objects.filter(number=number).select_related("category", "community", "grid").first()
    if case is None:
        raise CaseNotFound()
    if case.reporter_id == user.pk:
        return case, access.Reading.REPORTER
    if access.is_follower(user, case):
        return access.public_version(case), access.Reading.FOLLOWER
    raise CaseNotFound()


@login_required
@require_GET
def my_reports(request):
    cases = (
        Case.objects.filter(reporter=request.user)
        .with_lights()
        .select_related("category", "community")
        .order_by("-reported_at", "-pk")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/resident/my_reports.html", {"page": page, "cases": page.object_list})


def _duplicates(user, case):
    """The nearby open cases report_case found, that the reporter can follow (public ones)."""
    event = CaseEvent.objects.filter(case=case, type=EventType.REPORTED).order_by("seq").first()
    numbers = (event.details or {}).get("possible_duplicates", []) if event else []
    if not numbers:
        return []
    followed = set(
        Case.objects.filter(
            participants__user=user, participants__is_active=True, participants__role="follower"
        ).values_list("number", flat=True)
    )
    found = Case.objects.on_board().filter(number__in=numbers).exclude(pk=case.pk).select_related("category")
    rows = [c for c in found if c.is_open]
    for c in rows:
        c.already_followed = c.number in followed or c.reporter_id == user.pk
    return sorted(rows, key=lambda c: numbers.index(c.number))


@login_required
@require_GET
def my_report(request, number):
    user = request.user
    case, level = _my_case(user, number)
    is_reporter = level == access.Reading.REPORTER
    events = list(timeline(case, public=True))
    attachments = access.visible_attachments(level, case.attachments.all(), user, case)
    by_event = {}
    for attachment in attachments:
        by_event.setdefault(attachment.event_id, []).append(attachment)
    for event in events:
        event.files = by_event.get(event.pk, [])
        event.shown_note = access.shown_note(level, event, staff=False)
    # The rating is the reporter's own: a follower does not see another resident's comment.
    evaluation = Evaluation.objects.filter(case=case, round=case.reopen_count).first() if is_reporter else None
    can_evaluate = is_reporter and case.status == Status.CLOSED and evaluation is None
    can_reopen = (
        is_reporter
        and case.status == Status.CLOSED
        and evaluation is not None
        and not evaluation.satisfied
        and case.closed_at is not None
    )
    if can_reopen:
        from datetime import timedelta

        from django.utils import timezone

        can_reopen = timezone.now() <= case.closed_at + timedelta(days=settings.CASES_REOPEN_WINDOW_DAYS)
    return render(
        request,
        "cases/resident/my_report.html",
        {
            "case": case,
            "events": events,
            "photos": [a for a in attachments if a.kind == "photo"],
            "media": [a for a in attachments if a.kind != "photo"],
            "deadline_light": case.deadline_light(),
            "evaluation": evaluation,
            "is_reporter": is_reporter,
            "is_follower": level == access.Reading.FOLLOWER,
            "evaluate_form": EvaluateForm() if can_evaluate else None,
            "reopen_form": ReopenForm() if can_reopen else None,
            "duplicates": _duplicates(user, case) if request.GET.get("submitted") and is_reporter else [],
            "reopen_days": settings.CASES_REOPEN_WINDOW_DAYS,
        },
    )


@login_required
@require_POST
def evaluate(request, number):
    case, _level = _my_case(request.user, number)
    form = EvaluateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择 1 至 5 分的评分。"))
        return redirect("cases:my_report", number=case.number)
    data = form.cleaned_data
    try:
        actions.evaluate_case(
            case,
            request.user,
            version=request.POST.get("version"),
            score=data["score"],
            comment=data["comment"],
            reopen=data["reopen"],
            reason=data["comment"],
        )
    except CaseNotFound:
        raise
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已重新办理，感谢您的反馈。") if data["reopen"] else _("感谢您的评价。"))
    return redirect("cases:my_report", number=case.number)


@login_required
@require_POST
def reopen(request, number):
    case, _level = _my_case(request.user, number)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请说明需要重新办理的原因。"))
        return redirect("cases:my_report", number=case.number)
    try:
        actions.reopen_case(case, request.user, version=request.POST.get("version"), reason=form.cleaned_data["reason"])
    except CaseNotFound:
        raise
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已申请重新办理。"))
    return redirect("cases:my_report", number=case.number)


@login_required
@require_POST
def follow(request, number):
    """关注 an existing case (the duplicate prompt, the board)."""
    case = Case.objects.filter(number=number).only("pk", "number").first()
    if case is None:
        raise Http404()
    try:
        actions.follow_case(case, request.user)
    except CaseNotFound:
        raise
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已关注案件 %(number)s，办理进展会通知您。") % {"number": case.number})
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("cases:my_reports")


@login_required
@require_GET
def attachment(request, pk, variant="file"):
    item = Attachment.objects.select_related("case").filter(pk=pk).first()
    # Checked per attachment: its own visibility against how much of its case the user reads.
    if item is None:
        raise Http404()
    level = access.reading(request.user, item.case, board=True)
    if not access.attachment_visible(level, item, request.user, item.case):
        raise Http404()
    field = item.thumbnail if variant == "thumb" and item.thumbnail else item.file
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404() from None
    content_type = "image/jpeg" if variant == "thumb" and item.content_type == "image/jpeg" else item.content_type
    if variant == "thumb" and item.content_type == "image/png":
        content_type = "image/png"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
