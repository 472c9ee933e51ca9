"""dashboard.<endpoint>_p95: the big screen's JSON endpoints on PostgreSQL with 2,000,000 cases,
against the same figures recounted by a plain GROUP BY over the case table in the same run.

Data (built fast, and reusable with BENCH_DASHBOARD_REUSE=1, which keeps the database
civicgrid_bench_dashboard between runs instead of dropping it):
- the demo `erqi` district (17 streets, 175 communities, 846 grids, 5,657 micro-grids), its
  departments and staff;
- 200,000 cases from `bench.bulk_cases.generate_cases` over one year (history "report");
- nine copies of them written by INSERT … SELECT in SQL, each with new ids and numbers and its
  dates shifted 73 days further back (copies of cases still open are made closed two days after
  their report: old cases are finished), with their evaluations: 2,000,000 cases over ≈ 2.8 years;
- `rebuild_rollups` from scratch, then `rebuild_rollups --check` (rollups = full recount).

Measured, through Django's test client (middleware, auth, scope, JSON): each endpoint for three
viewers — the district command centre (the whole district), a street and a community — with the
default period (the last 30 days), ROUNDS times; p50 and p95 per endpoint over all requests.

Baseline, per endpoint, the same figures from the case table: one GROUP BY per figure group over
the cases of the scope and period, each case's on-time closing and evaluations by correlated
subqueries (exactly `rollups.recount_queryset`, which the rebuild check also uses); the map's open
counts and markers and the warnings' overdue counts by GROUP BY over the open cases; the needs
analytics computed from the texts (the endpoint serves the periodic job's snapshot).
"""

import os
import statistics
import time
from datetime import timedelta

from bench.common import Result, benchmark, percentile, record, seconds

SEED = 2026
BASE, QUICK_BASE = 200_000, 20_000
COPIES = 10
SHIFT_DAYS = 73
ROUNDS, QUICK_ROUNDS = 15, 3
BASELINE_ROUNDS, QUICK_BASELINE_ROUNDS = 4, 2
ENDPOINTS = ("summary", "trend", "categories", "rankings", "map", "warnings", "needs")
# Measured too, without a recount to compare with: the map's live case markers (a listing of the
# newest open cases) and its static shapes (fetched once per node shown).
EXTRA = ("markers", "areas")
TARGET = "p95 ≤ 200 ms and ≥ 20× faster than the plain GROUP BY recount, at 2,000,000 cases on PostgreSQL"
DB_NAME = "dashboard"


def _setup(reuse):
    """Django on civicgrid_bench_dashboard; a fresh database unless reusing a built one."""
    from bench.common import POSTGRES_SERVER, fresh_postgres

    server = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_SERVER)
    url = f"{server.rsplit('/', 1)[0]}/civicgrid_bench_{DB_NAME}"
    if reuse:
        import psycopg

        with psycopg.connect(server, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [f"civicgrid_bench_{DB_NAME}"]
            ).fetchone()
        if not exists:
            url = fresh_postgres(DB_NAME)
    else:
        url = fresh_postgres(DB_NAME)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} (database {connection.settings_dict['NAME']})"


