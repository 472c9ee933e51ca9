"""Statistics pages: indicators per child region, department or grid worker for a period, with a
trend chart (ECharts, served from static/vendor). The computations live in `cases.stats`."""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from civicgrid.cases import stats
from civicgrid.cases.forms.staff import day_start
from civicgrid.cases.views.staff import QUEUE_ROLES, _require_roles
from civicgrid.regions.models import Region

GROUPINGS = {"region": _("按区域"), "department": _("按部门"), "worker": _("按网格员")}
MAX_DAYS = 1100


def _parse_date(value, default):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


def _root(user, code):
    visible = Region.objects.restrict(user, "view").only("code", "name", "level")
    node = visible.filter(code=code).first() if code else None
    if node is None:
        node = visible.order_by("level", "code").first()
    return node


@login_required
@require_GET
def overview(request):
    _require_roles(request.user, QUEUE_ROLES)
    user = request.user
    today = date.today()
    end_day = _parse_date(request.GET.get("to"), today)
    start_day = _parse_date(request.GET.get("from"), end_day - timedelta(days=29))
    if start_day > end_day:
        start_day, end_day = end_day, start_day
    start_day = max(start_day, end_day - timedelta(days=MAX_DAYS))
    start, end = day_start(start_day), day_start(end_day + timedelta(days=1))
    grouping = request.GET.get("by", "region")
    if grouping not in GROUPINGS:
        grouping = "region"
    node = None
    if grouping == "region":
        node = _root(user, request.GET.get("region", "").strip())
        children = list(Region.objects.restrict(user, "view").filter(parent=node).order_by("code")) if node else []
        rows, total = stats.by_region(user, node, children, start, end) if node else ([], stats.Indicators())
    elif grouping == "department":
        rows, total = stats.by_department(user, start, end)
    else:
        rows, total = stats.by_worker(user, start, end)
    monthly = (end_day - start_day).days > 92
    series = stats.trend(user, start, end, monthly=monthly)
    chart = {
        "labels": [g.label for g in series],
        "received": [g.received for g in series],
        "closed": [g.closed for g in series],
        "closure": [g.closure_rate for g in series],
        "names": {
            "received": str(_("上报数")),
            "closed": str(_("结案数")),
            "closure": str(_("结案率")),
        },
    }
    return render(
        request,
        "cases/stats/overview.html",
        {
            "rows": rows,
            "total": total,
            "grouping": grouping,
            "groupings": GROUPINGS,
            "node": node,
            "start_day": start_day,
            "end_day": end_day,
            "chart": chart,
        },
    )
