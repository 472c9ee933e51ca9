"""peer.helpdesk.create / peer.helpdesk.queue: CivicGrid side by side with django-helpdesk.

django-helpdesk (a well-known Django ticket tracker) is installed from PyPI, at the pinned
versions of bench/peer/requirements.txt, into its own virtualenv bench/out/helpdesk-venv — never
into ours and never committed; bench/peer/ holds only the small site around it (settings, urls).

Same machine, same PostgreSQL server, same HTTP server (gunicorn, one sync worker per core, kept
database connections, DEBUG off), same clients (bench/httpclient.py: CLIENTS keep-alive threads,
each logged in as its own account through the login form), same count of 100,000 existing
cases/tickets with the same number open. The two servers run one after the other, never together.

- create: filing one through the web form a person uses. Ours: a resident's 我要上报 (category,
  description, point; no photo, since their form has none) — routed to a grid, numbered, given a
  working-time deadline and a hash-chained event, notifications queued. Theirs: the staff "submit
  a ticket" form (queue, title, description, priority) — a ticket and its first follow-up.
- queue: opening the first page of the open queue. Ours: the district operator's 案件受理派遣 page
  (the open cases of the whole district, soonest due first, with light counts), one request. Theirs:
  the ticket list page plus the datatables request it makes for the rows (25 open tickets), counted
  as one queue view.

Value = ours (per second), baseline = django-helpdesk's, ratio = ours / theirs (> 1: ours faster).
"""

import os
import re
import statistics
import subprocess
import sys

from bench.common import (
    BENCH_DIR,
    OUT_DIR,
    Result,
    benchmark,
    collect_static,
    fresh_postgres,
    percentile,
    setup_django,
)
from bench.httpclient import Browser, drive, gunicorn

SEED = 2026
COUNT = 100_000
DURATION, QUICK_DURATION = 30.0, 10.0
PEER_DIR = BENCH_DIR / "peer"
PEER_VENV = OUT_DIR / "helpdesk-venv"
PASSWORD = "Demo@2026"


def peer_python():
    """The helpdesk virtualenv's Python, created from bench/peer/requirements.txt when missing or stale."""
    python = PEER_VENV / "bin" / "python"
    requirements = PEER_DIR / "requirements.txt"
    stamp = PEER_VENV / ".installed"
    if not stamp.exists() or stamp.read_text() != requirements.read_text():
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(requirements)], check=True)
        stamp.write_text(requirements.read_text())
    return python


def _stats(latencies, duration):
    return {
        "rate": len(latencies) / duration,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
    }


def _seed_ours(clients):
    """Our side's 100,000 cases and resident accounts; returns what the measurements need."""
    import random

    import shapely
    from django.db import connection, transaction

    from bench.bulk_cases import generate_cases
    from bench.cases_intake import add_residents
    from bench.regions_locate import points_inside
    from civicgrid.accounts.demo import DEMO_PASSWORD, seed_users
    from civicgrid.cases.models import OPEN_STATUSES, Case, Category
    from civicgrid.regions.demo import seed_departments, seed_regions

    with transaction.atomic():
        district = seed_regions("erqi", SEED)
        seed_departments(district, "erqi")
        seed_users(district, random.Random(SEED), staff_everywhere=True)
    generate_cases(COUNT, district=district, seed=SEED, batch_size=10_000)
    open_count = Case.objects.filter(status__in=OPEN_STATUSES).count()
    residents = [user.username for user in add_residents(clients, DEMO_PASSWORD)]
    categories = list(
        Category.objects.selectable().filter(resident_selectable=True).values_list("pk", flat=True).order_by("pk")
    )
    lons, lats = points_inside(shapely.geometry.shape(district.boundary), 100_000, seed=SEED)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return {"open": open_count, "residents": residents, "categories": categories, "lons": lons, "lats": lats}


def _measure_ours(ours, clients, duration):
    """One round on our side: the queue, then intake; returns (create stats, queue stats, numbers)."""
    from bench.cases_intake import civicgrid_server, logged_in, reporter
    from civicgrid.accounts.demo import DEMO_PASSWORD

    with civicgrid_server("postgres") as (port, _server):
        operators = logged_in(port, ["zhihui"] * clients, DEMO_PASSWORD)

        def queue(client, index, n):
            status, _headers, _body = client.request("GET", "/cases/staff/queue/")
            assert status == 200, status

        queue_latencies, _ = drive(operators, duration, queue)
        browsers = logged_in(port, ours["residents"], DEMO_PASSWORD)
        work = reporter(port, ours["categories"], ours["lons"], ours["lats"])
        create_latencies, numbers = drive(browsers, duration, work)
    return _stats(create_latencies, duration), _stats(queue_latencies, duration), numbers


def _seed_theirs(clients, open_count):
    """django-helpdesk's database with as many tickets (as many open); returns its environment."""
    python = peer_python()
    url = fresh_postgres("helpdesk")
    database = url.rsplit("/", 1)[1]
    environment = {
        **os.environ,
        "HELPDESK_DB": database,
        "HELPDESK_STATIC_ROOT": str(OUT_DIR / "helpdesk-static"),
        "HELPDESK_MEDIA_ROOT": str(OUT_DIR / "helpdesk-media"),
        "DJANGO_SETTINGS_MODULE": "helpdesk_site.settings",
        "PYTHONPATH": str(PEER_DIR),
    }
    manage = [str(python), str(PEER_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=environment, cwd=PEER_DIR)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], check=True, env=environment, cwd=PEER_DIR)
    subprocess.run(
        [str(python), "seed_helpdesk.py", str(COUNT), str(open_count), str(clients), PASSWORD],
        check=True,
        env=environment,
        cwd=PEER_DIR,
    )
    subprocess.run(
        ["psql", f"postgres://postgres@127.0.0.1:5432/{database}", "-qc", "ANALYZE"], check=True, env=environment
    )
    return environment


