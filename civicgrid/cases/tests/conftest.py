"""A small world for case tests: a region tree with real rectangles (so locate() really places the
points), the shipped categories, two departments and one user per role, in the case's own units
and in the neighbouring ones.

The case under test sits in micro-grid S1C1G1M1 (grid S1C1G1, community S1C1, street S1). Each
"neighbour" holds the same role one unit over (grid S1C1G2, community S1C2, street S2).
"""

from types import SimpleNamespace

import pytest

from civicgrid.accounts.models import Role
from civicgrid.cases import actions
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Case, Category, HandlingLevel, Status
from civicgrid.regions import locator
from civicgrid.regions.models import Department, DepartmentKind
from civicgrid.testing import build_tree, make_user

HOME = "S1C1G1M1"


@pytest.fixture(autouse=True)
def _fast_and_unlimited(settings):
    # Argon2 makes hundreds of test users slow; and most tests file many reports from one resident,
    # so the per-account rate limit is off unless a test turns it on.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0


def point_in(node):
    """The centre of a node's rectangle (build_tree sets it as the centroid)."""
    return node.centroid_lon, node.centroid_lat


@pytest.fixture
def world(db):
    tree = build_tree()
    # build_tree writes new boundaries: drop this process's spatial index so locate() sees them.
    locator.invalidate()
    load_categories()
    cats = {c.code: c for c in Category.objects.select_related("parent")}
    cg = Department.objects.create(region=tree["D"], code="D-CG", name="区城管局", kind=DepartmentKind.URBAN_MANAGEMENT)
    water = Department.objects.create(region=tree["D"], code="D-WATER", name="区水务局", kind=DepartmentKind.WATER)
    people = SimpleNamespace(
        resident=make_user("resident", Role.RESIDENT, tree["S1C1"]),
        resident2=make_user("resident2", Role.RESIDENT, tree["S1C1"]),
        grid=make_user("grid", Role.GRID_WORKER, tree["S1C1G1"]),
        grid_neighbour=make_user("grid_neighbour", Role.GRID_WORKER, tree["S1C1G2"]),
        community=make_user("community", Role.COMMUNITY_STAFF, tree["S1C1"]),
        community2=make_user("community2", Role.COMMUNITY_STAFF, tree["S1C1"]),
        community_neighbour=make_user("community_neighbour", Role.COMMUNITY_STAFF, tree["S1C2"]),
        street=make_user("street", Role.STREET_STAFF, tree["S1"]),
        street2=make_user("street2", Role.STREET_STAFF, tree["S1"]),
        street_neighbour=make_user("street_neighbour", Role.STREET_STAFF, tree["S2"]),
        operator=make_user("operator", Role.COMMAND_OPERATOR, tree["D"]),
        dept=make_user("dept", Role.DEPARTMENT_STAFF, department=cg),
        dept_water=make_user("dept_water", Role.DEPARTMENT_STAFF, department=water),
        admin=make_user("admin", Role.SYSTEM_ADMIN, tree["D"]),
    )
    return SimpleNamespace(tree=tree, cats=cats, cg=cg, water=water, people=people)


def report(world, code="S05001", where=HOME, user=None, **kwargs):
    """File a case at the centre of node `where` (a resident's report by default)."""
    lon, lat = point_in(world.tree[where])
    kwargs.setdefault("description", "楼道里堆满了纸箱和旧家具，堵住了通道。")
    kwargs.setdefault("lon", lon)
    kwargs.setdefault("lat", lat)
    return actions.report_case(user or world.people.resident, category=world.cats[code], **kwargs).case


def accepted(world, case, by=None):
    """Accept (受理) `case`: by default a resident's report shows on the board only once accepted."""
    return actions.accept_case(case, by or world.people.community, version=case.version)


def fresh(case):
    return Case.objects.get(pk=case.pk)


# The happy path, one step at a time: (status reached, how to get there from the previous one).
def _accept(w, c):
    return actions.accept_case(c, w.people.community, version=c.version)


def _dispatch(w, c, level=HandlingLevel.GRID, department=None, co=()):
    dispatcher = w.people.street if level == HandlingLevel.DEPARTMENT else w.people.community
    return actions.dispatch_case(
        c, dispatcher, version=c.version, level=level, department=department, co_departments=co
    )


def _sign(w, c):
    return actions.sign_case(c, _handler(w, c), version=c.version)


def _feedback(w, c):
    return actions.feedback_case(c, _handler(w, c), version=c.version, note="杂物已清理完毕。")


def _verify(w, c):
    return actions.verify_case(c, w.people.community, version=c.version, passed=True)


def _close(w, c):
    return actions.close_case(c, w.people.community, version=c.version)


def _handler(w, c):
    return {
        HandlingLevel.GRID: w.people.grid,
        HandlingLevel.COMMUNITY: w.people.community,
        HandlingLevel.STREET: w.people.street,
        HandlingLevel.DEPARTMENT: w.people.dept,
    }[c.handling_level]


PATH = [
    (Status.REGISTERED, _accept),
    (Status.DISPATCHED, _dispatch),
    (Status.HANDLING, _sign),
    (Status.HANDLED, _feedback),
    (Status.VERIFIED, _verify),
    (Status.CLOSED, _close),
]


def advance(world, case, status, level=HandlingLevel.GRID, department=None, co=()):
    """Drive `case` along the happy path until it reaches `status`."""
    for reached, step in PATH:
        if case.status == status:
            break
        case = step(world, case, level, department, co) if step is _dispatch else step(world, case)
        assert case.status == reached
    assert case.status == status
    return case


def make_case(world, status=Status.REPORTED, level=HandlingLevel.GRID, code="S05001", **kwargs):
    department = world.cg if level == HandlingLevel.DEPARTMENT else None
    return advance(world, report(world, code=code), status, level, department, **kwargs)
