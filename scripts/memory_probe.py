"""Where a web worker's memory goes (issue 15 item 7): one process, DEBUG off, the load mix's pages
in turn, the resident set size after each and the largest Python allocations that stayed.

    [PROBE_VERBOSE=1] .venv/bin/python scripts/memory_probe.py [--rounds N] [--trace] [--top K]

Run it against a database holding the demo (`manage.py seed_demo`), e.g. DATABASE_URL=postgres://….
It prints RSS after Django's set-up, after the first request (the lazy imports of a request), and after
each page kind of the district mix (resident, grid worker, dispatcher, big screen), then tracemalloc's
top allocation sites by size that are still alive at the end.
"""

import argparse
import os
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
os.environ.setdefault("DEBUG", "0")


def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--trace", action="store_true", help="tracemalloc (slower; RSS then includes its own books)")
    args = parser.parse_args()
    if args.trace:
        tracemalloc.start(8)
    start = rss_mb()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from civicgrid.accounts.models import Role, RoleAssignment
    from civicgrid.cases.models import Case

    settings.ALLOWED_HOSTS = ["*"]
    rows = [("interpreter", start), ("django.setup()", rss_mb())]

    def user_of(role):
        assignment = RoleAssignment.objects.active().filter(role=role, user__is_active=True).select_related("user")
        return assignment.first().user

    def client_for(role):
        client = Client()
        client.force_login(user_of(role))
        return client

    resident = client_for(Role.RESIDENT)
    grid = client_for(Role.GRID_WORKER)
    street = client_for(Role.STREET_STAFF)
    numbers = list(Case.objects.order_by("-pk").values_list("number", flat=True)[:20])
    panels = ("summary", "trend", "categories", "rankings", "map", "markers", "population", "warnings", "needs")
    kinds = {
        "resident": [(resident, "/cases/report/"), (resident, "/cases/my/"), (resident, "/resident/")],
        "grid worker": [(grid, "/cases/tasks/")] + [(grid, f"/cases/staff/{n}/") for n in numbers[:5]],
        "dispatcher": [(street, "/cases/staff/queue/?status=reported"), (street, "/cases/staff/queue/?status=handled")]
        + [(street, f"/cases/staff/{n}/") for n in numbers[:5]],
        "big screen": [(street, "/dashboard/")] + [(street, reverse(f"dashboard:{p}")) for p in panels],
        "category suggestion": [(resident, "/api/v1/categories/suggest/")],
    }
    first = True
    for _round in range(args.rounds):
        for kind, calls in kinds.items():
            for client, path in calls:
                if path.startswith("/api/v1/categories/suggest/"):
                    response = client.post(path, {"text": "小区门口路灯坏了晚上很黑"}, content_type="application/json")
                else:
                    response = client.get(path)
                if os.environ.get("PROBE_VERBOSE"):
                    print(f"   {path[:60]:60} {response.status_code} {rss_mb():8.1f} MB")
                if response.status_code >= 500:
                    print(f"!! {path} answered {response.status_code}")
            if first or _round == args.rounds - 1:
                rows.append((f"round {_round + 1}: {kind}", rss_mb()))
        first = False
    for label, value in rows:
        print(f"{label:32} {value:8.1f} MB")
    if args.trace:
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [
                tracemalloc.Filter(False, tracemalloc.__file__),
                tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
            ]
        )
        print("\nlargest allocation sites still alive (by the first frame outside the standard library):")
        for stat in snapshot.statistics("filename")[: args.top]:
            print(f"{stat.size / 2**20:8.1f} MB  {stat.traceback[0].filename.replace(str(ROOT) + '/', '')}")


if __name__ == "__main__":
    main()
