"""cases.intake_http: residents' reports with a photo through the real HTTP stack, in cases/s.

Server: gunicorn with one sync worker per core (as `make run` and the deployment guide run it),
DEBUG off, on a throwaway database holding the demo `erqi` district (17 streets, 5,657
micro-grids), its staff and one resident account per client. The per-account report rate limit
is lifted (CASES_RESIDENT_REPORTS_PER_HOUR/DAY=0): each client files far more than a resident
would.

Clients: CLIENTS threads (twice the workers, so a worker never waits for a request), each logged
in as its own resident through the login page, posting the 我要上报 form exactly as the browser
does (multipart, CSRF token, a 1280×960 JPEG photo of ~100 kB, a category, a description and a
point drawn uniformly inside the district), keeping its connection open. A report counts when the
server answers with the redirect to the new case; anything else is an error and fails the run.
Every counted report is then checked in the database (one case and one photo each).

Each report is routed (locate → grid, community, street; category → level and department), checked
for nearby duplicates, numbered, given its deadline in working time, written with its hash-chained
event, and its photo is checked by content, stripped of EXIF and thumbnailed.

Baseline, same server, same clients, same run: GET of the health endpoint (a bare Django view
touching the database), in requests/s. The ratio (intake / health) is what a report costs
compared with the cheapest request the server answers.

Run on SQLite (`make run`'s database) and PostgreSQL; the headline is PostgreSQL, what a district runs.
"""

import io
import os
import random
import re
import statistics

from bench.common import OUT_DIR, ROOT, Result, benchmark, collect_static, percentile, setup_django
from bench.httpclient import WARM_UP, Browser, drive, gunicorn, multipart

SEED = 2026
DURATION, QUICK_DURATION = 30.0, 6.0
TARGET = "≥ 20 cases/s on one 2-core server (Erqi's 17,182 cases in five months are ≈ 0.001 cases/s)"


def _photo(seed):
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (1280, 960), (rng.randint(80, 160), rng.randint(80, 160), rng.randint(80, 160)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randint(0, 1200), rng.randint(0, 900)
        draw.rectangle(
            (x, y, x + rng.randint(20, 300), y + rng.randint(20, 200)),
            fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)),
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def civicgrid_server(database):
    """gunicorn serving CivicGrid as a district runs it (DEBUG off, kept database connections),
    with the per-account report limit lifted: each benchmark client files far more than a resident."""
    environment = {
        **os.environ,
        "DEBUG": "0",
        "CASES_RESIDENT_REPORTS_PER_HOUR": "0",
        "CASES_RESIDENT_REPORTS_PER_DAY": "0",
        "CASES_ATTACHMENT_ROOT": str(OUT_DIR / f"attachments-{database}"),
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    return gunicorn("civicgrid.wsgi", cwd=ROOT, environment=environment, executable=ROOT / ".venv" / "bin" / "gunicorn")


def logged_in(port, usernames, password):
    browsers = []
    for username in usernames:
        browser = Browser(port)
        browser.log_in(username, password)
        browsers.append(browser)
    return browsers


def add_residents(count, password):
    """`count` resident accounts in the first community, one per benchmark client."""
    from django.contrib.auth.hashers import make_password

    from civicgrid.accounts.models import Role, RoleAssignment, User
    from civicgrid.regions.models import Level, Region

    community = Region.objects.filter(level=Level.COMMUNITY).order_by("code").first()
    hashed = make_password(password)
    residents = User.objects.bulk_create(
        [User(username=f"bench_resident_{i}", phone=f"1330000{i:04d}", password=hashed) for i in range(count)]
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=Role.RESIDENT, region=community) for user in residents]
    )
    return residents


