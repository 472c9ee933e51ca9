"""The big screen's figures, read from the rollups (never from a scan of the case table, except the
time-dependent overdue/red-light counts, which use the cases' deadline indexes).

Every rate is computed by civicgrid.cases.stats.Indicators from the same counters the statistics
pages count (see rollups.py for the definitions), so the screen, the statistics pages and the Excel
ledger agree for the same scope and period (tests/test_figures.py proves it).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from civicgrid.accounts.scopes import scope_codes
from civicgrid.cases.stats import Indicators
from civicgrid.core.scoping import collapse_codes, subtree_q
from civicgrid.dashboard.models import COUNTERS, DayRollup, OpenRollup, OwnerKind, OwnerRollup
from civicgrid.dashboard.rollups import ROLLUP_LEVELS
from civicgrid.regions.models import Region

PERMISSION = "dashboard.view_screen"
MAX_DAYS = 1100
TREND_DAYS = 30
RANKING_SIZE = 10
INDICATOR_FIELDS = (
    "received",
    "registered",
    "voided",
    "merged",
    "closed",
    "closed_on_time",
    "evaluations",
    "satisfied",
)


# --- Scope -----------------------------------------------------------------------------------


def roots(user):
    """The region nodes whose big screen `user` may open (their subtrees are the user's scope);
    computed once per user object (i.e. per request)."""
    cached = getattr(user, "_dashboard_roots", None)
    if cached is None:
        cached = user._dashboard_roots = _roots(user)
    return cached


def _roots(user):
    codes = scope_codes(user, PERMISSION)
    nodes = Region.objects.filter(is_active=True).defer("boundary")
    if codes is None:  # superuser
        return list(nodes.filter(parent__isnull=True).order_by("code"))
    return list(nodes.filter(code__in=collapse_codes(codes)).order_by("level", "code"))


def can_view(user):
    return bool(roots(user))


def resolve(user, code=None):
    """The node the screen shows: `code` if it lies in the user's scope (else 404), or the user's
    highest node. Nodes below the grid level (micro-grids) show their grid."""
    tops = roots(user)
    if not tops:
        raise Http404
    if not code:
        return tops[0]
    if not any(code.startswith(top.code) for top in tops):
        raise Http404
    node = Region.objects.filter(code=code, is_active=True).defer("boundary").first()
    if node is None or node.level not in ROLLUP_LEVELS:
        raise Http404
    return node


def breadcrumbs(user, node):
    tops = {top.code for top in roots(user)}
    chain = [*Region.objects.filter(code__in=node.ancestor_codes()).defer("boundary").order_by("level"), node]
    # Only from the user's own top node down: a street operator does not see the district above.
    start = next((i for i, n in enumerate(chain) if n.code in tops), len(chain) - 1)
    return [{"code": n.code, "name": n.name, "level": n.level} for n in chain[start:]]


def children(node):
    if node.level >= max(ROLLUP_LEVELS):
        return []
    return list(Region.objects.filter(parent=node, is_active=True).defer("boundary").order_by("code"))


# --- Period ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self):
        return (self.end - self.start).days + 1


def parse_period(params, today=None):
    """[from, to] from the query string (ISO dates), 30 days up to today by default. Returns
    (period, errors); a bad value is reported, not silently replaced."""
    today = today or timezone.localdate()
    errors = {}
    values = {}
    for name, default in (("to", today), ("from", None)):
        raw = (params.get(name) or "").strip()
        if not raw:
            values[name] = default
            continue
        try:
            values[name] = date.fromisoformat(raw)
        except ValueError:
            errors[name] = raw
    end = values.get("to") or today
    start = values.get("from") or end - timedelta(days=TREND_DAYS - 1)
    if start > end:
        start, end = end, start
    start = max(start, end - timedelta(days=MAX_DAYS))
    return Period(start, end), errors


# --- Figures ---------------------------------------------------------------------------------


def indicators(row, label="", key=None):
    result = Indicators(label=label, key=key)
    for name in INDICATOR_FIELDS:
        setattr(result, name, (row or {}).get(name) or 0)
    return result


def _sums(names=COUNTERS):
    return {name: Sum(name) for name in names}


def rates(ind):
    return {
        "closure_rate": ind.closure_rate,
        "on_time_closure_rate": ind.on_time_closure_rate,
        "satisfaction_rate": ind.satisfaction_rate,
    }


def figures(ind):
    return {
        "received": ind.received,
        "registered": ind.registered,
        "due_to_close": ind.due_to_close,
        "closed": ind.closed,
        "closed_on_time": ind.closed_on_time,
        "evaluations": ind.evaluations,
        "satisfied": ind.satisfied,
        **rates(ind),
    }


def period_total(node, period):
    row = DayRollup.objects.filter(region_code=node.code, day__gte=period.start, day__lte=period.end).aggregate(
        **_sums(INDICATOR_FIELDS)
    )
    return indicators(row, node.name, node.code)


def open_cases(node):
    from civicgrid.cases.models import OPEN_STATUSES, Case

    return Case.objects.filter(subtree_q("region_code", [node.code]), status__in=OPEN_STATUSES)


def summary(node, period, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    total = period_total(node, period)
    today_row = DayRollup.objects.filter(region_code=node.code, day=today).aggregate(
        received=Sum("received"), closed_on_day=Sum("closed_on_day")
    )
    opened = OpenRollup.objects.filter(region_code=node.code).aggregate(n=Sum("open"))["n"] or 0
    cases = open_cases(node)
    return {
        "counters": {
            "today_received": today_row["received"] or 0,
            "today_closed": today_row["closed_on_day"] or 0,
            "open": opened,
            "overdue": cases.filter(step_due_at__lte=now).count(),
            "red": cases.filter(step_red_at__lte=now).count(),
        },
        "period": figures(total),
    }


def trend(node, period):
    rows = {
        row["day"]: row
        for row in DayRollup.objects.filter(region_code=node.code, day__gte=period.start, day__lte=period.end)
        .values("day")
        .annotate(**_sums((*INDICATOR_FIELDS, "closed_on_day")))
        .order_by()
    }
    days = [period.start + timedelta(days=i) for i in range(period.days)]
    series = [indicators(rows.get(day), day.isoformat(), day) for day in days]
    return {
        "labels": [day.isoformat() for day in days],
        "received": [s.received for s in series],
        "closed": [s.closed for s in series],
        "closed_on_day": [(rows.get(day) or {}).get("closed_on_day") or 0 for day in days],
        "closure_rate": [s.closure_rate for s in series],
    }


def categories(node, period):
    from civicgrid.cases.models import Category

    rows = (
        DayRollup.objects.filter(region_code=node.code, day__gte=period.start, day__lte=period.end)
        .values("category_id")
        .annotate(**_sums(INDICATOR_FIELDS))
        .order_by()
    )
    opened = dict(
        OpenRollup.objects.filter(region_code=node.code).values_list("category_id").annotate(n=Sum("open")).order_by()
    )
    names = dict(Category.objects.filter(parent__isnull=True).values_list("pk", "name"))
    result = []
    for row in rows:
        ind = indicators(row)
        if ind.received:
            result.append({"id": row["category_id"], "name": names.get(row["category_id"], "?"), **figures(ind)})
    for row in result:
        row["open"] = opened.get(row["id"], 0)
    return sorted(result, key=lambda r: (-r["received"], r["name"]))


def region_rows(node, period, kids=None):
    kids = children(node) if kids is None else kids
    codes = [kid.code for kid in kids]
    per = {
        row["region_code"]: row
        for row in DayRollup.objects.filter(region_code__in=codes, day__gte=period.start, day__lte=period.end)
        .values("region_code")
        .annotate(**_sums(INDICATOR_FIELDS))
        .order_by()
    }
    opened = dict(
        OpenRollup.objects.filter(region_code__in=codes).values_list("region_code").annotate(n=Sum("open")).order_by()
    )
    rows = []
    for kid in kids:
        ind = indicators(per.get(kid.code), kid.name, kid.code)
        rows.append({"code": kid.code, "name": kid.name, "open": opened.get(kid.code, 0), **figures(ind)})
    return rows


def owner_rows(node, period, kind, limit=RANKING_SIZE):
    """Departments or grid workers of `node`'s cases reported in the period, best first (closure
    rate, then on-time rate, then volume); `limit` None for all."""
    from django.contrib.auth import get_user_model

    from civicgrid.regions.models import Department

    per = list(
        OwnerRollup.objects.filter(region_code=node.code, kind=kind, day__gte=period.start, day__lte=period.end)
        .values("owner_id")
        .annotate(**_sums(INDICATOR_FIELDS))
        .order_by()
    )
    rows = []
    for row in per:
        ind = indicators(row, key=row["owner_id"])
        if ind.received:
            rows.append({"id": row["owner_id"], **figures(ind)})

    def rank(r):
        return (-(r["closure_rate"] or 0), -(r["on_time_closure_rate"] or 0), -r["received"], r["id"])

    rows.sort(key=rank)
    count = len(rows)
    if limit is not None:
        rows = rows[:limit]
    ids = [r["id"] for r in rows]
    if kind == OwnerKind.DEPARTMENT:
        names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    else:
        names = {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=ids)}
    for r in rows:
        r["name"] = names.get(r["id"], str(r["id"]))
    return rows, count


def rankings(node, period, limit=RANKING_SIZE):
    departments, department_count = owner_rows(node, period, OwnerKind.DEPARTMENT, limit)
    workers, worker_count = owner_rows(node, period, OwnerKind.WORKER, limit)
    regions = region_rows(node, period)
    regions.sort(key=lambda r: (-(r["closure_rate"] or 0), -r["received"], r["code"]))
    return {
        "regions": regions,
        "departments": departments,
        "department_count": department_count,
        "workers": workers,
        "worker_count": worker_count,
    }


MARKER_LIMIT = 200


def areas(node):
    """The shapes the map draws for `node`: its children (or itself, for a grid). Static, so the
    page fetches them once per node (api/areas/), not at every refresh."""
    kids = children(node)
    shown = kids or [node]
    boundaries = dict(Region.objects.filter(pk__in=[a.pk for a in shown]).values_list("code", "boundary"))
    return [
        {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "boundary": boundaries.get(area.code),
            "drill": bool(kids) and area.level in ROLLUP_LEVELS,
        }
        for area in shown
    ]


def map_figures(node, firings_by_code=None):
    """Open cases and open warnings per area of the map (children of `node`, or `node` itself)."""
    kids = children(node)
    shown = kids or [node]
    opened = dict(
        OpenRollup.objects.filter(region_code__in=[a.code for a in shown])
        .values_list("region_code")
        .annotate(n=Sum("open"))
        .order_by()
    )
    firings_by_code = firings_by_code or {}
    return [
        {
            "code": area.code,
            "name": area.name,
            "open": opened.get(area.code, 0),
            "warnings": sum(n for code, n in firings_by_code.items() if code.startswith(area.code)),
        }
        for area in shown
    ]


def markers(node, now=None):
    """The newest open cases of `node` with a position, for the map's live markers."""
    from civicgrid.cases.models import STAGE_LIGHTS, Light, Status

    now = now or timezone.now()
    rows = (
        open_cases(node)
        .filter(lat__isnull=False, lon__isnull=False)
        .order_by("-reported_at")
        .values_list("pk", "number", "title", "lat", "lon", "status", "step_red_at", "step_warn_at", "step_due_at")[
            :MARKER_LIMIT
        ]
    )
    labels = dict(Status.choices)
    result = []
    for pk, number, title, lat, lon, status, red_at, warn_at, due_at in rows:
        if due_at is None:
            light = STAGE_LIGHTS.get(status, "")
        else:
            light = Light.RED if now >= red_at else Light.YELLOW if now >= warn_at else Light.GREEN
        result.append(
            {
                "id": pk,
                "number": number,
                "title": title,
                "lat": lat,
                "lon": lon,
                "status": str(labels.get(status, status)),
                "light": str(light),
            }
        )
    return result
