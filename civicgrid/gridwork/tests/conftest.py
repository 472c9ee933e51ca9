"""A small world for grid-work tests: the region tree, grid workers on S1C1G1 and on S1C2G1 (the
neighbour), community staff on S1C1 and S1C2, street staff on S1, a resident; a building of S1C1G1
with residents, one of them an elderly person living alone; key places in S1C1G1."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.gridwork.models import KeyPlace
from civicgrid.regions import locator
from civicgrid.testing import build_tree, make_user


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0


def build_world(with_people=True):
    from civicgrid.cases.categories import load_categories
    from civicgrid.people import actions as people_actions
    from civicgrid.people.testing import add_person, ensure_tags, make_building

    tree = build_tree()
    locator.invalidate()
    load_categories()
    people = SimpleNamespace(
        grid=make_user("grid", Role.GRID_WORKER, tree["S1C1G1"]),
        neighbour_grid=make_user("neighbour_grid", Role.GRID_WORKER, tree["S1C2G1"]),
        community=make_user("community", Role.COMMUNITY_STAFF, tree["S1C1"]),
        neighbour_staff=make_user("neighbour_staff", Role.COMMUNITY_STAFF, tree["S1C2"]),
        street=make_user("street", Role.STREET_STAFF, tree["S1"]),
        resident=make_user("resident", Role.RESIDENT, tree["S1C1"], phone="13800000001"),
    )
    world = SimpleNamespace(tree=tree, people=people)
    grid = tree["S1C1G1"]
    world.place = KeyPlace.objects.create(
        grid=grid, region_code=grid.code, name="东门消防通道", lat=grid.centroid_lat, lng=grid.centroid_lon, radius_m=60
    )
    if with_people:
        ensure_tags()
        building = make_building(grid, code="B1", floors=2, units=1, per_floor=2)
        world.houses = list(building.houses.order_by("pk"))
        world.elder = add_person(people.community, world.houses[0], name="王秀英")
        people_actions.set_tags(people.community, world.elder, ["elderly_alone"])
        world.other = add_person(people.community, world.houses[1], name="李四")
        other_building = make_building(tree["S1C2G1"], code="B9", floors=1, units=1, per_floor=1)
        world.far_house = other_building.houses.get()
    return world


@pytest.fixture
def world(db):
    return build_world()


def points(grid, start_seq, count, *, start=None, step_s=20, dlat=0.0001):
    """`count` points walking north-east through the grid from its centre, 20 s apart."""
    start = start or timezone.now() - timedelta(seconds=step_s * (count + 1))
    lat0, lng0 = grid.centroid_lat - dlat * count / 2, grid.centroid_lon - dlat * count / 2
    return [
        {
            "seq": start_seq + i,
            "at": (start + timedelta(seconds=step_s * i)).isoformat(),
            "lat": lat0 + dlat * i,
            "lng": lng0 + dlat * i,
            "accuracy": 8,
        }
        for i in range(count)
    ]
