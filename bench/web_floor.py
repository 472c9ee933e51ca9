"""web.floor: what an authenticated staff page costs before its own content, in CPU ms.

Measured in-process with Django's test client (no network, no server): a street dispatcher of the
demo `erqi` district (17 streets, 5,657 micro-grids), logged in, requests a page that is only the
frame — every middleware, the session and the user, the idle-time and password checks, role
assignments and scope, the navigation bar with its menus, header and footer (base.html with an
empty content block). The figure is the median CPU time (time.process_time) per request.

Baseline, same process and run: Django's own floor — a bare logged-in view (the session and the
user loaded, as `login_required` does) returning a template of the same size (the frame's HTML as
plain text), through the same middleware, with no context processors, tags or project code. The
ratio (baseline / frame) says how close the frame is to what Django itself costs.
"""

import random
import statistics
import time

from bench.common import Result, benchmark, collect_static, setup_django

SEED = 2026
REQUESTS, QUICK_REQUESTS = 2000, 200
TARGET = "≤ 5 ms CPU per request, ratio ≥ 0.5"


def _cpu_ms(client, url, count):
    timings = []
    for _ in range(count):
        started = time.process_time()
        response = client.get(url)
        timings.append((time.process_time() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


@benchmark("web.floor")
def web_floor(quick):
    db = setup_django("web_floor", "sqlite")
    collect_static()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench import floor_urls
    from civicgrid.accounts.demo import seed_users
    from civicgrid.accounts.models import User
    from civicgrid.regions.demo import seed_departments, seed_regions

    with transaction.atomic():
        district = seed_regions("erqi", SEED)
        seed_departments(district, "erqi")
        seed_users(district, random.Random(SEED), staff_everywhere=True)
    count = QUICK_REQUESTS if quick else REQUESTS
    with override_settings(ROOT_URLCONF="bench.floor_urls", DEBUG=False, ALLOWED_HOSTS=["*"]):
        staff = Client()
        staff.force_login(User.objects.get(username="jiedao"))
        html = staff.get("/bench/frame/").content.decode()
        floor_urls.BARE["html"] = html.replace("{", "{ ")  # the same bytes, read as plain text
        _cpu_ms(staff, "/bench/frame/", 50)
        _cpu_ms(staff, "/bench/bare/", 50)
        with CaptureQueriesContext(connection) as queries:
            staff.get("/bench/frame/")
        frame, bare = [], []
        for _ in range(10):  # interleaved, so both see the same machine
            frame += _cpu_ms(staff, "/bench/frame/", count // 10)
            bare += _cpu_ms(staff, "/bench/bare/", count // 10)
    value, baseline = statistics.median(frame), statistics.median(bare)
    return Result(
        name="web.floor",
        value=value,
        unit="ms",
        better="lower",
        baseline_name="a bare logged-in Django view returning a template of the same size (CPU ms)",
        baseline_value=baseline,
        target=TARGET,
        dataset=(
            f"demo `erqi` regions and staff (seed {SEED}); street dispatcher `jiedao`; {len(frame):,} frame "
            f"requests and {len(bare):,} bare ones by the same user, interleaved, Django test client, DEBUG off"
            f"{' (quick run)' if quick else ''}"
        ),
        db=db,
        details={
            "frame": f"{len(html):,} characters, {len(queries.captured_queries)} queries: "
            + "; ".join(query["sql"][:60] for query in queries.captured_queries),
            "p95": f"frame {sorted(frame)[int(len(frame) * 0.95)]:.2f} ms, bare {sorted(bare)[int(len(bare) * 0.95)]:.2f} ms",
            "language": settings.LANGUAGE_CODE,
        },
    )
