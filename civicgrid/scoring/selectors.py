"""Reads. Staff see the scores of their subtree (`scope_codes(user, "scoring.view_monthlyscore")`);
a grid worker sees their own entries and the public ranking of the street(s) they work in
(`public_codes`). Rankings read the precomputed monthly totals (MonthlyScore) through the
`scoring_rank` index: no page aggregates entries or events."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import active_assignments, scope_codes
from civicgrid.core.scoping import subtree_q
from civicgrid.regions.codes import code_length
from civicgrid.regions.models import Department, Level, Region
from civicgrid.scoring import metrics
from civicgrid.scoring.models import Kind, MedalRule, MonthlyScore, MonthlyTally, ScoreEntry, ScoreRule

VIEW = "scoring.view_monthlyscore"
VIEW_DEPARTMENTS = "scoring.view_department_ranking"
WORKER = "worker"
LEVELS = {
    WORKER: None,
    "grid": Level.GRID,
    "community": Level.COMMUNITY,
    "street": Level.STREET,
    "district": Level.DISTRICT,
}
MAX_MONTHS_BACK = 120


def this_month():
    today = timezone.localdate()
    return date(today.year, today.month, 1)


def parse_month(value):
    """'2026-12' → date(2026, 12, 1); None for anything else (or a month outside ten years)."""
    value = (value or "").strip()
    if len(value) != 7 or value[4] != "-" or not (value[:4].isdigit() and value[5:].isdigit()):
        return None
    year, month = int(value[:4]), int(value[5:])
    if not 1 <= month <= 12:
        return None
    first = date(year, month, 1)
    current = this_month()
    months = (current.year - year) * 12 + current.month - month
    return first if 0 <= months <= MAX_MONTHS_BACK else None


def recent_months(count=12):
    current = this_month()
    months = []
    year, month = current.year, current.month
    for _i in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _grid_worker_regions(user):
    return [a.region for a in active_assignments(user) if a.role == Role.GRID_WORKER and a.region_id]


def public_codes(user):
    """The streets a grid worker works in: their public ranking's scope."""
    length = code_length(Level.STREET)
    return sorted({region.code[:length] for region in _grid_worker_regions(user)})


def is_grid_worker(user):
    return bool(_grid_worker_regions(user))


def staff_codes(user):
    return scope_codes(user, VIEW)


def ranking_codes(user):
    """Region codes whose rankings the user may read (None: everywhere; []: none)."""
    codes = staff_codes(user)
    if codes is None or codes:
        return codes
    return public_codes(user)


def _within(queryset, codes, field="region_code"):
    if codes is None:
        return queryset
    return queryset.filter(subtree_q(field, codes))


def scope_regions(user, codes=None):
    """The regions a ranking may be narrowed to (streets and communities of the user's scope)."""
    codes = ranking_codes(user) if codes is None else codes
    regions = Region.objects.filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY], is_active=True)
    return _within(regions, codes, "code").order_by("code")[:300]


def narrowed_codes(user, region_code):
    """The user's ranking codes, narrowed to `region_code` when that lies inside them."""
    codes = ranking_codes(user)
    if not region_code or not region_code.isdigit():
        return codes
    if codes is None or any(region_code.startswith(c) for c in codes):
        return [region_code]
    return codes


def ranking(user, *, level=WORKER, month, region_code=""):
    """The month's ranking rows at `level` in the user's scope, best first (a queryset)."""
    codes = narrowed_codes(user, region_code)
    if codes == []:
        return MonthlyScore.objects.none()
    if level == WORKER:
        rows = MonthlyScore.objects.filter(kind=Kind.WORKER, month=month, level__isnull=True).select_related("user")
    else:
        rows = MonthlyScore.objects.filter(kind=Kind.REGION, month=month, level=LEVELS[level]).select_related("region")
    return _within(rows, codes).order_by("-points", "pk")


