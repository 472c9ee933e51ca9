"""The district load test (`make bench-load`): load.*, memory.worker_rss_mb, crash.lost_reports.

One modest server — this machine: gunicorn with one worker per core (4 threads each), PostgreSQL,
Redis as the cache — serving the `district` dataset (the demo district's regions and staff, a year
of generated cases with their events, and archive copies of closed cases back to 2,000,000 rows),
driven by locust (bench/locustfile.py) with the people of a working day:

1. baseline: one user of each kind, unhurried — each request type's p95 with nobody else around;
2. the mix: residents reporting with a photo and following their cases, grid workers signing and
   reporting tasks done, dispatchers accepting, dispatching, verifying and closing, big screens
   refreshing — sustained requests/s, p50/p95/p99 per request type, the error rate (must be 0);
   the workers' resident set size is sampled at rest and all through it;
3. the peak: residents reporting back to back, nothing else — how many reports a minute it holds,
   set against the seed articles' own volumes;
4. crash safety (bench/crash.py): reports sent with submission keys while a worker is killed with
   SIGKILL and PostgreSQL is restarted; every acknowledged report must be stored, once.

The benchmark database is civicgrid_bench_load; BENCH_LOAD_REUSE=1 keeps it between runs (the
build is most of the time). The crash test restarts the machine's PostgreSQL: never run it while
anything else uses that server.
"""

import json
import os
import random
import statistics
import subprocess
import time
from pathlib import Path

from bench import crash
from bench.common import OUT_DIR, ROOT, Result, benchmark, collect_static, command_line, record
from bench.load_server import (
    DATABASE,
    SERVER,
    THREADS,
    MemorySampler,
    background_workers,
    cpu_by_program,
    health_rate,
    machine_busy,
    ms,
    queued_tasks,
    rss_mb,
    run_locust,
    serve,
    worker_pids,
)

SEED = 2026
CASES, QUICK_CASES = 2_000_000, 120_000
LIVE, QUICK_LIVE = 150_000, 30_000
COMMUNITIES = 8
RESIDENTS_PER_COMMUNITY = 30
USERS, QUICK_USERS = int(os.environ.get("BENCH_LOAD_USERS", 160)), 60
DURATION, QUICK_DURATION = 180, 40
PEAK_USERS = 12
SIGN_IN_USERS, SIGN_IN_SECONDS = 200, 60  # 200 residents signing in within a minute (issue 15 item 6)
PEAK_DURATION, QUICK_PEAK_DURATION = 60, 20
BASELINE_DURATION, QUICK_BASELINE_DURATION = 40, 15
# The seed articles' volumes: Shibei (市北区) took 27,344 issues in the five months from its launch
# at the end of November 2019 to 24 April 2020 (146 days); Erqi (二七区) 17,182 cases in all.
SHIBEI_ISSUES, SHIBEI_DAYS = 27_344, 146
ERQI_CASES = 17_182


# --- The dataset -----------------------------------------------------------------------------------


def open_database(quick):
    """Point Django at civicgrid_bench_load, building the dataset unless BENCH_LOAD_REUSE=1 finds it
    built at this size. Returns (database description, dataset facts)."""
    import psycopg

    target = QUICK_CASES if quick else CASES
    reuse = os.environ.get("BENCH_LOAD_REUSE") == "1"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not (reuse and exists):
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
    # Benchmark-only keys for the people app's encrypted fields (the server inherits them).
    os.environ.setdefault("PEOPLE_DATA_KEY", "YmVuY2gtb25seS1kYXRhLWtleS0wMTIzNDU2Nzg5YWI=")
    os.environ.setdefault("PEOPLE_HASH_KEY", "YmVuY2gtb25seS1oYXNoLWtleS0wMTIzNDU2Nzg5YWI=")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from civicgrid.cases.models import Case
    from civicgrid.people.models import Person

    facts = {}
    if not (reuse and Case.objects.count() >= target and Person.objects.exists()):
        facts = build_dataset(quick)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} (database {DATABASE})", facts


