"""Builders for tests: a small region tree with rectangular boundaries, users with roles, and a
district with one reported case (build_case_world).

The tree has 1 district, then `fanout` children per node at each level, each child a vertical or
horizontal slice of its parent's rectangle, so boundaries tile exactly and children lie inside
their parents.
"""

from django.utils import timezone

from civicgrid.accounts.actions import create_user, grant_role
from civicgrid.regions.codes import child_code
from civicgrid.regions.models import Department, Level, Region

DISTRICT_BOX = (113.60, 34.70, 113.68, 34.76)  # lon_min, lat_min, lon_max, lat_max (Zhengzhou)
TEST_PASSWORD = "Test@2026pass"


def rectangle(box):
    x0, y0, x1, y1 = box
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def _slices(box, count, vertical):
    x0, y0, x1, y1 = box
    if vertical:
        step = (x1 - x0) / count
        return [(x0 + i * step, y0, x0 + (i + 1) * step, y1) for i in range(count)]
    step = (y1 - y0) / count
    return [(x0, y1 - (i + 1) * step, x1, y1 - i * step) for i in range(count)]


def _region(parent, level, code, name, box):
    x0, y0, x1, y1 = box
    return Region.objects.create(
        parent=parent,
        level=level,
        code=code,
        name=name,
        boundary=rectangle(box),
        centroid_lon=(x0 + x1) / 2,
        centroid_lat=(y0 + y1) / 2,
        boundary_updated_at=timezone.now(),
    )


def build_tree(fanout=2, depth=Level.MICROGRID, district_code="410103", box=DISTRICT_BOX):
    """Create the tree and return {name: Region}; names look like "S1", "S1C2", "S1C2G1", "S1C2G1M2"."""
    district = _region(None, Level.DISTRICT, district_code, "二七区", box)
    nodes = {"D": district}
    letters = {Level.STREET: "S", Level.COMMUNITY: "C", Level.GRID: "G", Level.MICROGRID: "M"}
    frontier = [("", district, box)]
    for level in range(Level.STREET, depth + 1):
        next_frontier = []
        for prefix, parent, parent_box in frontier:
            for i, child_box in enumerate(_slices(parent_box, fanout, vertical=level % 2 == 1), start=1):
                key = f"{prefix}{letters[level]}{i}"
                node = _region(parent, level, child_code(parent.code, parent.level, i), key, child_box)
                nodes[key] = node
                next_frontier.append((key, node, child_box))
        frontier = next_frontier
    return nodes


def make_department(region, code="D-CG", name="城管局"):
    return Department.objects.create(region=region, code=code, name=name)


def make_user(username, role=None, region=None, department=None, phone=None, password=TEST_PASSWORD):
    user = create_user(username=username, password=password, name=username, phone=phone)
    if role is not None:
        grant_role(user, role, region=region, department=department)
    return user


def build_case_world(settings, people, *, description, **report):
    """A district with the case categories, the `people` ({key: (username, role, node key, phone)},
    one of them "resident") and one case that resident reported on micro-grid S1C1G1M1 (category
    S05001): (tree, users, case). Fast password hashing and no report limits, for many sign-ins."""
    from civicgrid.cases import actions
    from civicgrid.cases.categories import load_categories
    from civicgrid.cases.models import Category
    from civicgrid.regions import locator

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    tree = build_tree()
    locator.invalidate()
    load_categories()
    users = {key: make_user(name, role, tree[node], phone=phone) for key, (name, role, node, phone) in people.items()}
    node = tree["S1C1G1M1"]
    case = actions.report_case(
        users["resident"],
        category=Category.objects.get(code="S05001"),
        description=description,
        lon=node.centroid_lon,
        lat=node.centroid_lat,
        **report,
    ).case
    return tree, users, case


def race(monkeypatch, *attempts, linger):
    """Run the attempts (callables) at once, each in its own thread and database connection, and
    return what each returned or raised. The first to call `linger` — (module, name) of a function
    every attempt calls once it holds its row lock, such as (clock, "now") — lingers there half a
    second, so the others really queue on the lock instead of arriving after the commit. For the
    PostgreSQL thread tests of "two people at once: exactly one wins"."""
    import threading
    import time

    from django.db import connection

    module, name = linger
    original = getattr(module, name)
    lingered = threading.Event()

    def slow(*args, **kwargs):
        if not lingered.is_set():
            lingered.set()
            time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(i, attempt):
        try:
            barrier.wait(timeout=10)
            results[i] = attempt()
        except Exception as error:  # the test inspects what each thread got
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert lingered.is_set() and time.monotonic() - started >= 0.5
    return results
