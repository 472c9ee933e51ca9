"""Where the milliseconds of five everyday requests go: CPU ms per request, queries, and a cProfile
split by layer — for comparing two commits on a busy machine (issue 15, docs/benchmarks.md).

Run from the root of each checkout, alternating, and compare:
    .venv/bin/python scripts/profile_pages.py TAG [ROUNDS] [--db postgres|sqlite]
It builds a throwaway database `civicgrid_bench_profile_TAG` with the demo `erqi` regions and staff
and 50,000 generated cases, then for each request — a resident's report POST without a photo, the
street dispatcher's queue, a case's staff page, the grid worker's task list, the resident's "my
reports" — times ROUNDS × 20 requests (process CPU time, median), counts the queries of one, and
profiles 20 more with cProfile (on the process's CPU clock), summing each function's own time into
layers by its file.
"""

import argparse
import cProfile
import logging
import os
import pstats
import random
import statistics
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DEBUG", "0")
os.environ["CASES_RESIDENT_REPORTS_PER_HOUR"] = "0"
os.environ["CASES_RESIDENT_REPORTS_PER_DAY"] = "0"

from bench.common import collect_static, setup_django

LAYERS = (
    ("templates", ("django/template/", "django/templatetags/", "templatetags/")),
    ("ORM and driver", ("django/db/", "psycopg", "sqlite3")),
    (
        "request, session, auth, middleware",
        (
            "django/core/handlers",
            "django/middleware",
            "django/contrib/sessions",
            "django/contrib/auth",
            "django/contrib/messages",
            "axes/",
            "whitenoise",
            "django_htmx",
            "middleware.py",
            "django/test/",
            "django/http/",
            "django/urls/",
        ),
    ),
    ("forms and validation", ("django/forms/", "django/core/validators")),
    ("translation", ("django/utils/translation", "gettext")),
    ("project code", ("civicgrid/",)),
)


def layer_of(filename):
    for name, needles in LAYERS:
        if any(needle in filename for needle in needles):
            return name
    return "other (stdlib, libraries)"


def split(profile, requests):
    stats = pstats.Stats(profile)
    totals = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        layer = layer_of(filename)
        totals[layer] = totals.get(layer, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    return {layer: (seconds / whole, seconds * 1000 / requests) for layer, seconds in totals.items()}


def main(tag, rounds, db, cases=50_000):
    setup_django("profile_" + tag, db)
    collect_static()
    import shapely
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.bulk_cases import generate_cases
    from bench.cases_intake import add_residents
    from bench.cases_queue import _analyse
    from bench.regions_locate import points_inside
    from civicgrid.accounts.demo import DEMO_PASSWORD, seed_users
    from civicgrid.accounts.models import User
    from civicgrid.cases.models import Case, Category
    from civicgrid.regions.demo import seed_departments, seed_regions

    with transaction.atomic():
        district = seed_regions("erqi", 2026)
        seed_departments(district, "erqi")
        seed_users(district, random.Random(2026), staff_everywhere=True)
        resident = add_residents(1, DEMO_PASSWORD)[0]
    generate_cases(cases, district=district, seed=2026, batch_size=10_000)
    _analyse()
    categories = list(
        Category.objects.selectable().filter(resident_selectable=True).values_list("pk", flat=True).order_by("pk")
    )
    lons, lats = points_inside(shapely.geometry.shape(district.boundary), 5000, seed=2026)

    def client_for(user):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return client

    reporter = client_for(resident)
    dispatcher = User.objects.get(username="jiedao")
    street = dispatcher.role_assignments.get().region
    case = Case.objects.filter(street=street).order_by("-pk").first()
    pages = {
        "report POST (no photo)": None,
        "dispatcher queue": (client_for(dispatcher), reverse("cases:staff_queue")),
        "case page (staff)": (client_for(dispatcher), reverse("cases:staff_detail", args=[case.number])),
        "grid worker's tasks": (client_for(User.objects.get(username="wanggeyuan")), reverse("cases:tasks")),
        "resident's my reports": (reporter, reverse("cases:my_reports")),
    }
    posted = [0]

    def post():
        i = posted[0] % len(lons)
        posted[0] += 1
        data = {
            "category": categories[i % len(categories)],
            "description": "楼道里堆满了纸箱和旧家具，堵住了通道，请尽快处理。",
            "lon": f"{lons[i]:.6f}",
            "lat": f"{lats[i]:.6f}",
            "address": "幸福小区3号楼东侧",
        }
        assert reporter.post("/cases/report/", data).status_code == 302

    def request_for(name):
        if pages[name] is None:
            return post
        client, url = pages[name]

        def get():
            assert client.get(url).status_code == 200

        return get

    rows = []
    for name in pages:
        run = request_for(name)
        for _ in range(5):
            run()
        with CaptureQueriesContext(connection) as captured:
            run()
        queries = len(captured.captured_queries)  # now: the next request empties the log
        timings = []
        for _ in range(rounds):
            for _ in range(20):
                started = time.process_time()
                run()
                timings.append((time.process_time() - started) * 1000)
        profile = cProfile.Profile(time.process_time)  # CPU, like the medians: not the waits
        profile.enable()
        for _ in range(20):
            run()
        profile.disable()
        rows.append((name, statistics.median(timings), queries, split(profile, 20)))

    print(f"## {tag} ({db}, {rounds * 20} timed requests per page)\n")
    print("| request | CPU ms (median) | queries | where the profiled time goes (share of own time) |")
    print("|---|---:|---:|---|")
    for name, median, queries, layers in rows:
        parts = ", ".join(
            f"{layer} {share:.0%}" for layer, (share, _ms) in sorted(layers.items(), key=lambda item: -item[1][0])
        )
        print(f"| {name} | {median:.1f} | {queries} | {parts} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("tag")
    parser.add_argument("rounds", nargs="?", type=int, default=3)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--cases", type=int, default=50_000)
    options = parser.parse_args()
    logging.disable(logging.INFO)  # the console channel's lines are not what is measured
    main(options.tag, options.rounds, options.db, options.cases)
