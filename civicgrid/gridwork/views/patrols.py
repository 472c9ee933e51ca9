"""巡格 pages: the grid worker's phone page (start/end, live track, check-ins, 随手拍) with its JSON
endpoints for the offline queue, a patrol's track on the map, and the supervisor's live map."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.gridwork import actions, conf, selectors
from civicgrid.gridwork.actions.common import worker_grids
from civicgrid.gridwork.models import Patrol
from civicgrid.gridwork.views.common import error_json, holds, json_body, map_settings
from civicgrid.regions.models import Region


def _boundary(grid_id):
    return Region.objects.filter(pk=grid_id).values_list("boundary", flat=True).first()


@login_required
def patrol(request):
    holds(request, "gridwork.add_patrol")
    current = selectors.active_patrol(request.user)
    grids = list(worker_grids(request.user))
    grid = current.grid if current else (grids[0] if grids else None)
    config = {
        **map_settings(),
        "patrol": current.pk if current else None,
        "lastSeq": (current.points if current else 0),
        "outline": _boundary(grid.pk) if grid else None,
        "track": selectors.track(current) if current else [],
        "places": [
            {"id": p.pk, "name": p.name, "lat": p.lat, "lng": p.lng, "radius": p.radius_m}
            for p in (selectors.key_places(grid) if grid else [])
        ],
        "urls": {
            "start": reverse("gridwork:patrol_start"),
            "points": reverse("gridwork:patrol_points", args=[0]),
            "end": reverse("gridwork:patrol_end", args=[0]),
            "checkin": reverse("gridwork:patrol_checkin", args=[0]),
            "finding": reverse("gridwork:finding", args=[0]),
        },
        "batch": 50,
        "every": conf.get("GRIDWORK_POSITION_SECONDS") * 1000,
        "strings": {
            "queued": _("离线暂存 %(n)s 个位置"),
            "synced": _("轨迹已同步"),
            "offline": _("网络已断开，位置先保存在手机上"),
            "noGeo": _("无法获取位置，请允许定位。"),
            "checkedIn": _("已打卡"),
        },
    }
    return render(
        request,
        "gridwork/patrol.html",
        {
            "current": current,
            "grids": grids,
            "grid": grid,
            "days": selectors.daily_time(request.user),
            "config": config,
            "norm_minutes": conf.get("GRIDWORK_DAILY_PATROL_SECONDS") // 60,
            "recent": Patrol.objects.filter(user=request.user).exclude(pk=getattr(current, "pk", None))[:5],
        },
    )


@login_required
@require_POST
def patrol_start(request):
    holds(request, "gridwork.add_patrol")
    try:
        data = json_body(request)
        grid = data.get("grid")
        patrol = actions.start_patrol(
            request.user, grid_id=grid if isinstance(grid, int) else None, key=data.get("key", "")
        )
    except ValidationError as error:
        return error_json(error)
    return JsonResponse({"ok": True, "id": patrol.pk, "points": patrol.points})


@login_required
@require_POST
def patrol_points(request, pk):
    try:
        data = json_body(request)
        result = actions.add_points(request.user, pk, data.get("points"))
    except Patrol.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        return error_json(error, status=413 if "最多" in " ".join(error.messages) else 400)
    return JsonResponse(
        {"ok": True, "accepted": result.accepted, "duplicates": result.duplicates, "rejected": result.rejected}
    )


@login_required
@require_POST
def patrol_end(request, pk):
    try:
        patrol = actions.end_patrol(request.user, pk)
    except Patrol.DoesNotExist:
        raise Http404 from None
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "ok": True,
                "minutes": patrol.seconds // 60,
                "coverage": patrol.coverage,
                "url": reverse("gridwork:patrol_detail", args=[patrol.pk]),
            }
        )
    return redirect("gridwork:patrol_detail", patrol.pk)


@login_required
@require_POST
def patrol_checkin(request, pk):
    try:
        data = json_body(request)
        place = data.get("place")
        row = actions.check_in(
            request.user, pk, place if isinstance(place, int) else 0, data.get("lat"), data.get("lng")
        )
    except Patrol.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        return error_json(error)
    return JsonResponse({"ok": True, "place": row.place_id, "at": row.at.isoformat()})


@login_required
def finding(request, pk):
    try:
        patrol = actions.patrols.own_patrol(request.user, pk, lock=False)
    except Patrol.DoesNotExist:
        raise Http404 from None
    from civicgrid.cases.models import Category

    categories = Category.objects.selectable().order_by("code")[:400]
    error = None
    if request.method == "POST":
        category = Category.objects.filter(pk=request.POST.get("category") or 0, is_active=True).first()
        try:
            lat = float(request.POST["lat"]) if request.POST.get("lat") else None
            lng = float(request.POST["lng"]) if request.POST.get("lng") else None
            if category is None:
                raise ValidationError(_("请选择问题类别。"))
            actions.report_finding(
                request.user,
                patrol.pk,
                category=category,
                description=request.POST.get("description", ""),
                lat=lat,
                lng=lng,
                photos=request.FILES.getlist("photos"),
                key=request.POST.get("key", ""),
            )
        except (ValueError, ValidationError) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("经纬度超出范围。")
        else:
            messages.success(request, _("已上报，案件已关联本次巡格。"))
            return redirect("gridwork:patrol")
    return render(
        request,
        "gridwork/finding.html",
        {"patrol": patrol, "categories": categories, "error": error},
        status=400 if error else 200,
    )


@login_required
def patrol_detail(request, pk):
    try:
        patrol = selectors.visible_patrol(request.user, pk)
    except Patrol.DoesNotExist:
        raise Http404 from None
    config = {
        **map_settings(),
        "outline": _boundary(patrol.grid_id),
        "track": selectors.track(patrol),
        "places": [
            {"id": p.pk, "name": p.name, "lat": p.lat, "lng": p.lng, "radius": p.radius_m}
            for p in selectors.key_places(patrol.grid)
        ],
    }
    findings = patrol.findings.select_related("case")
    return render(
        request,
        "gridwork/patrol_detail.html",
        {
            "patrol": patrol,
            "config": config,
            "findings": findings,
            "checkins": patrol.checkin_rows.select_related("place"),
        },
    )


@login_required
def supervise(request):
    holds(request, "gridwork.view_patrol")
    config = {
        **map_settings(),
        "data": reverse("gridwork:supervise_data"),
        "every": 15000,
        "strings": {"live": _("巡格中"), "ended": _("已结束"), "minutes": _("分钟"), "coverage": _("覆盖")},
    }
    return render(
        request,
        "gridwork/supervise.html",
        {
            "config": config,
            "patrols": selectors.todays_patrols(request.user),
            "totals": selectors.patrol_totals(request.user)[:50],
            "norm_minutes": conf.get("GRIDWORK_DAILY_PATROL_SECONDS") // 60,
        },
    )


@login_required
def supervise_data(request):
    holds(request, "gridwork.view_patrol")
    return JsonResponse(selectors.live_data(request.user, _boundary))
