import pytest

from civicgrid.accounts.models import Role
from civicgrid.people.testing import make_building
from civicgrid.testing import build_tree, make_user


@pytest.fixture
def tree(db):
    return build_tree(fanout=2, depth=3)


@pytest.fixture
def admin(tree):
    return make_user("admin", Role.SYSTEM_ADMIN, tree["D"])


@pytest.fixture
def community(tree):
    return make_user("shequ", Role.COMMUNITY_STAFF, tree["S1C1"])


@pytest.fixture
def worker(tree):
    return make_user("wangge", Role.GRID_WORKER, tree["S1C1G1"])


@pytest.fixture
def other_worker(tree):
    return make_user("wangge2", Role.GRID_WORKER, tree["S1C1G2"])


@pytest.fixture
def building(tree):
    return make_building(tree["S1C1G1"], code="B1")


@pytest.fixture
def far_building(tree):
    return make_building(tree["S2C1G1"], code="B9")