def reporter(port, categories, lons, lats, photos=()):
    """The work of one 我要上报 form post (with a photo when `photos` are given); returns the new
    case's number, taken from the redirect."""
    rng = random.Random(SEED)
    draws = [(rng.choice(categories), rng.randrange(len(lons))) for _ in range(100_000)]
    location = re.compile(r"/cases/my/([0-9-]+)/")

    def report(client, index, n):
        category, point = draws[(index * 10_007 + n) % len(draws)]
        files = [("photos", "photo.jpg", "image/jpeg", photos[n % len(photos)])] if photos else []
        body, content_type = multipart(
            {
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
                "category": category,
                "description": "楼道里堆满了纸箱和旧家具，堵住了通道，请尽快处理。",
                "lon": f"{lons[point]:.6f}",
                "lat": f"{lats[point]:.6f}",
                "address": "幸福小区3号楼东侧",
            },
            files,
        )
        status, headers, _content = client.request(
            "POST",
            "/cases/report/",
            body,
            {"Content-Type": content_type, "Referer": f"http://127.0.0.1:{port}/cases/report/"},
        )
        match = location.search(headers.get("Location") or "")
        assert status == 302 and match, f"report answered {status} {headers.get('Location')}"
        return match.group(1)

    return report


def _run(name, database, quick):
    db = setup_django(f"cases_intake_{database}", database)
    collect_static()
    from django.db import transaction

    from bench.regions_locate import points_inside
    from civicgrid.accounts.demo import DEMO_PASSWORD, seed_users
    from civicgrid.cases.models import Attachment, Case, Category
    from civicgrid.regions.demo import seed_departments, seed_regions

    workers = os.cpu_count() or 2
    clients_count = 2 * workers
    with transaction.atomic():
        district = seed_regions("erqi", SEED)
        seed_departments(district, "erqi")
        seed_users(district, random.Random(SEED), staff_everywhere=True)
        residents = add_residents(clients_count, DEMO_PASSWORD)
    categories = list(
        Category.objects.selectable().filter(resident_selectable=True).values_list("pk", flat=True).order_by("pk")
    )
    import shapely

    area = shapely.geometry.shape(district.boundary)
    duration = QUICK_DURATION if quick else DURATION
    lons, lats = points_inside(area, 200_000, seed=SEED)
    photos = [_photo(i) for i in range(8)]

    with civicgrid_server(database) as (port, _server):
        health_clients = [Browser(port) for _ in range(clients_count)]

        def health(client, index, n):
            status, _headers, _body = client.request("GET", "/health/")
            assert status == 200, status

        health_latencies, _ = drive(health_clients, duration, health)
        browsers = logged_in(port, [user.username for user in residents], DEMO_PASSWORD)
        before = Case.objects.count()
        latencies, numbers = drive(browsers, duration, reporter(port, categories, lons, lats, photos))

    assert Case.objects.filter(number__in=numbers).count() == len(numbers) == len(set(numbers))
    assert Attachment.objects.filter(case__number__in=numbers).count() >= len(numbers)
    rate = len(latencies) / duration
    health_rate = len(health_latencies) / duration
    return Result(
        name=name,
        value=rate,
        unit="cases/s",
        better="higher",
        baseline_name="GET /health/ through the same server (requests/s)",
        baseline_value=health_rate,
        target=TARGET,
        dataset=(
            f"demo `erqi` district (seed {SEED}); {clients_count} clients × {duration:.0f} s each for the "
            f"reports and for the baseline, after {WARM_UP:.0f} s warm-up; gunicorn {workers} sync workers; "
            f"{len(latencies):,} reports with one ~{statistics.mean(map(len, photos)) / 1024:.0f} kB JPEG each"
            f"{' (quick run)' if quick else ''}"
        ),
        db=db,
        details={
            "report latency": f"median {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms",
            "health latency": f"median {statistics.median(health_latencies):.1f} ms, "
            f"p95 {percentile(health_latencies, 0.95):.1f} ms",
            "cases already in the database": f"{before:,}",
        },
    )


@benchmark("cases.intake_http")
def intake_postgres(quick=False):
    return _run("cases.intake_http", "postgres", quick)


@benchmark("cases.intake_http.sqlite")
def intake_sqlite(quick=False):
    return _run("cases.intake_http.sqlite", "sqlite", quick)