def attach_places(rows):
    """Name each worker row's grid (one query for the page)."""
    codes = {row.region_code for row in rows if row.kind == Kind.WORKER}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for row in rows:
        row.place = names.get(row.region_code, row.region_code) if row.kind == Kind.WORKER else ""
    return rows


def own_score(user, month):
    return MonthlyScore.objects.filter(kind=Kind.WORKER, user=user, month=month).first()


def street_rank(score):
    """1-based place of a worker's monthly score among the workers of its street."""
    if score is None:
        return None, 0
    street = score.region_code[: code_length(Level.STREET)]
    rows = _within(MonthlyScore.objects.filter(kind=Kind.WORKER, month=score.month, level__isnull=True), [street])
    return rows.filter(Q(points__gt=score.points) | Q(points=score.points, pk__lt=score.pk)).count() + 1, rows.count()


def breakdown(*, month, user=None, department=None):
    """The month's tallies per metric (label, count, quantity, points), in the rules' order."""
    if user is not None:
        tallies = MonthlyTally.objects.filter(kind=Kind.WORKER, user=user, month=month)
    else:
        tallies = MonthlyTally.objects.filter(kind=Kind.DEPARTMENT, department=department, month=month)
    rows = sorted(tallies, key=lambda t: metrics.BY_CODE[t.metric].order)
    for row in rows:
        row.spec = metrics.BY_CODE[row.metric]
    return rows


def entries(*, month, user=None, department=None, limit=300):
    """The month's score entries, newest first: each names its source."""
    rows = ScoreEntry.objects.filter(month=month)
    rows = rows.filter(kind=Kind.WORKER, user=user) if user is not None else rows.filter(department=department)
    return list(rows.order_by("-at", "-pk")[:limit])


def worker_score(user, worker_id, month):
    """A worker's monthly score in the staff user's subtree, or None (404)."""
    rows = MonthlyScore.objects.filter(kind=Kind.WORKER, user_id=worker_id, month=month).select_related("user")
    return _within(rows, staff_codes(user)).first()


def worker_in_scope(user, worker_id):
    """A worker scored (any month) in the staff user's subtree; None otherwise."""
    rows = MonthlyScore.objects.filter(kind=Kind.WORKER, user_id=worker_id).select_related("user")
    row = _within(rows, staff_codes(user)).order_by("-month").first() if staff_codes(user) != [] else None
    return row.user if row is not None else None


# --- Workload ------------------------------------------------------------------------------------

WORKLOAD_METRICS = ("patrol_time", "patrol_checkin", "visit", "house_check", "task_form", "case_found", "case_on_time")


def workload(user, *, month, region_code=""):
    """The workers of the user's subtree (a queryset of their monthly rows, by place) — the page's
    rows get their tallies with `attach_workload`."""
    codes = staff_codes(user)
    if codes == []:
        return MonthlyScore.objects.none()
    codes = narrowed_codes(user, region_code) if region_code else codes
    rows = MonthlyScore.objects.filter(kind=Kind.WORKER, month=month, level__isnull=True).select_related("user")
    return _within(rows, codes).order_by("region_code", "user_id")


def attach_workload(rows, month):
    tallies = MonthlyTally.objects.filter(kind=Kind.WORKER, month=month, user_id__in=[r.user_id for r in rows])
    by_user = {}
    for tally in tallies:
        by_user.setdefault(tally.user_id, {})[tally.metric] = tally
    for row in rows:
        mine = by_user.get(row.user_id, {})
        row.patrol_hours = round(mine["patrol_time"].quantity, 1) if "patrol_time" in mine else 0
        row.patrols = mine["patrol_time"].count if "patrol_time" in mine else 0
        row.checkins = int(mine["patrol_checkin"].quantity) if "patrol_checkin" in mine else 0
        row.visits = mine["visit"].count if "visit" in mine else 0
        row.house_checks = mine["house_check"].count if "house_check" in mine else 0
        row.task_forms = sum(mine[m].count for m in ("task_form", "task_form_late") if m in mine)
        row.cases_found = mine["case_found"].count if "case_found" in mine else 0
        row.cases_closed = sum(mine[m].count for m in ("case_on_time", "case_late") if m in mine)
    return attach_places(rows)


