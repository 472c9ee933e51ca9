"""A small world for the notices: a district of 2 streets × 2 communities × 2 grids × 2 micro-grids,
staff on street S1, community S1C1 and grid S1C1G1, residents of S1C1 (one of them an elderly
person living alone in base data) and of S2C1."""

from types import SimpleNamespace

import pytest

from civicgrid.accounts.models import Role
from civicgrid.notices.models import Kind, Notice
from civicgrid.testing import build_tree, make_user


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


@pytest.fixture
def world(db):
    tree = build_tree()
    w = SimpleNamespace(tree=tree)
    w.street = make_user("street", Role.STREET_STAFF, tree["S1"])
    w.community = make_user("community", Role.COMMUNITY_STAFF, tree["S1C1"])
    w.community2 = make_user("community2", Role.COMMUNITY_STAFF, tree["S1C1"])
    w.other_community = make_user("other_cs", Role.COMMUNITY_STAFF, tree["S2C1"])
    w.grid = make_user("grid", Role.GRID_WORKER, tree["S1C1G1"])
    w.operator = make_user("operator", Role.COMMAND_OPERATOR, tree["D"])
    w.resident = make_user("resident", Role.RESIDENT, tree["S1C1"], phone="13800000011")
    w.neighbour = make_user("neighbour", Role.RESIDENT, tree["S1C1"], phone="13800000012")
    w.stranger = make_user("stranger", Role.RESIDENT, tree["S2C1"], phone="13800000013")
    return w


def write(world, user=None, region=None, **fields):
    from civicgrid.notices import actions

    values = {"kind": Kind.NOTICE, "title": "停水通知", "body": "周六停水。\n\n请提前储水。"}
    values.update(fields)
    return actions.save_notice(user or world.community, Notice(), region=region or world.tree["S1C1"], **values)


def published(world, user=None, region=None, **fields):
    from civicgrid.notices import actions

    user = user or world.community
    return actions.publish_notice(user, write(world, user, region, **fields))
