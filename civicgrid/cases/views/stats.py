"""Statistics pages: indicators per child region, department or grid worker for a period, with a
trend chart (ECharts, served from static/vendor). The computations live in `cases.stats`; they read the PostgreSQL read replica when one is configured
and fresh (civicgrid.core.replica)."""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from civicgrid.cases import export, stats
from civicgrid.cases.forms.staff import day_start
from civicgrid.cases.views.staff import QUEUE_ROLES, _require_roles
from civicgrid.core import replica
from civicgrid.regions.models import Region

GROUPINGS = {"region": _("按区域"), "department": _("按部门"), "worker": _("按网格员")}
MAX_DAYS = 1100


def _parse_date(value, default):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


# The area picker lists the user's regions down to this level (district, streets, communities: a
# district of Erqi's size has ~190); grids are reached by following a community's row.
PICKER_MAX_LEVEL = 2


def _root(user, code):
    visible = Region.objects.restrict(user, "view").only("code", "name", "level", "parent_id")
    node = visible.filter(code=code).first() if code else None
    if node is None:
        node = visible.order_by("level", "code").first()
    return node


def _picker(user, node):
    """(code, indented name) of the regions the user may choose, the current node included."""
    visible = Region.objects.restrict(user, "view").only("code", "name", "level")
    choices = list(visible.filter(level__lte=PICKER_MAX_LEVEL).order_by("code"))
    if node is not None and node.code not in {r.code for r in choices}:
        choices.append(node)
        choices.sort(key=lambda r: r.code)
    top = min((r.level for r in choices), default=0)
    return [(r.code, "\u3000" * (r.level - top) + r.name) for r in choices]


def _trail(user, node):
    """The node's ancestors the user may see, top first: the way back up."""
    if node is None:
        return []
    visible = Region.objects.restrict(user, "view").only("code", "name", "level")
    codes = [node.code[:i] for i in range(1, len(node.code)) if node.code[:i] != node.code]
    return list(visible.filter(code__in=codes).order_by("level"))


@login_required
@require_GET
def overview(request):
    _require_roles(request.user, QUEUE_ROLES)
    # The indicators may be a few seconds old: they read the replica when one is configured and fresh.
    with replica.reading():
        return _overview(request)


def _overview(request):
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
        code = request.GET.get("region", "").strip()
        node = _root(user, code if code.isdigit() else "")  # region codes are digits: nothing else reaches SQL
        children = list(Region.objects.restrict(user, "view").filter(parent=node).order_by("code")) if node else []
        rows, total = stats.by_region(user, node, children, start, end) if node else ([], stats.Indicators())
    elif grouping == "department":
        rows, total = stats.by_department(user, start, end)
    else:
        rows, total = stats.by_worker(user, start, end)
    monthly = (end_day - start_day).days > 92
    series = stats.trend(user, start, end, monthly=monthly)
    if request.GET.get("format") == "xlsx":
        notes = [
            (_("导出人"), user.display_name),
            (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            (_("统计区域"), node.name if node else ""),
            (_("统计期间"), f"{start_day:%Y-%m-%d} — {end_day:%Y-%m-%d}"),
            (_("分组"), GROUPINGS[grouping]),
            (_("说明"), _("按上报时间统计的案件考核指标；计算公式见用户手册“统计分析”。")),
        ]
        content = export.statistics(
            rows=rows, total=total, series=series, grouping_label=GROUPINGS[grouping], notes=notes
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="statistics-{start_day:%Y%m%d}-{end_day:%Y%m%d}.xlsx"'
        return response
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
            "picker": _picker(user, node),
            "trail": _trail(user, node),
            "drill": grouping == "region",
            "start_day": start_day,
            "end_day": end_day,
            "chart": chart,
        },
    )