# --- 金牌网格员 -------------------------------------------------------------------------------------


def medal_rule():
    return MedalRule.objects.order_by("pk").first() or MedalRule()


def gold_medals(user, month, rule=None):
    """Per street of the user's scope: its 金牌网格员 under the medal rule ([(street, [rows])])."""
    rule = rule or medal_rule()
    codes = ranking_codes(user)
    if codes == []:
        return []
    streets = _within(Region.objects.filter(level=Level.STREET, is_active=True), codes, "code").order_by("code")
    result = []
    for street in streets[:100]:
        candidates = list(
            MonthlyScore.objects.filter(kind=Kind.WORKER, month=month, level__isnull=True, points__gte=rule.min_points)
            .filter(subtree_q("region_code", [street.code]))
            .select_related("user")
            .order_by("-points", "pk")[: max(rule.per_street, 1) * 5]
        )
        tallies = {}
        for tally in MonthlyTally.objects.filter(
            kind=Kind.WORKER,
            month=month,
            user_id__in=[c.user_id for c in candidates],
            metric__in=["patrol_time", "rating_bad"],
        ):
            tallies[(tally.user_id, tally.metric)] = tally
        chosen = []
        for row in candidates:
            patrol = tallies.get((row.user_id, "patrol_time"))
            row.patrol_hours = round(patrol.quantity, 1) if patrol else 0
            bad = tallies.get((row.user_id, "rating_bad"))
            if Decimal(str(row.patrol_hours)) < rule.min_patrol_hours or (rule.no_bad_rating and bad and bad.count):
                continue
            chosen.append(row)
            if len(chosen) >= rule.per_street:
                break
        result.append((street, attach_places(chosen)))
    return result


# --- Departments (下沉部门积分) -----------------------------------------------------------------------


def department_codes(user):
    return scope_codes(user, VIEW_DEPARTMENTS)


def department_ranking(user, *, months):
    """Departments by the points they earned in the user's region over `months` (one month or a
    year), best first: [(department, points, entries)]. Read from the entries (a department handles
    far fewer cases than grid workers log work), each placed where the case was."""
    codes = department_codes(user)
    if codes == []:
        return []
    rows = _within(ScoreEntry.objects.filter(kind=Kind.DEPARTMENT, month__in=months), codes)
    totals = (
        rows.values("department_id")
        .annotate(total=Sum("points"), count=Count("pk"))
        .order_by("-total", "department_id")
    )
    departments = Department.objects.in_bulk([t["department_id"] for t in totals])
    return [
        (departments[t["department_id"]], t["total"], t["count"]) for t in totals if t["department_id"] in departments
    ]


def department_breakdown(user, department_id, months):
    """(department, its points per metric over `months` in the user's region), or None when it
    earned nothing there (404)."""
    codes = department_codes(user)
    if codes == []:
        return None
    rows = _within(
        ScoreEntry.objects.filter(kind=Kind.DEPARTMENT, department_id=department_id, month__in=months), codes
    )
    totals = list(rows.values("metric").annotate(count=Count("pk"), points=Sum("points")))
    department = Department.objects.filter(pk=department_id).first()
    if department is None or not totals:
        return None
    totals.sort(key=lambda t: metrics.BY_CODE[t["metric"]].order)
    for row in totals:
        row["label"] = metrics.BY_CODE[row["metric"]].label
    return department, totals


# --- Rules -----------------------------------------------------------------------------------------


def rules():
    found = {rule.metric: rule for rule in ScoreRule.objects.all()}
    return [(spec, found.get(spec.code)) for spec in metrics.METRICS]


def may_edit_rules(user):
    return scope_codes(user, "scoring.change_scorerule") != []
