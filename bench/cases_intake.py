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

import http.client
import io
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.common import OUT_DIR, ROOT, Result, benchmark, collect_static, percentile, setup_django

SEED = 2026
DURATION, QUICK_DURATION = 30.0, 6.0
WARM_UP = 3.0
TARGET = "≥ 20 cases/s on one 2-core server (Erqi's 17,182 cases in five months are ≈ 0.001 cases/s)"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def _multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content_type, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One client: a kept-alive connection and its cookies."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Host"] = "127.0.0.1"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection between requests: open a new one.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, response.headers, content

    def log_in(self, username, password):
        self.request("GET", "/accounts/login/")
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"},
        )
        assert status == 302, f"login of {username} failed: {status}"


def _drive(clients, seconds, work):
    """Run `work(client, index)` in a loop on every client for `seconds` after a warm-up; returns
    (latencies in ms of the counted calls, results of the counted calls)."""
    stop_at = time.perf_counter() + WARM_UP + seconds
    count_from = time.perf_counter() + WARM_UP
    latencies, results, errors = [], [], []
    lock = threading.Lock()

    def loop(client, index):
        n = 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                result = work(client, index, n)
            except Exception as error:  # every failure is reported and fails the run
                with lock:
                    errors.append(repr(error))
                return
            n += 1
            if started >= count_from:
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    results.append(result)

    threads = [threading.Thread(target=loop, args=(c, i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} request(s) failed, e.g. {errors[0]}")
    return latencies, results


def _run(name, database, quick):
    db = setup_django(f"cases_intake_{database}", database)
    collect_static()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from bench.regions_locate import points_inside
    from civicgrid.accounts.demo import DEMO_PASSWORD, seed_users
    from civicgrid.accounts.models import Role, RoleAssignment, User
    from civicgrid.cases.models import Attachment, Case, Category
    from civicgrid.regions.demo import seed_departments, seed_regions
    from civicgrid.regions.models import Level, Region

    workers = os.cpu_count() or 2
    clients_count = 2 * workers
    with transaction.atomic():
        district = seed_regions("erqi", SEED)
        seed_departments(district, "erqi")
        seed_users(district, random.Random(SEED), staff_everywhere=True)
        community = Region.objects.filter(level=Level.COMMUNITY).order_by("code").first()
        password = make_password(DEMO_PASSWORD)
        residents = User.objects.bulk_create(
            [
                User(username=f"bench_resident_{i}", phone=f"1330000{i:04d}", password=password)
                for i in range(clients_count)
            ]
        )
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=Role.RESIDENT, region=community) for user in residents]
        )
    categories = list(
        Category.objects.selectable().filter(resident_selectable=True).values_list("pk", flat=True).order_by("pk")
    )
    import shapely

    area = shapely.geometry.shape(district.boundary)
    duration = QUICK_DURATION if quick else DURATION
    lons, lats = points_inside(area, 200_000, seed=SEED)
    photos = [_photo(i) for i in range(8)]

    port = _free_port()
    attachments = OUT_DIR / f"attachments-{database}"
    environment = {
        **os.environ,
        "DEBUG": "0",
        "CASES_RESIDENT_REPORTS_PER_HOUR": "0",
        "CASES_RESIDENT_REPORTS_PER_DAY": "0",
        "CASES_ATTACHMENT_ROOT": str(attachments),
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "civicgrid.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=sys.stderr,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/health/")
                break
            except OSError:
                time.sleep(0.1)
        health_clients = [Browser(port) for _ in range(clients_count)]

        def health(client, index, n):
            status, _headers, _body = client.request("GET", "/health/")
            assert status == 200, status

        health_latencies, _ = _drive(health_clients, duration, health)

        browsers = []
        for user in residents:
            browser = Browser(port)
            browser.log_in(user.username, DEMO_PASSWORD)
            browsers.append(browser)
        rng = random.Random(SEED)
        draws = [(rng.choice(categories), rng.randrange(len(lons))) for _ in range(100_000)]
        location = re.compile(r"/cases/my/([0-9-]+)/")

        def report(client, index, n):
            category, point = draws[(index * 10_007 + n) % len(draws)]
            body, content_type = _multipart(
                {
                    "csrfmiddlewaretoken": client.cookies["csrftoken"],
                    "category": category,
                    "description": "楼道里堆满了纸箱和旧家具，堵住了通道，请尽快处理。",
                    "lon": f"{lons[point]:.6f}",
                    "lat": f"{lats[point]:.6f}",
                    "address": "幸福小区3号楼东侧",
                },
                [("photos", "photo.jpg", "image/jpeg", photos[n % len(photos)])],
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

        before = Case.objects.count()
        latencies, numbers = _drive(browsers, duration, report)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

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