def _measure_theirs(environment, clients, duration):
    """One round on their side: the ticket list, then the ticket form."""
    data_url = re.compile(r'"url": "(/datatables_ticket_list/[^"]+)"')
    with gunicorn(
        "helpdesk_site.wsgi",
        cwd=PEER_DIR,
        environment=environment,
        executable=PEER_VENV / "bin" / "gunicorn",
    ) as (port, _server):
        agents = []
        for i in range(clients):
            agent = Browser(port)
            agent.log_in(f"agent{i}", PASSWORD, path="/login/")
            agents.append(agent)

        def queue(client, index, n):
            status, _headers, body = client.request("GET", "/tickets/")
            assert status == 200, status
            match = data_url.search(body.decode())
            assert match, "the ticket list page names no datatables URL"
            status, _headers, rows = client.request(
                "GET", f"{match.group(1)}?draw=1&start=0&length=25", headers={"X-Requested-With": "XMLHttpRequest"}
            )
            assert status == 200 and b'"data"' in rows, status

        queue_latencies, _ = drive(agents, duration, queue)

        ticket_url = re.compile(r"/tickets/(\d+)/")

        def create(client, index, n):
            from urllib.parse import urlencode

            status, _headers, _body = client.request(
                "POST",
                "/tickets/submit/",
                urlencode(
                    {
                        "csrfmiddlewaretoken": client.cookies["csrftoken"],
                        "queue": "1",
                        "title": "楼道堆放杂物",
                        "body": "楼道里堆满了纸箱和旧家具，堵住了通道，请尽快处理。",
                        "priority": "3",
                        "submitter_email": "resident@example.org",
                        "assigned_to": "",
                    }
                ),
                {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/"},
            )
            location = _headers.get("Location") or ""
            assert status == 302 and ticket_url.search(location), f"submit answered {status} {location}"

        create_latencies, _ = drive(agents, duration, create)
    return _stats(create_latencies, duration), _stats(queue_latencies, duration)


ROUNDS, QUICK_ROUNDS = 3, 1


def _median_stats(rounds):
    return {key: statistics.median(r[key] for r in rounds) for key in ("rate", "p50", "p95")}


def _run(which, quick):
    db = setup_django("peer", "postgres")
    collect_static()
    clients = 2 * (os.cpu_count() or 2)
    duration = QUICK_DURATION if quick else DURATION
    ours = _seed_ours(clients)
    open_count = ours["open"]
    environment = _seed_theirs(clients, open_count)
    # The two servers take turns, round after round, so a noisy moment on a shared machine falls on
    # both sides alike; the figures are the medians of the rounds.
    ours_rounds, theirs_rounds, numbers = [], [], []
    for _ in range(QUICK_ROUNDS if quick else ROUNDS):
        create, queue, filed = _measure_ours(ours, clients, duration)
        ours_rounds.append((create, queue))
        numbers += filed
        theirs_rounds.append(_measure_theirs(environment, clients, duration))
    from civicgrid.cases.models import Case

    assert Case.objects.filter(number__in=numbers).count() == len(numbers)
    ours_create = _median_stats([r[0] for r in ours_rounds])
    ours_queue = _median_stats([r[1] for r in ours_rounds])
    theirs_create = _median_stats([r[0] for r in theirs_rounds])
    theirs_queue = _median_stats([r[1] for r in theirs_rounds])
    version = (PEER_DIR / "requirements.txt").read_text().split("django-helpdesk==", 1)[1].split()[0]
    dataset = (
        f"{COUNT:,} existing cases (ours: generated over the demo `erqi` district) and {COUNT:,} tickets (theirs), "
        f"{open_count:,} open on each side; django-helpdesk {version}; {clients} clients, "
        f"{duration:.0f} s per measurement, medians of {len(ours_rounds)} alternating rounds{' (quick run)' if quick else ''}"
    )

    def describe(ours, theirs):
        return {
            "ours": f"{ours['rate']:.1f}/s, median {ours['p50']:.0f} ms, p95 {ours['p95']:.0f} ms",
            "django-helpdesk": f"{theirs['rate']:.1f}/s, median {theirs['p50']:.0f} ms, p95 {theirs['p95']:.0f} ms",
        }

    results = {
        "create": Result(
            name="peer.helpdesk.create",
            value=ours_create["rate"],
            unit="creates/s",
            better="higher",
            baseline_name="django-helpdesk: staff ticket form",
            baseline_value=theirs_create["rate"],
            target="ours faster (ratio > 1) although intake does more (routing, deadlines, events)",
            dataset=dataset,
            db=db,
            details=describe(ours_create, theirs_create),
        ),
        "queue": Result(
            name="peer.helpdesk.queue",
            value=ours_queue["rate"],
            unit="queue views/s",
            better="higher",
            baseline_name="django-helpdesk: ticket list page + its rows request",
            baseline_value=theirs_queue["rate"],
            target="ours faster (ratio > 1)",
            dataset=dataset,
            db=db,
            details=describe(ours_queue, theirs_queue),
        ),
    }
    # Both figures come from one run; the other one is recorded here too.
    from bench.common import command_line, record

    other = "queue" if which == "create" else "create"
    record([results[other]], os.environ.get("BENCH_COMMAND") or command_line())
    return results[which]


# One run measures both; it is registered under the create name and records the queue entry too.
@benchmark("peer.helpdesk.create")
def create(quick=False):
    return _run("create", quick)
