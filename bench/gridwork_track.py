"""gridwork.track_ingest: grid workers' patrol positions accepted through HTTP, in positions/s
(issue 21, item 8).

Server: gunicorn with one sync worker per core, DEBUG off, kept database connections (as
bench/cases_intake.py runs it), on a throwaway PostgreSQL database holding the `small` demo tree
and a grid worker per grid (civicgrid.accounts.demo.seed_users).

Clients: CLIENTS threads (twice the workers), each logged in as its own grid worker through the
login page, starting a patrol of its grid (POST /gridwork/patrol/start/) and then posting its track
as the patrol page does: JSON batches of BATCH positions to /gridwork/patrols/<id>/points/ (CSRF
header, session cookie, kept-alive connection), each position with its own sequence number, a
timestamp and a point inside the grid. A batch counts when the server answers 200 with every
position accepted; anything else fails the run.

Checked afterwards in the database: every position sent (warm-up included) is stored exactly once —
0 lost, 0 doubled — and each patrol's `points` counter matches its rows.

Baseline, same server, same clients, same run: GET /health/ (a bare Django view touching the
database) in requests/s, × BATCH: the positions/s if a batch cost no more than the cheapest request
the server answers.
"""

import json
import os
import random
import statistics
import threading
import time

from bench.cases_intake import civicgrid_server
from bench.common import Result, benchmark, collect_static, percentile, setup_django
from bench.httpclient import WARM_UP, Browser, drive

SEED = 2026
BATCH = 50
DURATION, QUICK_DURATION = 30.0, 6.0
TARGET = "≥ 5,000 positions/s through HTTP in batches of 50 on two cores, 0 lost and 0 doubled"


def _run(name, database, quick):
    db = setup_django(f"track_{database}", database)
    collect_static()
    from django.db import transaction

    from civicgrid.accounts.demo import DEMO_PASSWORD, seed_users
    from civicgrid.accounts.models import Role, RoleAssignment
    from civicgrid.gridwork.models import Patrol, TrackPoint
    from civicgrid.regions.demo import seed_regions

    workers = os.cpu_count() or 2
    clients_count = 2 * workers
    with transaction.atomic():
        district = seed_regions("small", SEED)
        seed_users(district, random.Random(SEED), staff_everywhere=True)
    assignments = list(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, region__level=3)
        .select_related("user", "region")
        .order_by("region__code")[:clients_count]
    )
    assert len(assignments) == clients_count, "not enough grid workers"
    duration = QUICK_DURATION if quick else DURATION
    sent = {}  # patrol id -> positions posted (and acknowledged)
    lock = threading.Lock()

    with civicgrid_server(database) as (port, _server):
        health_clients = [Browser(port) for _ in range(clients_count)]

        def health(client, index, n):
            status, _headers, _body = client.request("GET", "/health/")
            assert status == 200, status

        health_latencies, _ = drive(health_clients, duration, health)

        clients = []
        for assignment in assignments:
            browser = Browser(port)
            browser.log_in(assignment.user.username, DEMO_PASSWORD)
            status, _h, body = browser.request(
                "POST",
                "/gridwork/patrol/start/",
                json.dumps({"key": f"bench-{assignment.user.pk}"}),
                _headers(browser, port),
            )
            assert status == 200, f"start answered {status} {body[:200]!r}"
            browser.patrol = json.loads(body)["id"]
            browser.centre = (assignment.region.centroid_lat, assignment.region.centroid_lon)
            browser.next_seq = 1
            clients.append(browser)
        time.sleep(1.1)  # the positions below are stamped after the patrol's start

        def post(client, index, n):
            first = client.next_seq
            lat0, lng0 = client.centre
            now_ms = int(time.time() * 1000)
            points = [
                {
                    "seq": first + i,
                    "at": now_ms - (BATCH - i) * 10,
                    "lat": lat0 + ((first + i) % 40) * 0.00002,
                    "lng": lng0 + ((first + i) % 37) * 0.00002,
                    "accuracy": 8,
                }
                for i in range(BATCH)
            ]
            status, _h, body = client.request(
                "POST",
                f"/gridwork/patrols/{client.patrol}/points/",
                json.dumps({"points": points}),
                _headers(client, port),
            )
            assert status == 200, f"points answered {status} {body[:200]!r}"
            answer = json.loads(body)
            assert answer["accepted"] == BATCH and not answer["rejected"], answer
            client.next_seq += BATCH
            with lock:
                sent[client.patrol] = sent.get(client.patrol, 0) + BATCH

        latencies, _ = drive(clients, duration, post)

    stored = dict(
        TrackPoint.objects.filter(patrol_id__in=list(sent)).values_list("patrol_id").annotate(n=_count()).order_by()
    )
    distinct = TrackPoint.objects.filter(patrol_id__in=list(sent)).values("patrol_id", "seq").distinct().count()
    total_sent, total_stored = sum(sent.values()), sum(stored.values())
    lost = sum(max(0, sent[p] - stored.get(p, 0)) for p in sent)
    doubled = total_stored - distinct + sum(max(0, stored.get(p, 0) - sent[p]) for p in sent)
    counters = dict(Patrol.objects.filter(pk__in=list(sent)).values_list("pk", "points"))
    assert lost == 0 and doubled == 0, f"lost {lost}, doubled {doubled}"
    assert counters == stored, "patrol counters differ from their rows"
    rate = len(latencies) * BATCH / duration
    health_rate = len(health_latencies) / duration
    return Result(
        name=name,
        value=rate,
        unit="positions/s",
        better="higher",
        baseline_name=f"GET /health/ through the same server, requests/s × {BATCH}",
        baseline_value=health_rate * BATCH,
        target=TARGET,
        dataset=(
            f"demo `small` tree (seed {SEED}), {clients_count} grid workers each posting its patrol's track in "
            f"batches of {BATCH}; {clients_count} clients × {duration:.0f} s each for the batches and for the "
            f"baseline, after {WARM_UP:.0f} s warm-up; gunicorn {workers} sync workers"
            f"{' (quick run, on a machine loaded by a full CI run at the same time)' if quick else ''}"
        ),
        db=db,
        details={
            "batches counted": f"{len(latencies):,} ({len(latencies) * BATCH:,} positions)",
            "positions sent (warm-up included)": f"{total_sent:,}",
            "positions stored": f"{total_stored:,}",
            "lost": lost,
            "doubled": doubled,
            "batch latency": f"median {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms",
            "health latency": f"median {statistics.median(health_latencies):.1f} ms, "
            f"p95 {percentile(health_latencies, 0.95):.1f} ms",
        },
    )


def _headers(client, port):
    return {
        "Content-Type": "application/json",
        "X-CSRFToken": client.cookies.get("csrftoken", ""),
        "Referer": f"http://127.0.0.1:{port}/gridwork/patrol/",
    }


def _count():
    from django.db.models import Count

    return Count("pk")


@benchmark("gridwork.track_ingest")
def track_postgres(quick=False):
    return _run("gridwork.track_ingest", "postgres", quick)
