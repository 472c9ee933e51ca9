import pytest

from civicgrid.accounts.models import Role
from civicgrid.testing import build_case_world

PEOPLE = {
    "resident": ("居民陈静", Role.RESIDENT, "S1C1", "13700001234"),
    "neighbour": ("居民刘洋", Role.RESIDENT, "S1C2", "13700005678"),
    "community": ("社区赵敏", Role.COMMUNITY_STAFF, "S1C1", "13900002222"),
    "worker": ("网格员王芳", Role.GRID_WORKER, "S1C1G1", "13812345678"),
}


@pytest.fixture
def world(settings):
    """The small district, its people and one open case the resident reported: (tree, users, case)."""
    return build_case_world(settings, PEOPLE, description="楼道里堆满了杂物，堵住了消防通道。")