def build_dataset(quick):
    from django.db import transaction

    from bench.bulk_cases import generate_cases
    from bench.datasets import archive_copies
    from civicgrid.accounts.demo import seed_users
    from civicgrid.cases.models import Case
    from civicgrid.regions.demo import seed_departments, seed_regions
    from civicgrid.regions.models import Region

    started = time.monotonic()
    live = QUICK_LIVE if quick else LIVE
    district = Region.objects.filter(parent__isnull=True).first()
    reused = district is not None and Case.objects.exists()
    if not reused:  # BENCH_LOAD_REUSE=1 keeps what a cut run built
        with transaction.atomic():
            district = seed_regions("district", SEED)
            seed_departments(district, "district")
            seed_users(district, random.Random(SEED), staff_everywhere=True)
        generate_cases(live, district=district, seed=SEED, batch_size=10_000)
    generated = time.monotonic() - started
    copied = archive_copies(QUICK_CASES if quick else CASES)
    copying = time.monotonic() - started - generated
    persons = seed_persons(district, quick)
    people_seconds = time.monotonic() - started - generated - copying
    from django.core.management import call_command

    call_command("rebuild_rollups", verbosity=0)
    return {
        "building the dataset": (
            f"{time.monotonic() - started:.0f} s ("
            + ("cases reused from an earlier run, " if reused else f"{live:,} generated cases in {generated:.0f} s, ")
            + f"{copied:,} archive copies in SQL in {copying:.0f} s, {persons:,} persons in {people_seconds:.0f} s, "
            "then the dashboard rollups rebuilt)"
        )
    }


def seed_persons(district, quick):
    """The residents on record: the people app's demo generator with more buildings per grid than
    its `district` demo, so the load test's district holds more than a million persons."""
    from civicgrid.people import demo

    demo.PEOPLE_SCALES["load"] = {**demo.PEOPLE_SCALES["district"], "buildings": 3 if quick else 30}
    return demo.seed_people(district, "load", SEED)


def describe_dataset():
    from civicgrid.cases.models import OPEN_STATUSES, Case, CaseEvent
    from civicgrid.people.models import Person
    from civicgrid.regions.models import Level, Region

    counts = {level: Region.objects.filter(level=level).count() for level in Level.values}
    return (
        f"demo `district` scale (seed {SEED}): {counts[Level.STREET]} streets, {counts[Level.COMMUNITY]} communities, "
        f"{counts[Level.GRID]} grids; {Case.objects.count():,} cases ({Case.objects.filter(status__in=OPEN_STATUSES).count():,} open), "
        f"{CaseEvent.objects.count():,} case events; {Person.objects.count():,} persons on record"
    )


# --- The people in the test ------------------------------------------------------------------------


def _photo():
    from bench.cases_intake import _photo as photo

    path = OUT_DIR / "load-photo.jpg"
    path.write_bytes(photo(SEED))
    return path


def write_plan(screen_paths):
    """The accounts, places and photo the locust users take; returns the plan file."""
    import shapely
    from django.contrib.auth.hashers import make_password

    from bench.regions_locate import points_inside
    from civicgrid.accounts.demo import DEMO_PASSWORD
    from civicgrid.accounts.models import Role, RoleAssignment, User
    from civicgrid.cases.models import Category
    from civicgrid.regions.models import Level, Region

    rng = random.Random(SEED)
    communities = rng.sample(list(Region.objects.filter(level=Level.COMMUNITY).order_by("code")), COMMUNITIES)
    hashed = make_password(DEMO_PASSWORD)
    residents, dispatchers, grid_workers = [], [], []
    for community in communities:
        lons, lats = points_inside(shapely.geometry.shape(community.boundary), 60, seed=int(community.code[-4:]))
        points = [[lon, lat] for lon, lat in zip(lons, lats, strict=True)]
        for i in range(RESIDENTS_PER_COMMUNITY):
            username = f"load_{community.code}_{i}"
            user, created = User.objects.get_or_create(username=username, defaults={"password": hashed})
            if created:
                RoleAssignment.objects.create(user=user, role=Role.RESIDENT, region=community)
            residents.append({"username": username, "points": points})
        staff = RoleAssignment.objects.active().filter(region=community, role=Role.COMMUNITY_STAFF)
        dispatchers += [{"username": a.user.username} for a in staff.select_related("user")]
        workers = RoleAssignment.objects.active().filter(
            role=Role.GRID_WORKER, region__code__startswith=community.code, region__level=Level.GRID
        )
        grid_workers += [{"username": a.user.username} for a in workers.select_related("user")]
    rng.shuffle(residents)
    categories = list(
        Category.objects.selectable().filter(resident_selectable=True).values_list("pk", flat=True).order_by("pk")
    )
    plan = {
        "password": DEMO_PASSWORD,
        "photo": str(_photo()),
        "categories": categories,
        "residents": residents,
        "grid_workers": grid_workers,
        "dispatchers": dispatchers,
        "screens": [{"username": "zhihui"}, {"username": "jiedao"}],
        "screen_paths": screen_paths,
        "screen_refresh_seconds": 10,
    }
    path = OUT_DIR / "load-plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return path, communities


