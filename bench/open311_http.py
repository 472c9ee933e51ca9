"""open311.post / open311.get: Open311 GeoReport v2 through the real HTTP stack, in requests/s.

Server: gunicorn with one sync worker per core (as `make run` and the deployment guide run it),
DEBUG off, kept database connections, on a throwaway PostgreSQL database holding the demo `small`
district (2 streets, 30 micro-grids; kept small on purpose: the machine is shared), its
departments and demo staff, the shipped categories, one application whose key has no rate limit, and — for the
GET benchmark — 5,000 cases from bench.bulk_cases reported over the last 60 days, bulk-written.

- open311.post: CLIENTS threads (twice the workers) each POST `requests.json` form-encoded with
  the api_key, a service_code drawn from the selectable categories, lat/long drawn uniformly
  inside the district and a description, keeping their connection open. Each request is a real
  case: located, routed, numbered, deadline in working time, hash-chained event, Open311 record.
  A request counts on 201 with a service_request_id; every counted one is checked in the database.
- open311.get: the same clients GET `requests.json?page_size=100` without a key (the default
  90-day window, public cases, newest first: 100 requests with category, grid, handling unit and
  dates); the per-address limit for anonymous callers (API_ANON_RATE) is lifted for the run.

Baseline, same server, same clients, same run: GET of the health endpoint (a bare Django view
touching the database), in requests/s; the ratio says what an Open311 call costs compared with
the cheapest request the server answers.
"""

import os
import random
import statistics
from urllib.parse import urlencode

from bench.common import OUT_DIR, ROOT, Result, benchmark, collect_static, percentile, setup_django
from bench.httpclient import WARM_UP, Browser, drive, gunicorn

SEED = 2026
DURATION, QUICK_DURATION = 20.0, 5.0
BULK_CASES = 5_000
KEY = "bench-open311-key"
TARGETS = {
    "post": "≥ 20 requests/s on one 2-core server (a 12345 hotline peaks at a few orders a minute)",
    "get": "≥ 50 requests/s of 100-request pages on one 2-core server",
}


def server(database):
    environment = {
        **os.environ,
        "DEBUG": "0",
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        # The public GET runs without a key: lift the per-address limit for anonymous callers.
        "API_ANON_RATE": "1000000/min",
        "CASES_ATTACHMENT_ROOT": str(OUT_DIR / f"attachments-open311-{database}"),
    }
    return gunicorn("civicgrid.wsgi", cwd=ROOT, environment=environment, executable=ROOT / ".venv" / "bin" / "gunicorn")


def _setup(name, database, with_cases):
    db = setup_django(name, database)
    collect_static()
    from django.db import transaction

    from bench.bulk_cases import generate_cases
    from bench.regions_locate import points_inside
    from civicgrid.accounts.demo import seed_users
    from civicgrid.api import actions as api_actions
    from civicgrid.cases.models import Category
    from civicgrid.regions.demo import seed_departments, seed_regions

    with transaction.atomic():
        district = seed_regions("small", SEED)
        seed_departments(district, "small")
        seed_users(district, random.Random(SEED), staff_everywhere=False)
        application = api_actions.create_application("bench")
        api_actions.issue_key(application, region=district, rate_per_minute=0, raw=KEY)
    if with_cases:
        generate_cases(BULK_CASES, district=district, seed=SEED, days=60)
    codes = list(
        Category.objects.selectable().filter(resident_selectable=True).values_list("code", flat=True).order_by("code")
    )
    import shapely

    lons, lats = points_inside(shapely.geometry.shape(district.boundary), 50_000, seed=SEED)
    return db, codes, lons, lats


def _health(client, index, n):
    status, _headers, _body = client.request("GET", "/health/")
    assert status == 200, status


def _poster(codes, lons, lats):
    import json

    rng = random.Random(SEED)
    draws = [(rng.choice(codes), rng.randrange(len(lons))) for _ in range(100_000)]

    def post(client, index, n):
        code, point = draws[(index * 10_007 + n) % len(draws)]
        body = urlencode(
            {
                "api_key": KEY,
                "service_code": code,
                "lat": f"{lats[point]:.6f}",
                "long": f"{lons[point]:.6f}",
                "description": "路灯不亮，晚上很黑，请尽快维修。",
                "address_string": "幸福小区3号楼东侧",
            }
        )
        status, _headers, content = client.request(
            "POST", "/open311/v2/requests.json", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 201, f"POST requests answered {status}: {content[:200]!r}"
        return json.loads(content)[0]["service_request_id"]

    return post


def _getter(client, index, n):
    import json

    status, _headers, content = client.request("GET", "/open311/v2/requests.json?page_size=100")
    assert status == 200, status
    rows = json.loads(content)
    assert len(rows) == 100, len(rows)
    return len(rows)


def _run(name, kind, database, quick):
    db, codes, lons, lats = _setup(name, database, with_cases=kind == "get")
    from civicgrid.cases.models import Case

    workers = os.cpu_count() or 2
    clients_count = 2 * workers
    duration = QUICK_DURATION if quick else DURATION
    before = Case.objects.count()
    with server(database) as (port, _process):
        health_latencies, _ = drive([Browser(port) for _ in range(clients_count)], duration, _health)
        work = _poster(codes, lons, lats) if kind == "post" else _getter
        latencies, results = drive([Browser(port) for _ in range(clients_count)], duration, work)
    if kind == "post":
        assert Case.objects.filter(number__in=results, source="api").count() == len(results) == len(set(results))
    rate = len(latencies) / duration
    what = "POST requests.json (one new case each)" if kind == "post" else "GET requests.json?page_size=100"
    return Result(
        name=name,
        value=rate,
        unit="requests/s",
        better="higher",
        baseline_name="GET /health/ through the same server (requests/s)",
        baseline_value=len(health_latencies) / duration,
        target=TARGETS[kind],
        dataset=(
            f"demo `small` district (seed {SEED}), shipped categories"
            + (f", {before:,} bulk cases over 60 days" if kind == "get" else "")
            + f"; {what}; {clients_count} clients × {duration:.0f} s each for the calls and for the baseline, "
            f"after {WARM_UP:.0f} s warm-up; gunicorn {workers} sync workers{' (quick run)' if quick else ''}"
        ),
        db=db,
        details={
            "latency": f"median {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms",
            "health latency": f"median {statistics.median(health_latencies):.1f} ms, "
            f"p95 {percentile(health_latencies, 0.95):.1f} ms",
        },
    )


@benchmark("open311.post")
def open311_post(quick=False):
    return _run("open311.post", "post", "postgres", quick)


@benchmark("open311.get")
def open311_get(quick=False):
    return _run("open311.get", "get", "postgres", quick)
