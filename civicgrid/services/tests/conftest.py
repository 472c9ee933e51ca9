"""A small world for the services tests: two communities (A: S1C1, B: S2C1), their residents and
staff, and craftsmen — two in A with accounts, one in B."""

from types import SimpleNamespace

import pytest

from civicgrid.accounts.models import Role
from civicgrid.services import actions
from civicgrid.services.models import Craftsman, CraftsmanStatus
from civicgrid.testing import build_tree, make_user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _craftsman(staff, area, name, phone, skills=("plumbing",)):
    c = actions.save_craftsman(
        staff, Craftsman(), name=name, skills=list(skills), area=area, availability="周末", phone=phone
    )
    return actions.set_craftsman_status(staff, c, CraftsmanStatus.VERIFIED)


@pytest.fixture
def world(db):
    tree = build_tree()
    a, b = tree["S1C1"], tree["S2C1"]
    u = SimpleNamespace(
        resident=make_user("res_a", Role.RESIDENT, a, phone="13800000011"),
        resident_b=make_user("res_b", Role.RESIDENT, b, phone="13800000012"),
        community=make_user("staff_a", Role.COMMUNITY_STAFF, a),
        community_b=make_user("staff_b", Role.COMMUNITY_STAFF, b),
        street=make_user("street_a", Role.STREET_STAFF, tree["S1"]),
        admin=make_user("admin_d", Role.SYSTEM_ADMIN, tree["D"]),
        grid=make_user("grid_a", Role.GRID_WORKER, tree["S1C1G1"]),
        worker=make_user("shifu_a", Role.RESIDENT, a, phone="13800000021"),
        worker2=make_user("shifu_a2", Role.RESIDENT, a, phone="13800000022"),
    )
    craftsman = _craftsman(u.community, a, "王师傅", "13800000021", ("plumbing", "drains"))
    craftsman2 = _craftsman(u.community, tree["S1C1G1"], "李师傅", "13800000022", ("appliance",))
    craftsman_b = _craftsman(u.community_b, b, "赵师傅", "13700000033")
    return SimpleNamespace(
        tree=tree, a=a, b=b, users=u, craftsman=craftsman, craftsman2=craftsman2, craftsman_b=craftsman_b
    )