SCREEN_PANELS = ("summary", "trend", "categories", "rankings", "map", "markers", "population", "warnings", "needs")


def screen_paths():
    """What a big screen asks for on each refresh (civicgrid/dashboard/static/dashboard/screen.js):
    every panel's data endpoint, for the viewer's own region."""
    from django.urls import reverse

    return [(panel, reverse(f"dashboard:{panel}")) for panel in SCREEN_PANELS]


CRASH_REPORTERS = 8
CRASH_SECONDS, QUICK_CRASH_SECONDS = 40, 20


def crash_phase(port, server, plan_file, quick):
    """The load mix in the background and phones reporting through a worker kill and a database
    restart (bench/crash.py)."""

    seconds = QUICK_CRASH_SECONDS if quick else CRASH_SECONDS
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    residents = [r["username"] for r in plan["residents"][-CRASH_REPORTERS:]]
    details = {
        "categories": plan["categories"],
        "point": plan["residents"][-1]["points"][0],
        "photo": Path(plan["photo"]).read_bytes(),
    }
    background = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str((QUICK_USERS if quick else USERS) // 2),
            "--spawn-rate",
            "20",
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "ERROR",
            "Resident",
            "GridWorker",
            "Dispatcher",
            "BigScreen",
        ],
        env={**os.environ, "LOAD_PLAN": str(plan_file)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return crash.run(port, server.pid, worker_pids, residents, plan["password"], details, seconds)
    finally:
        background.wait(timeout=seconds + 60)


def key_of(name):
    return "".join(c if c.isalnum() else "_" for c in name.replace(": ", "_")).strip("_").lower()


# --- The benchmark -------------------------------------------------------------------------------------


@benchmark("load.sustained_rps")
def load(quick=False):
    OUT_DIR.mkdir(exist_ok=True)
    db, facts = open_database(quick)
    collect_static()
    from django.db import connection

    from civicgrid.cases.models import Case

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    plan, _communities = write_plan(screen_paths())
    dataset = describe_dataset()
    connection.close()
    duration = QUICK_DURATION if quick else DURATION
    users = QUICK_USERS if quick else USERS
    mix = ["Resident", "GridWorker", "Dispatcher", "BigScreen"]
    before = Case.objects.count()
    cpu = {}
    with background_workers() as celery_worker, serve() as (port, server):
        time.sleep(3)
        rest = [rss_mb(pid) for pid in worker_pids(server.pid)]
        # One user of each kind, each alone (locust shares users out by weight, so a single run of
        # four users can leave a kind out).
        baseline = {}
        for kind in mix:
            seconds = (QUICK_BASELINE_DURATION if quick else BASELINE_DURATION) // 2
            baseline.update(run_locust(port, plan, [kind], 1, seconds, f"baseline-{kind.lower()}"))
        rest_after_warm_up = [size for pid in worker_pids(server.pid) if (size := rss_mb(pid))]
        health = health_rate(port, 10 if quick else 20)
        sampler = MemorySampler(server.pid)
        sampler.start()
        busy_before, total_before = machine_busy()
        programs_before = cpu_by_program()
        rows = run_locust(port, plan, mix, users, duration, "mix", cpu=cpu)
        busy_after, total_after = machine_busy()
        programs = {name: used - programs_before[name] for name, used in cpu_by_program().items()}
        sampler.stop()
        backlog = queued_tasks()
        celery_rss = rss_mb(celery_worker)
        peak_seconds = QUICK_PEAK_DURATION if quick else PEAK_DURATION
        peak = run_locust(port, plan, ["PeakReporter"], PEAK_USERS, peak_seconds, "peak")
        sign_in = run_locust(
            port,
            plan,
            ["SignIn"],
            SIGN_IN_USERS,
            SIGN_IN_SECONDS + 15,
            "sign-in",
            spawn_rate=SIGN_IN_USERS / SIGN_IN_SECONDS,
            reset=False,
        )
        workers = len(worker_pids(server.pid))
        # BENCH_LOAD_CRASH=0 skips the crash phase (it restarts the machine's PostgreSQL).
        crash_outcome = crash_phase(port, server, plan, quick) if os.environ.get("BENCH_LOAD_CRASH") != "0" else None
    connection.close()
    written = Case.objects.count() - before

    total = rows.pop("Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    rps = float(total["Requests/s"])
    error_rate = 100.0 * failures / requests if requests else 0.0
    reports = peak.get("resident: report with photo")
    reports_per_minute = float(reports["Requests/s"]) * 60 if reports else 0.0
    shibei_per_minute = SHIBEI_ISSUES / (SHIBEI_DAYS * 24 * 60)
    machine_note = (
        f"gunicorn {workers} gthread workers × {THREADS} threads (workers = cores), PostgreSQL, Redis cache and "
        "broker, one Celery worker process and beat"
    )
    ticks = os.sysconf("SC_CLK_TCK")
    wall_cpu = (total_after - total_before) / ticks  # CPU seconds the machine had (all cores)
    machine_share = 100.0 * (busy_after - busy_before) / (total_after - total_before)
    generator_share = 100.0 * cpu["mix"] / wall_cpu if wall_cpu else 0.0
    common = {
        "dataset": f"{dataset}; {users} locust users × {duration} s after ramp-up{' (quick run)' if quick else ''}",
        "db": db,
    }
    results = []
    for name, row in sorted(rows.items()):
        if name in ("login", "login form", "case version") or not int(row["Request Count"]):
            continue
        alone = baseline.get(name)
        if alone is None or not int(alone["Request Count"]):
            continue  # no unhurried sample to compare with: reported in the mix's details only
        alone_p95 = ms(alone, "95%")
        results.append(
            Result(
                name=f"load.{key_of(name)}_p95",
                value=ms(row, "95%"),
                unit="ms",
                better="lower",
                baseline_name="the same request with one user of each kind (same run, same server)",
                baseline_value=alone_p95,
                target="p95 stays usable under the district's load (≤ 1 s for pages, 0 errors)",
                details={
                    "requests": f"{int(row['Request Count']):,} ({float(row['Requests/s']):.1f}/s), failures {int(row['Failure Count'])}",
                    "p50 / p95 / p99": f"{ms(row, '50%'):.0f} / {ms(row, '95%'):.0f} / {ms(row, '99%'):.0f} ms",
                },
                **common,
            )
        )
    per_type = "; ".join(
        f"{name} {ms(row, '50%'):.0f}/{ms(row, '95%'):.0f}/{ms(row, '99%'):.0f} ms ({float(row['Requests/s']):.1f}/s)"
        for name, row in sorted(rows.items())
        if int(row["Request Count"])
    )
    results.append(
        Result(
            name="load.sustained_rps",
            value=rps,
            unit="requests/s",
            better="higher",
            baseline_name="the same server's health endpoint, same run",
            baseline_value=health,
            target="holds the district mix with 0 errors",
            details={
                "server": machine_note,
                "requests": f"{requests:,} in {duration} s, {failures} failed; {written:,} cases filed during the test",
                "CPU during the mix": (
                    f"machine {machine_share:.0f}% busy; the load generator (locust FastHttpUser, same box) used "
                    f"{cpu['mix']:.0f} CPU s of {wall_cpu:.0f}, {generator_share:.0f}% of the machine; "
                    + ", ".join(f"{name} {used:.0f} s" for name, used in programs.items())
                    + f"; {sum(programs.values()) * 1000 / requests:.1f} CPU ms per request in the server's programs"
                    if requests
                    else ""
                ),
                "background work": (
                    f"{backlog} tasks still queued on Redis when the mix ended; Celery worker {celery_rss or 0:.0f} MB"
                ),
                "p50/p95/p99 per request type": per_type,
                **facts,
            },
            **common,
        )
    )
    results.append(
        Result(
            name="load.error_rate",
            value=error_rate,
            unit="%",
            better="lower",
            baseline_name="target: no failed request",
            baseline_value=0.0,
            target="0",
            details={"failed requests": f"{failures} of {requests:,}"},
            **common,
        )
    )
    results.append(
        Result(
            name="load.peak_reports_per_minute",
            value=reports_per_minute,
            unit="reports/min",
            better="higher",
            baseline_name="Shibei's average rate (27,344 issues in 146 days)",
            baseline_value=shibei_per_minute,
            target="far above the seed districts' volumes",
            details={
                "peak run": f"{PEAK_USERS} residents reporting with a ~60 kB photo back to back for {peak_seconds} s",
                "p50 / p95 of a report": f"{ms(reports, '50%'):.0f} / {ms(reports, '95%'):.0f} ms" if reports else "—",
                "Shibei's five months": f"{SHIBEI_ISSUES / reports_per_minute:.0f} minutes at this rate"
                if reports_per_minute
                else "—",
                "Erqi's 17,182 cases": f"{ERQI_CASES / reports_per_minute:.0f} minutes at this rate"
                if reports_per_minute
                else "—",
            },
            **common,
        )
    )
    login = sign_in.get("login")
    if login and int(login["Request Count"]):
        results.append(
            Result(
                name="load.login_p95",
                value=ms(login, "95%"),
                unit="ms",
                better="lower",
                baseline_name="the login form (GET) in the same phase",
                baseline_value=ms(sign_in["login form"], "95%"),
                target="≤ 100 ms CPU per login at Argon2id m = 19 MiB, t = 2, p = 1; 200 sign-ins within a minute",
                details={
                    "sign-ins": (
                        f"{int(login['Request Count']):,} residents, spawned at {SIGN_IN_USERS / SIGN_IN_SECONDS:.1f}/s, "
                        f"{int(login['Failure Count'])} failed"
                    ),
                    "p50 / p95 / p99": f"{ms(login, '50%'):.0f} / {ms(login, '95%'):.0f} / {ms(login, '99%'):.0f} ms",
                },
                **common,
            )
        )
    rest_mb = statistics.median([size for size in rest_after_warm_up or rest if size])
    results.append(
        Result(
            name="memory.worker_rss_mb",
            value=sampler.peak,
            unit="MB",
            better="lower",
            baseline_name="a worker at rest, after warm-up",
            baseline_value=rest_mb,
            target="a worker fits comfortably in a small server's memory",
            details={
                "at start": ", ".join(f"{size:.0f}" for size in rest if size) + " MB",
                "under the mix (median of per-second maxima)": f"{statistics.median(sampler.samples):.0f} MB"
                if sampler.samples
                else "—",
            },
            **common,
        )
    )
    if crash_outcome is not None:
        results.append(crash_result(crash_outcome, common))
    command = os.environ.get("BENCH_COMMAND") or command_line()
    headline = results.pop(next(i for i, r in enumerate(results) if r.name == "load.sustained_rps"))
    record(results, command)
    return headline


def crash_result(crash_outcome, common):
    crashed = crash.count(crash_outcome)
    return Result(
        name="crash.lost_reports",
        value=crashed["lost"],
        unit="reports",
        better="lower",
        baseline_name="target: no acknowledged report lost",
        baseline_value=0,
        target="0 lost, 0 duplicated, recovers by itself",
        details={
            "what happened": (
                f"the mix ran while {CRASH_REPORTERS} residents reported with submission keys; worker "
                f"{crash_outcome['killed worker']} was killed with SIGKILL, then PostgreSQL restarted "
                f"({crash_outcome['postgres restart seconds']:.1f} s)"
            ),
            **{key: f"{value:,}" for key, value in crashed.items()},
            "served again afterwards without manual steps": "yes" if crash_outcome["recovered"] else "NO",
        },
        **common,
    )
