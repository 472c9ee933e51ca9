"""Duplicates by meaning: nearby open cases of another category whose words describe the same problem."""

import pytest

from civicgrid.cases import actions, routing

from .conftest import point_in

pytestmark = pytest.mark.django_db


def file(world, code, text):
    lon, lat = point_in(world.tree["S1C1G1M1"])
    return actions.report_case(world.people.resident, category=world.cats[code], description=text, lon=lon, lat=lat)


def test_the_same_problem_in_other_words_is_offered(trained, world):
    first = file(world, "01008", "路灯不亮").case
    file(world, "06010", "路边有一堆垃圾没人清理")
    result = file(world, "12001", "晚上这条路黑漆漆的灯坏了")
    assert [case.number for case in result.duplicates] == [first.number]


def test_other_problems_at_the_corner_are_not(trained, world):
    file(world, "01008", "路灯不亮")
    assert file(world, "12001", "门口好多车乱停，堵住了消防通道").duplicates == []


def test_without_a_text_only_the_category_decides(trained, world):
    first = file(world, "01008", "路灯不亮").case
    lon, lat = point_in(world.tree["S1C1G1M1"])
    assert routing.nearby_duplicates(world.cats["12001"], lon, lat) == []
    found = routing.nearby_duplicates(world.cats["12001"], lon, lat, text="晚上这条路黑漆漆的灯坏了")
    assert [case.pk for case in found] == [first.pk]