def _copy_cases(base_count, copies):
    """Copies 1…copies-1 of the first `base_count` cases (and their evaluations), in SQL."""
    from django.core.management.color import no_style
    from django.db import connection

    from civicgrid.cases.models import OPEN_STATUSES, Case, Evaluation

    qn = connection.ops.quote_name
    case_table, evaluation_table = qn(Case._meta.db_table), qn(Evaluation._meta.db_table)
    fields = list(Case._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {case_table}")
        top = cursor.fetchone()[0]
        for k in range(1, copies):
            shift = f"make_interval(days => {k * SHIFT_DAYS})"
            columns, values = [], []
            for f in fields:
                column = qn(f.column)
                columns.append(column)
                if f.name == "id":
                    values.append(f"id + {k * top}")
                elif f.name == "number":
                    values.append(f"'C{k}-' || lpad(id::text, 10, '0')")
                elif f.name == "merged_into":
                    values.append("NULL")
                elif f.get_internal_type() == "DateTimeField":
                    values.append(f"{column} - {shift}")
                else:
                    values.append(column)
            cursor.execute(
                f"INSERT INTO {case_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {case_table} "
                f"WHERE id <= {top}"
            )
            eval_fields = [f for f in Evaluation._meta.concrete_fields if f.name != "id"]
            eval_values = [
                f"case_id + {k * top}"
                if f.name == "case"
                else f"{qn(f.column)} - {shift}"
                if f.get_internal_type() == "DateTimeField"
                else qn(f.column)
                for f in eval_fields
            ]
            cursor.execute(
                f"INSERT INTO {evaluation_table} ({', '.join(qn(f.column) for f in eval_fields)}) "
                f"SELECT {', '.join(eval_values)} FROM {evaluation_table} WHERE case_id <= {top}"
            )
        statuses = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
        cursor.execute(
            f"UPDATE {case_table} SET status = 'closed', closed_at = reported_at + interval '2 days', "
            "step = '', step_started_at = NULL, step_due_at = NULL, step_warn_at = NULL, step_red_at = NULL, "
            "step_limit = NULL, step_limit_unit = '', step_seconds = NULL, extension_pending = false, "
            f"void_pending = false WHERE id > {top} AND status IN ({statuses})"
        )
        for statement in connection.ops.sequence_reset_sql(no_style(), [Case, Evaluation]):
            cursor.execute(statement)


def _build(quick):
    import random

    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.bulk_cases import generate_cases
    from civicgrid.accounts.demo import seed_users
    from civicgrid.regions.demo import seed_departments, seed_regions

    timings = {}
    started = time.perf_counter()
    with transaction.atomic():
        district = seed_regions("erqi", SEED)
        seed_departments(district, "erqi")
        seed_users(district, random.Random(SEED), staff_everywhere=True)
    timings["regions, departments and staff"] = time.perf_counter() - started
    base = QUICK_BASE if quick else BASE
    timings[f"{base:,} generated cases"] = seconds(
        lambda: generate_cases(base, district=district, seed=SEED, batch_size=10_000, history="report")
    )
    timings[f"× {COPIES} by INSERT … SELECT"] = seconds(lambda: _copy_cases(base, COPIES))

    def analyse():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    timings["ANALYZE"] = seconds(analyse)
    timings["rebuild_rollups"] = seconds(lambda: call_command("rebuild_rollups"))
    timings["ANALYZE (rollups)"] = seconds(analyse)
    return timings


# --- Baselines: the same figures by GROUP BY over the cases ---------------------------------------


def _recount_sql(cases):
    from civicgrid.dashboard.rollups import recount_queryset

    return recount_queryset(cases).query.sql_with_params()


def _grouped(cases, key_sql):
    from django.db import connection

    sql, params = _recount_sql(cases)
    sums = ", ".join(
        f"SUM(f_{name})"
        for name in (
            "received",
            "registered",
            "voided",
            "merged",
            "closed",
            "closed_on_time",
            "evaluations",
            "satisfied",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key_sql} AS k, {sums} FROM ({sql}) src GROUP BY 1", params)
        return cursor.fetchall()


def _cohort(node, period):
    from civicgrid.cases.forms.staff import day_start
    from civicgrid.cases.models import Case
    from civicgrid.core.scoping import subtree_q

    end = day_start(period.end) + timedelta(days=1)
    return Case.objects.filter(subtree_q("region_code", [node.code]), reported_at__gte=day_start(period.start)).filter(
        reported_at__lt=end
    )


def _open_by_child(node, extra=None):
    from django.db.models import Count
    from django.db.models.functions import Substr

    from civicgrid.dashboard import figures

    kids = figures.children(node)
    length = len(kids[0].code) if kids else len(node.code)
    cases = figures.open_cases(node)
    if extra:
        cases = cases.filter(**extra)
    return list(cases.annotate(k=Substr("region_code", 1, length)).values("k").annotate(n=Count("pk")).order_by())


def _open_by_grid(node):
    from django.db.models import Count
    from django.db.models.functions import Substr

    from civicgrid.dashboard import figures
    from civicgrid.regions.codes import code_length
    from civicgrid.regions.models import Level

    cases = figures.open_cases(node)
    grid = code_length(Level.GRID)
    return list(cases.annotate(k=Substr("region_code", 1, grid)).values("k").annotate(n=Count("pk")).order_by())


def baselines(node, period):
    from django.db.models import Count
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from civicgrid.cases.models import Case
    from civicgrid.core.scoping import subtree_q
    from civicgrid.dashboard import figures, needs

    def summary():
        _grouped(_cohort(node, period), "1")
        today = figures.Period(timezone.localdate(), timezone.localdate())
        _grouped(_cohort(node, today), "1")
        now = timezone.now()
        scope = Case.objects.filter(subtree_q("region_code", [node.code]))
        scope.filter(closed_at__gte=now - timedelta(days=1)).count()
        opened = figures.open_cases(node)
        opened.count(), opened.filter(step_due_at__lte=now).count(), opened.filter(step_red_at__lte=now).count()

    def trend():
        _grouped(_cohort(node, period), "f_report_day")

    def categories():
        _grouped(_cohort(node, period), "f_category_id")
        figures.open_cases(node).annotate(major=Coalesce("category__parent_id", "category_id")).values(
            "major"
        ).annotate(n=Count("pk")).order_by()

    def rankings():
        kids = figures.children(node)
        length = len(kids[0].code) if kids else len(node.code)
        cohort = _cohort(node, period)
        _grouped(cohort, f"SUBSTR(f_region_code, 1, {length})")
        _grouped(cohort, "f_department_id")
        _grouped(cohort, "f_worker_id")

    def map_():
        _open_by_child(node)

    def warnings_():
        # The warnings evaluated on request from the case table instead of read from the firings the
        # periodic job recorded: overdue cases, busy grids, hotspots, departments' on-time rates.
        from civicgrid.dashboard import warnings as rules
        from civicgrid.dashboard.models import RuleKind, WarningRule

        now = timezone.now()
        rules.near_due(WarningRule(kind=RuleKind.NEAR_DUE, region=node, threshold=0), now)
        rules.hotspot(WarningRule(kind=RuleKind.HOTSPOT, region=node, threshold=3, radius_m=200, days=7), now)
        _open_by_grid(node)
        _grouped(_cohort(node, period), "f_department_id")

    def needs_():
        needs.compute(node)

    return {
        "summary": summary,
        "trend": trend,
        "categories": categories,
        "rankings": rankings,
        "map": map_,
        "warnings": warnings_,
        "needs": needs_,
    }


def _time(function, rounds):
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


@benchmark("dashboard")
def dashboard(quick=False):
    reuse = os.environ.get("BENCH_DASHBOARD_REUSE") == "1"
    db = _setup(reuse)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from civicgrid.accounts.models import Role, RoleAssignment
    from civicgrid.cases.models import Case
    from civicgrid.dashboard import figures, needs, warnings
    from civicgrid.dashboard.demo import DEFAULT_RULES
    from civicgrid.dashboard.models import WarningRule

    build = {}
    count = Case.objects.count()
    if not (reuse and count):
        build = _build(quick)
        count = Case.objects.count()
    check_seconds = None
    if not reuse or os.environ.get("BENCH_DASHBOARD_CHECK") == "1":
        from django.core.management import call_command

        check_seconds = seconds(lambda: call_command("rebuild_rollups", "--check"))

    viewers = []
    for role, level in ((Role.COMMAND_OPERATOR, 0), (Role.STREET_STAFF, 1), (Role.COMMUNITY_STAFF, 2)):
        assignment = (
            RoleAssignment.objects.filter(role=role, region__level=level, revoked_at__isnull=True)
            .select_related("user", "region")
            .order_by("region__code")
            .first()
        )
        viewers.append((assignment.user, assignment.region))
    district = viewers[0][1]
    # The warning rules of the demo, run once (their firings are what the warnings panel reads).
    if not WarningRule.objects.exists():
        for name, kind, options in DEFAULT_RULES:
            WarningRule.objects.create(name=name, kind=kind, region=district, **options)
    rules_seconds = seconds(warnings.run_rules)
    for _user, node in viewers:
        needs.snapshot(node, refresh=True)
    in_window = {}

    rounds = QUICK_ROUNDS if quick else ROUNDS
    baseline_rounds = QUICK_BASELINE_ROUNDS if quick else BASELINE_ROUNDS
    ours = {name: [] for name in (*ENDPOINTS, *EXTRA)}
    theirs = {name: [] for name in ENDPOINTS}
    for user, node in viewers:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        period, _errors = figures.parse_period({})
        in_window[node.name] = _cohort(node, period).count()
        for name in (*ENDPOINTS, *EXTRA):
            url = reverse(f"dashboard:{name}")
            response = client.get(url)  # warm-up
            assert response.status_code == 200, (name, response.status_code)
            for _ in range(rounds):
                started = time.perf_counter()
                response = client.get(url)
                ours[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        plain = baselines(node, period)
        for name in ENDPOINTS:
            plain[name]()  # warm-up (caches, plans)
            theirs[name].extend(_time(plain[name], baseline_rounds))
    connection.close()

    dataset = (
        f"demo `erqi` (17 streets, 175 communities, 846 grids) with its staff; {count:,} cases "
        f"({(QUICK_BASE if quick else BASE):,} generated, ×{COPIES} by INSERT … SELECT with dates shifted "
        f"{SHIFT_DAYS} days per copy: ≈ 2.8 years); cases reported in the last 30 days: "
        + ", ".join(f"{name} {n:,}" for name, n in in_window.items())
        + f"; 3 viewers (district, street, community) × {rounds} rounds per endpoint, Django test client"
        + (" (quick run)" if quick else "")
        + ("; dataset reused from an earlier run (BENCH_DASHBOARD_REUSE=1)" if reuse and not build else "")
    )
    build_text = ", ".join(f"{k} {v:.0f} s" for k, v in build.items()) or "reused"
    results = []
    for name in ENDPOINTS:
        p95, p50 = percentile(ours[name], 0.95), statistics.median(ours[name])
        base95 = percentile(theirs[name], 0.95)
        details = {
            "p50": f"{p50:.1f} ms (baseline {statistics.median(theirs[name]):.0f} ms)",
            "slowest": f"{max(ours[name]):.1f} ms",
            "dataset build": build_text,
        }
        if check_seconds is not None:
            details["rebuild_rollups --check"] = f"equal to a full recount ({check_seconds:.0f} s)"
        if name == "map":
            for extra in EXTRA:
                details[f"api/{extra}/ p95"] = (
                    f"{percentile(ours[extra], 0.95):.1f} ms (p50 {statistics.median(ours[extra]):.1f} ms)"
                )
        if name == "warnings":
            details["warning rules run"] = f"{rules_seconds:.1f} s for the 5 demo rules over the district"
        results.append(
            Result(
                name=f"dashboard.{name}_p95",
                value=p95,
                unit="ms",
                better="lower",
                baseline_name=(
                    "needs analytics computed from the texts and rollups (what the snapshot saves)"
                    if name == "needs"
                    else "the same figures by a plain GROUP BY over the case table"
                ),
                baseline_value=base95,
                target=TARGET,
                dataset=dataset,
                db=db,
                details=details,
            )
        )
        print(
            f"   dashboard.{name}_p95: {p95:.1f} ms (p50 {p50:.1f}) vs {base95:.0f} ms: {base95 / p95:.1f}×", flush=True
        )
    record(results[:-1], os.environ.get("BENCH_COMMAND") or "python -m bench --only dashboard")
    return results[-1]
