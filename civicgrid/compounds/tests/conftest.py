"""A small world for compounds tests: the cases app's world (tree, categories, one user per role in
community S1C1 and its neighbours) plus base data — compound A in S1C1 (a building in micro-grid
S1C1G1M1, two households with residents of record who have accounts) and compound B in S1C2 with
its own resident — and the star criteria."""

from types import SimpleNamespace

import pytest

from civicgrid.accounts.models import Role
from civicgrid.cases.tests.conftest import _fast_and_unlimited, world  # noqa: F401
from civicgrid.compounds import actions
from civicgrid.compounds.demo import seed_criteria
from civicgrid.people.models import Compound
from civicgrid.people.testing import add_person, make_building, make_id_number
from civicgrid.testing import make_user


def _compound(tree, community, grid, name, code):
    compound = Compound.objects.create(name=name, community=tree[community], region_code=tree[community].code)
    building = make_building(tree[grid], code=code)
    building.compound = compound
    building.save(update_fields=["compound"])
    return compound, building


@pytest.fixture
def estate(world):  # noqa: F811
    return build_estate(world)


def build_world():
    """The parts of the cases world the thread tests need, outside a fixture (transactional_db)."""
    from civicgrid.cases.categories import load_categories
    from civicgrid.regions import locator
    from civicgrid.testing import build_tree

    tree = build_tree()
    locator.invalidate()
    load_categories()
    people = SimpleNamespace(
        community=make_user("community", Role.COMMUNITY_STAFF, tree["S1C1"]),
        community2=make_user("community2", Role.COMMUNITY_STAFF, tree["S1C1"]),
        street=make_user("street", Role.STREET_STAFF, tree["S1"]),
        street2=make_user("street2", Role.STREET_STAFF, tree["S1"]),
    )
    return SimpleNamespace(tree=tree, people=people)


def build_estate(world):  # noqa: F811
    tree = world.tree
    seed_criteria()
    a, building_a = _compound(tree, "S1C1", "S1C1G1M1", "幸福小区", "A1")
    b, building_b = _compound(tree, "S1C2", "S1C2G1M1", "和谐小区", "B1")
    houses = list(building_a.houses.order_by("pk"))
    staff_b = make_user("community_b_base", Role.COMMUNITY_STAFF, tree["S1C2"])
    add_person(world.people.community, houses[0], name="甲", phone="13811110001", id_number=make_id_number())
    add_person(world.people.community, houses[1], name="乙", phone="13811110002", id_number=make_id_number())
    add_person(staff_b, building_b.houses.first(), name="丙", phone="13811110003", id_number=make_id_number())
    users = SimpleNamespace(
        a=make_user("res_a", Role.RESIDENT, tree["S1C1"], phone="13811110001"),
        a2=make_user("res_a2", Role.RESIDENT, tree["S1C1"], phone="13811110002"),
        b=make_user("res_b", Role.RESIDENT, tree["S1C2"], phone="13811110003"),
        unknown=make_user("res_unknown", Role.RESIDENT, tree["S1C1"], phone="13811110009"),
    )
    return SimpleNamespace(a=a, b=b, building_a=building_a, houses=houses, users=users, staff_b=staff_b)


def make_project(world, estate, **kwargs):  # noqa: F811
    kwargs.setdefault("title", "幸福小区改造")
    kwargs.setdefault("contractor", "城建三公司")
    kwargs.setdefault("fund_target", "10000")
    return actions.create_project(world.people.community, estate.a, **kwargs)
