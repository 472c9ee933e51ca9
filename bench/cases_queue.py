"""cases.queue_p95.sqlite / cases.queue_p95.postgres: a street dispatcher's queue page with a
million cases in the database.

Data: the demo `erqi` district (17 streets, 5,657 micro-grids) with its staff accounts, then
1,000,000 cases from `bench.bulk_cases.generate_cases` reported over the past year (≈ 94 %
closed; the open ones recent, with running deadlines), so the demo street (街道座席 `jiedao`)
holds about 60,000 cases of which a few thousand are open.

Measured: the whole page — Django's test client through the middleware, the restricted queryset,
the light counts, the paginator's count and the template — for eight requests a dispatcher makes
(the default open queue, red lights, one status, page 3, one category, one community, every
status, a keyword search), each repeated; p50 and p95 over all of them, in milliseconds.

Baseline, in the same run and process: the same requests on the same database before the cases
were written (what the page costs with nothing in it). The ratio says how much of the empty-page
speed is kept at a million cases (1.0 = no slower).
"""

import statistics
import time

from bench.common import Result, benchmark, collect_static, percentile, seconds, setup_django

SEED = 2026
CASES, QUICK_CASES = 1_000_000, 50_000
ROUNDS, QUICK_ROUNDS = 25, 5
TARGET = "p95 ≤ 150 ms at 1,000,000 cases on PostgreSQL"


def _requests(street_code):
    from civicgrid.cases.models import Category
    from civicgrid.regions.models import Region

    community = Region.objects.filter(code__startswith=street_code, level=2).order_by("code").first()
    category = Category.objects.get(code="01008")  # 路灯, one of the commonest
    return [
        {},
        {"light": "red"},
        {"status": "handling"},
        {"page": "3"},
        {"category": str(category.pk)},
        {"region": community.code},
        {"status": "all"},
        {"q": "路灯"},
    ]


def _measure(client, url, requests, rounds, by_request=None):
    timings = []
    for _ in range(rounds):
        for params in requests:
            started = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (params, response.status_code)
            timings.append(elapsed)
            if by_request is not None:
                by_request.setdefault("&".join(f"{k}={v}" for k, v in params.items()) or "(default)", []).append(
                    elapsed
                )
    return timings


def _analyse():
    """What autovacuum does on a live server after big inserts: statistics, and on PostgreSQL the
    visibility map that lets the queue's counts be index-only scans."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _run(database, quick):
    db = setup_django(f"cases_queue_{database}", database)
    collect_static()
    import random

    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from bench.bulk_cases import generate_cases
    from civicgrid.accounts.demo import seed_users
    from civicgrid.accounts.models import User
    from civicgrid.cases.models import OPEN_STATUSES, Case
    from civicgrid.regions.demo import seed_departments, seed_regions

    with transaction.atomic():
        district = seed_regions("erqi", SEED)
        seed_departments(district, "erqi")
        seed_users(district, random.Random(SEED), staff_everywhere=True)
    dispatcher = User.objects.get(username="jiedao")
    street_code = dispatcher.role_assignments.get().region.code
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(dispatcher)
    url = reverse("cases:staff_queue")
    requests = _requests(street_code)
    rounds = QUICK_ROUNDS if quick else ROUNDS
    _analyse()
    _measure(client, url, requests, 1)  # warm-up: templates, caches, the spatial index
    empty = _measure(client, url, requests, rounds)

    count = QUICK_CASES if quick else CASES
    generation = seconds(lambda: generate_cases(count, district=district, seed=SEED, batch_size=10_000))
    analysis = seconds(_analyse)
    client.force_login(dispatcher)  # writing a million cases outlasts the idle timeout of the first login
    _measure(client, url, requests, 1)
    by_request = {}
    full = _measure(client, url, requests, rounds, by_request)
    in_street = Case.objects.filter(region_code__startswith=street_code)
    street_total, street_open = in_street.count(), in_street.filter(status__in=OPEN_STATUSES).count()
    connection.close()

    p95, p50 = percentile(full, 0.95), statistics.median(full)
    return Result(
        name=f"cases.queue_p95.{database}",
        value=p95,
        unit="ms",
        better="lower",
        baseline_name="the same requests before the cases were written (empty database)",
        baseline_value=percentile(empty, 0.95),
        target=TARGET,
        dataset=(
            f"demo `erqi` regions and staff (seed {SEED}) + {count:,} generated cases over one year; "
            f"street {street_code}: {street_total:,} cases, {street_open:,} open; "
            f"8 queue requests × {rounds} rounds as the street dispatcher, Django test client, p95 of "
            f"{len(full)} requests{' (quick run)' if quick else ''}"
        ),
        db=db,
        details={
            "p50": f"{p50:.1f} ms (empty database: {statistics.median(empty):.1f} ms)",
            "slowest request": f"{max(full):.1f} ms",
            "p50 per request": ", ".join(
                f"{key} {statistics.median(times):.0f} ms" for key, times in by_request.items()
            ),
            "generating the cases": f"{generation:.0f} s ({count / generation:,.0f} cases/s), (VACUUM) ANALYZE {analysis:.1f} s",
        },
    )


@benchmark("cases.queue_p95.sqlite")
def queue_sqlite(quick=False):
    return _run("sqlite", quick)


@benchmark("cases.queue_p95.postgres")
def queue_postgres(quick=False):
    return _run("postgres", quick)
