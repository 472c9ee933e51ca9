"""The party-building world: the region tree of civicgrid.testing, staff on it, a department, and
the party tree of civicgrid.party.testing.build_party (see its docstring for who is who)."""

from types import SimpleNamespace

import pytest

from civicgrid.accounts.models import Role
from civicgrid.party.testing import build_party
from civicgrid.regions import locator
from civicgrid.testing import build_tree, make_department, make_user


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_world():
    tree = build_tree()
    locator.invalidate()
    department = make_department(tree["D"])
    staff = SimpleNamespace(
        admin=make_user("admin", Role.SYSTEM_ADMIN, tree["D"]),
        street=make_user("street", Role.STREET_STAFF, tree["S1"]),
        street2=make_user("street2", Role.STREET_STAFF, tree["S2"]),
        community=make_user("community", Role.COMMUNITY_STAFF, tree["S1C1"]),
        neighbour=make_user("neighbour", Role.COMMUNITY_STAFF, tree["S1C2"]),
        dept=make_user("dept", Role.DEPARTMENT_STAFF, department=department),
        resident=make_user("resident", Role.RESIDENT, tree["S1C1"], phone="13800000001"),
    )
    party = build_party(tree, staff.admin, staff.admin, department)
    return SimpleNamespace(tree=tree, staff=staff, department=department, party=party)


@pytest.fixture
def world(db):
    return make_world()
