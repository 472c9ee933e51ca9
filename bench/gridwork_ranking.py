"""gridwork.ranking_p95: the ranking page at district level with 6,000 grid workers and a year of
scores (issue 21, item 8).

Data: a district tree from civicgrid.testing.build_tree (18 streets × 18 communities × 18 grids:
5,832 grids) with one grid worker per grid plus 168 more (6,000 accounts, bulk-created), and twelve
months of scores as the listeners keep them: a MonthlyScore row per worker and month, one per grid,
community, street and the district, the per-metric MonthlyTally rows, and ENTRIES_PER_MONTH score
entries per worker and month (the append-only ledger the totals come from; the ranking never reads
it). Written with bulk_create — the ledger's own path (civicgrid.scoring.ledger.record) is what the
test suite exercises; here only the page is measured.

Measured: GET /scoring/ranking/ (the grid workers of the whole district, this month, first page of
50) by a command-centre operator on the district, through Django's test client (middleware,
session, roles, the bar), p95 and median of the wall time over REQUESTS requests after 10 warm-up;
the grid and community levels are in the details.

Baseline, same run and process: the same page for the same user before any score was written
(the empty database: only the tree and the accounts).
"""

import random
import statistics
import time
from decimal import Decimal

from bench.common import Result, benchmark, collect_static, percentile, setup_django

WORKERS, QUICK_WORKERS = 6_000, 6_000
MONTHS = 12
ENTRIES_PER_MONTH, QUICK_ENTRIES_PER_MONTH = 10, 2
REQUESTS, QUICK_REQUESTS = 200, 40
TARGET = "p95 ≤ 100 ms at district level with 6,000 grid workers and a year of scores"
METRICS = (
    "patrol_time",
    "patrol_coverage",
    "patrol_checkin",
    "visit",
    "house_check",
    "task_form",
    "case_found",
    "case_on_time",
)


def _page_times(client, url, count):
    times = []
    for i in range(count + 10):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if i >= 10:
            times.append(elapsed)
    return times


def _months():
    from civicgrid.scoring.selectors import recent_months

    return recent_months(MONTHS)


def _accounts(grids, count):
    from django.contrib.auth.hashers import make_password

    from civicgrid.accounts.models import RoleAssignment, User

    password = make_password("Bench@2026pass")
    User.objects.bulk_create(
        [User(username=f"gw{i:05d}", name=f"网格员{i:05d}", password=password) for i in range(count)], batch_size=2000
    )
    users = list(User.objects.filter(username__startswith="gw").order_by("username"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role="grid_worker", region=grids[i % len(grids)]) for i, u in enumerate(users)],
        batch_size=2000,
    )
    return users


def _scores(tree, grids, users, entries_per_month):
    from civicgrid.regions.models import Level
    from civicgrid.scoring.models import Kind, MonthlyScore, MonthlyTally, ScoreEntry

    rng = random.Random(2026)
    regions = [node for node in tree.values() if node.level <= Level.GRID]
    for month in _months():
        by_region = {}
        worker_rows, tallies, entries = [], [], []
        for i, user in enumerate(users):
            grid = grids[i % len(grids)]
            points = [Decimal(rng.randint(0, 3000)) / 100 for _ in METRICS]
            total = sum(points)
            worker_rows.append(
                MonthlyScore(kind=Kind.WORKER, user=user, month=month, region_code=grid.code, points=total, entries=40)
            )
            for metric, value in zip(METRICS, points, strict=True):
                tallies.append(
                    MonthlyTally(
                        kind=Kind.WORKER,
                        user=user,
                        month=month,
                        metric=metric,
                        region_code=grid.code,
                        count=5,
                        quantity=5,
                        points=value,
                    )
                )
            for j in range(entries_per_month):
                entries.append(
                    ScoreEntry(
                        kind=Kind.WORKER,
                        user=user,
                        month=month,
                        metric=METRICS[j % len(METRICS)],
                        region_code=grid.code,
                        points=points[j % len(METRICS)],
                        source="gridwork.patrol",
                        source_id=f"{month:%Y%m}-{i}-{j}",
                        at=f"{month:%Y-%m}-15T10:00:00+08:00",
                    )
                )
            for code_length in {len(r.code) for r in regions}:
                by_region[grid.code[:code_length]] = by_region.get(grid.code[:code_length], 0) + total
        region_rows = [
            MonthlyScore(
                kind=Kind.REGION,
                region=r,
                level=r.level,
                month=month,
                region_code=r.code,
                points=by_region.get(r.code, 0),
                entries=1,
            )
            for r in regions
        ]
        MonthlyScore.objects.bulk_create(worker_rows + region_rows, batch_size=5000)
        MonthlyTally.objects.bulk_create(tallies, batch_size=5000)
        ScoreEntry.objects.bulk_create(entries, batch_size=5000)


