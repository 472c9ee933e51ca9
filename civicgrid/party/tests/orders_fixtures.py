"""Helpers of the orders tests (派单 / 接单 / 赋分): an order posted by S1C1's community staff, taken
by the world's department staff, reported with a photo; cases reported in S1C1 and S1C2."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.cases.tests.media_files import jpeg
from civicgrid.party.actions import orders as actions
from civicgrid.party.models import OrderKind
from civicgrid.testing import make_department, make_user


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0


def soon(days=7):
    return timezone.localdate() + timedelta(days=days)


def post(world, user=None, community=None, **values):
    data = {
        "community_id": (community or world.tree["S1C1"]).pk,
        "kind": OrderKind.RED_FRIDAY,
        "title": "红色星期五 清洁家园",
        "need": "周五下午清理小区楼道杂物，需要 5 人。",
        "deadline": soon(),
        "points_offered": 5,
    }
    data.update(values)
    return actions.post_order(user or world.staff.community, **data)


def taken(world, user=None, **values):
    order = post(world, **values)
    return actions.take_order(user or world.staff.dept, order.pk)


def reported(world, user=None, **values):
    user = user or world.staff.dept
    order = taken(world, user, **values)
    return actions.report_order(user, order.pk, "已清理楼道 12 处。", [jpeg()])


_phones = itertools.count(1)


def report_case(world, node="S1C1G1M1", description="楼道堆放杂物，影响通行"):
    from civicgrid.cases import actions as case_actions
    from civicgrid.cases.categories import load_categories
    from civicgrid.cases.models import Category

    load_categories()
    grid = world.tree[node]
    n = next(_phones)
    resident = make_user(f"reporter{n}", Role.RESIDENT, world.tree[node[:4]], phone=f"1390000{n:04d}")
    return case_actions.report_case(
        resident,
        category=Category.objects.get(code="S05001"),
        description=description,
        lon=grid.centroid_lon,
        lat=grid.centroid_lat,
    ).case


def other_department(world):
    """A department serving street S2 only (outside S1C1), with its staff account."""
    department = make_department(world.tree["S2"], code="D-S2", name="S2街道城建办")
    return department, make_user("dept_s2", Role.DEPARTMENT_STAFF, department=department)
