"""The big screen (指挥大屏) and its JSON endpoints. Views are thin: scope and period are resolved
here, the figures come from figures.py (rollups), warnings.py and needs.py.

Every endpoint answers for ?region=<code> (a node in the viewer's scope; 404 outside it) and
?from=/&to= (ISO dates; a bad date is a 400 with a translated message). The endpoints' figures read
the PostgreSQL read replica when one is configured and fresh (civicgrid.core.replica.reading)."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core import panels, replica
from civicgrid.core.scoping import subtree_q
from civicgrid.dashboard import figures, needs, people, warnings
from civicgrid.dashboard.models import FiringStatus, RuleKind, Task, WarningFiring


def _bad_request(errors):
    return JsonResponse(
        {
            "errors": {
                name: _("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": value} for name, value in errors.items()
            }
        },
        status=400,
    )


def endpoint(view):
    """Login, scope (node) and period for a JSON endpoint; 403 for users without the screen."""

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request):
        if not figures.can_view(request.user):
            return JsonResponse({"error": _("您没有查看指挥大屏的权限。")}, status=403)
        node = figures.resolve(request.user, (request.GET.get("region") or "").strip())
        period, errors = figures.parse_period(request.GET)
        if errors:
            return _bad_request(errors)
        # The figures may be a few seconds old: they may come from the read replica (core.replica).
        with replica.reading():
            data = view(request, node, period)
        data.setdefault("region", node.code)
        data.setdefault("from", period.start.isoformat())
        data.setdefault("to", period.end.isoformat())
        data.setdefault("generated_at", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"))
        return JsonResponse(data)

    return wrapper


@login_required
@require_GET
def screen(request):
    if not figures.can_view(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    node = figures.resolve(request.user, (request.GET.get("region") or "").strip())
    config = {
        "region": node.code,
        "refresh": settings.DASHBOARD_REFRESH_SECONDS * 1000,
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "endpoints": {
            name: reverse(f"dashboard:{name}")
            for name in (
                "summary",
                "trend",
                "categories",
                "rankings",
                "areas",
                "map",
                "markers",
                "population",
                "warnings",
                "needs",
            )
        },
        "acknowledgeUrl": reverse("dashboard:acknowledge", args=[0]),
        "taskDoneUrl": reverse("dashboard:task_done", args=[0]),
        "caseUrl": reverse("cases:staff_detail", args=["0"]),
        "text": {
            "received": _("上报数"),
            "closed": _("结案数"),
            "closedOnDay": _("当日结案"),
            "closureRate": _("结案率"),
            "open": _("在办"),
            "warnings": _("预警"),
            "loadError": _("数据加载失败，将自动重试。"),
            "acknowledge": _("确认"),
            "acknowledged": _("已确认"),
            "done": _("完成"),
            "noData": _("暂无数据"),
            "persons": _("人口"),
            "households": _("户数"),
            "houses": _("房屋"),
            "posts": _("上报"),
            "meToo": _("我也遇到"),
            "comments": _("留言"),
            "rising": _("上升"),
            "falling": _("下降"),
            "updated": _("更新于"),
            "computing": _("正在计算，稍后自动显示"),
            "drill": _("点击下钻"),
        },
    }
    return render(
        request,
        "dashboard/screen.html",
        {
            "node": node,
            "config": config,
            "crumbs": figures.breadcrumbs(request.user, node),
            # Strips other apps add under the screen (core.panels, place "screen"): party building…
            "panels": panels.panels_for("screen", request, node),
        },
    )


@endpoint
def summary(request, node, period):
    return {
        "node": {"code": node.code, "name": node.name, "level": node.level},
        "breadcrumbs": figures.breadcrumbs(request.user, node),
        **figures.summary(node, period),
    }


@endpoint
def trend(request, node, period):
    return figures.trend(node, period)


@endpoint
def categories(request, node, period):
    return {"rows": figures.categories(node, period)}


@endpoint
def rankings(request, node, period):
    try:
        limit = min(max(int(request.GET.get("limit", figures.RANKING_SIZE)), 1), 1000)
    except ValueError:
        limit = figures.RANKING_SIZE
    return figures.rankings(node, period, limit)


def _firing_counts(request, node):
    rows = warnings.visible_firings(scope_codes(request.user, figures.PERMISSION)).filter(
        subtree_q("region_code", [node.code]), status=FiringStatus.OPEN
    )
    counts = {}
    for code in rows.values_list("region_code", flat=True)[:5000]:
        counts[code] = counts.get(code, 0) + 1
    return counts


@endpoint
def areas(request, node, period):
    return {"areas": figures.areas(node)}


@endpoint
def map_data(request, node, period):
    return {"areas": figures.map_figures(node, _firing_counts(request, node))}


@endpoint
def markers(request, node, period):
    return {"markers": figures.markers(node)}


@endpoint
def population(request, node, period):
    return {"enabled": True, **people.population_summary(request.user, node)}


@endpoint
def warnings_data(request, node, period):
    firings = (
        warnings.visible_firings(scope_codes(request.user, figures.PERMISSION))
        .filter(subtree_q("region_code", [node.code]))
        .exclude(status=FiringStatus.CLEARED)
        .select_related("acknowledged_by")
    )
    counts = dict.fromkeys(FiringStatus.values, 0)
    by_kind = dict.fromkeys(RuleKind.values, 0)
    for status, kind in firings.values_list("status", "rule__kind")[:10000]:
        counts[status] += 1
        by_kind[kind] += 1
    rows = []
    for f in firings.order_by("status", "-fired_at", "-id")[:50]:
        rows.append(
            {
                "id": f.pk,
                "rule": warnings.shared_rule_name(f.rule),
                "kind": warnings.shared_kind_label(f.rule.kind),
                "message": f.message,
                "status": f.status,
                "status_label": f.get_status_display(),
                "fired_at": timezone.localtime(f.fired_at).strftime("%m-%d %H:%M"),
                "action_result": f.action_result,
                "case_url": reverse("cases:staff_detail", args=[str(f.case_id)]) if f.case_id else "",
                "acknowledged_by": f.acknowledged_by.display_name if f.acknowledged_by_id else "",
                "lat": f.lat,
                "lon": f.lon,
            }
        )
    codes = scope_codes(request.user, figures.PERMISSION)
    tasks = Task.objects.filter(done_at__isnull=True).filter(subtree_q("region_code", [node.code]))
    if codes is not None:
        tasks = tasks.filter(subtree_q("region_code", codes))
    return {
        "counts": counts,
        "by_kind": [{"name": warnings.shared_kind_label(k), "count": n} for k, n in by_kind.items()],
        "rows": rows,
        "tasks": [{"id": t.pk, "title": t.title, "role": t.role} for t in tasks.order_by("-created_at")[:20]],
    }


@endpoint
def needs_data(request, node, period):
    stored = needs.for_screen(node)
    if stored is None:
        return {"pending": True}  # the worker is computing it: the screen shows it at its next refresh
    labels = {"spring": _("春"), "summer": _("夏"), "autumn": _("秋"), "winter": _("冬")}
    seasons = dict(stored.data.get("seasons") or {})
    seasons["seasons"] = [labels.get(key, key) for key in seasons.get("seasons", [])]
    return {
        **stored.data,
        "seasons": seasons,
        "computed_at": timezone.localtime(stored.computed_at).strftime("%Y-%m-%d %H:%M"),
    }


@login_required
@require_POST
def acknowledge(request, pk):
    try:
        firing = warnings.acknowledge(request.user, pk, request.POST.get("note", ""))
    except WarningFiring.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=400)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=409)
    return JsonResponse({"id": firing.pk, "status": firing.status, "status_label": firing.get_status_display()})


@login_required
@require_POST
def task_done(request, pk):
    try:
        task = warnings.complete_task(request.user, pk)
    except Task.DoesNotExist:
        raise Http404 from None
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=409)
    return JsonResponse({"id": task.pk, "done": True})