def _run(quick):
    db = setup_django("gridwork_ranking", "postgres")
    collect_static()
    from django.db import connection
    from django.test import Client

    from civicgrid.accounts.models import Role
    from civicgrid.regions.models import Level
    from civicgrid.testing import build_tree, make_user

    started = time.perf_counter()
    tree = build_tree(fanout=18, depth=Level.GRID)
    grids = sorted((n for n in tree.values() if n.level == Level.GRID), key=lambda n: n.code)
    operator = make_user("zhihui", Role.COMMAND_OPERATOR, tree["D"])
    workers = QUICK_WORKERS if quick else WORKERS
    users = _accounts(grids, workers)
    tree_seconds = time.perf_counter() - started
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(operator)
    requests = QUICK_REQUESTS if quick else REQUESTS
    url = "/scoring/ranking/"
    empty = _page_times(client, url, requests)

    started = time.perf_counter()
    per_month = QUICK_ENTRIES_PER_MONTH if quick else ENTRIES_PER_MONTH
    _scores(tree, grids, users, per_month)
    building = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    full = _page_times(client, url, requests)
    grid_level = _page_times(client, url + "?level=grid", max(requests // 4, 20))
    community_level = _page_times(client, url + "?level=community", max(requests // 4, 20))
    page = client.get(url).content.decode()
    assert "网格员" in page
    from civicgrid.scoring.models import MonthlyScore, MonthlyTally, ScoreEntry

    counts = (MonthlyScore.objects.count(), MonthlyTally.objects.count(), ScoreEntry.objects.count())
    connection.close()
    value, baseline = percentile(full, 0.95), percentile(empty, 0.95)
    return Result(
        name="gridwork.ranking_p95",
        value=value,
        unit="ms",
        better="lower",
        baseline_name="the same page for the same user on the empty database (p95, same run)",
        baseline_value=baseline,
        target=TARGET,
        dataset=(
            f"build_tree district (18 streets, 324 communities, {len(grids):,} grids), {workers:,} grid workers, "
            f"{MONTHS} months of scores: {counts[0]:,} monthly totals, {counts[1]:,} tallies, {counts[2]:,} entries "
            f"({per_month} per worker and month); GET /scoring/ranking/ (district, grid workers, page 1 of 50) by a "
            f"district operator, {requests} requests after 10 warm-up, test client{', quick run' if quick else ''}"
        ),
        db=db,
        details={
            "median": f"{statistics.median(full):.1f} ms (empty database {statistics.median(empty):.1f} ms)",
            "grid level p95": f"{percentile(grid_level, 0.95):.1f} ms",
            "community level p95": f"{percentile(community_level, 0.95):.1f} ms",
            "page": f"{len(page):,} characters",
            "writing the tree and accounts": f"{tree_seconds:.0f} s",
            "writing the scores": f"{building:.0f} s",
            "entries": "the ledger is sampled (10 a worker-month, real work makes ~100); the page never reads it",
        },
    )


@benchmark("gridwork.ranking_p95")
def ranking_p95(quick=False):
    return _run(quick)
