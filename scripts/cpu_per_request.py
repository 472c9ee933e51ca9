"""CPU milliseconds per request of the report POST and the dispatcher queue, in-process, for comparing
two commits on a busy machine (the process's own CPU time, not the wall clock).

Run from the root of each checkout, alternating, and compare the medians and query counts:
    .venv/bin/python scripts/cpu_per_request.py TAG [ROUNDS]
It builds a throwaway PostgreSQL database `civicgrid_bench_abcpu_TAG` holding the demo `erqi`
regions and staff and 50,000 generated cases, then times ROUNDS × (40 report posts with a ~60 kB
photo by one resident, and the street dispatcher's eight queue requests of bench/cases_queue.py).
"""

import io
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DEBUG", "0")
os.environ["CASES_RESIDENT_REPORTS_PER_HOUR"] = "0"
os.environ["CASES_RESIDENT_REPORTS_PER_DAY"] = "0"

from bench.common import setup_django


def main(tag, rounds):
    setup_django("abcpu_" + tag, "postgres")
    import shapely
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.bulk_cases import generate_cases
    from bench.cases_intake import _photo, add_residents
    from bench.cases_queue import _analyse, _requests
    from bench.regions_locate import points_inside
    from civicgrid.accounts.demo import DEMO_PASSWORD, seed_users
    from civicgrid.accounts.models import User
    from civicgrid.cases.models import Category
    from civicgrid.regions.demo import seed_departments, seed_regions

    with transaction.atomic():
        district = seed_regions("erqi", 2026)
        seed_departments(district, "erqi")
        seed_users(district, random.Random(2026), staff_everywhere=True)
        resident = add_residents(1, DEMO_PASSWORD)[0]
    generate_cases(50_000, district=district, seed=2026, batch_size=10_000)
    _analyse()
    categories = list(
        Category.objects.selectable().filter(resident_selectable=True).values_list("pk", flat=True).order_by("pk")
    )
    lons, lats = points_inside(shapely.geometry.shape(district.boundary), 5000, seed=2026)
    photo = _photo(1)
    reporter = Client(HTTP_HOST="127.0.0.1")
    reporter.force_login(resident)
    posted = [0]

    def post():
        i = posted[0]
        posted[0] += 1
        upload = io.BytesIO(photo)
        upload.name = "photo.jpg"
        data = {
            "category": categories[i % len(categories)],
            "description": "楼道里堆满了纸箱和旧家具，堵住了通道，请尽快处理。",
            "lon": f"{lons[i]:.6f}",
            "lat": f"{lats[i]:.6f}",
            "address": "幸福小区3号楼东侧",
            "photos": upload,
        }
        assert reporter.post("/cases/report/", data).status_code == 302

    dispatcher = User.objects.get(username="jiedao")
    queue_client = Client(HTTP_HOST="127.0.0.1")
    queue_client.force_login(dispatcher)
    url = reverse("cases:staff_queue")
    requests = _requests(dispatcher.role_assignments.get().region.code)

    def queue():
        for params in requests:
            assert queue_client.get(url, params).status_code == 200

    for _ in range(5):
        post()
    queue()
    with CaptureQueriesContext(connection) as report_queries:
        post()
    with CaptureQueriesContext(connection) as queue_queries:
        queue()
    report_ms, queue_ms = [], []
    for _ in range(rounds):
        for _ in range(40):
            started = time.process_time()
            post()
            report_ms.append((time.process_time() - started) * 1000)
        for params in requests:
            started = time.process_time()
            queue_client.get(url, params)
            queue_ms.append((time.process_time() - started) * 1000)
    print(
        f"{tag}: report POST {statistics.median(report_ms):.1f} ms CPU median of {len(report_ms)}, "
        f"{len(report_queries.captured_queries)} queries; queue {statistics.median(queue_ms):.1f} ms CPU "
        f"median of {len(queue_ms)}, {len(queue_queries.captured_queries)} queries for the 8 requests"
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
