"""The region tree: a whole subtree is one indexed range query on the code, and exactly the subtree."""

import pytest
from django.db import connection

from civicgrid.regions.models import Level, Region
from civicgrid.testing import build_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return build_tree(fanout=2)


def descendants_by_parent_links(node):
    """The subtree computed the slow, obviously right way: follow parent links."""
    children = {}
    for region in Region.objects.all():
        children.setdefault(region.parent_id, []).append(region)
    found, stack = set(), [node]
    while stack:
        current = stack.pop()
        found.add(current.code)
        stack.extend(children.get(current.pk, []))
    return found


@pytest.mark.parametrize("key", ["D", "S1", "S2C1", "S1C2G2", "S2C2G1M2"])
def test_subtree_is_one_query_and_exact(tree, key, django_assert_num_queries):
    node = tree[key]
    expected = descendants_by_parent_links(node)
    with django_assert_num_queries(1):
        codes = set(Region.objects.subtree(node).values_list("code", flat=True))
    assert codes == expected
    with django_assert_num_queries(1):
        without_self = set(Region.objects.subtree(node, include_self=False).values_list("code", flat=True))
    assert without_self == expected - {node.code}


def test_subtree_sizes(tree):
    # 1 + 2 + 4 + 8 + 16 nodes in a binary tree of depth 4.
    assert Region.objects.subtree(tree["D"]).count() == 31
    assert Region.objects.subtree(tree["S1"]).count() == 15
    assert Region.objects.subtree(tree["S1C1G1M1"]).count() == 1


def test_a_sibling_with_a_similar_code_is_not_in_the_subtree(tree):
    # 410103001 and 410103002 share the prefix 41010300; only whole segments count.
    s1_codes = set(Region.objects.subtree(tree["S1"]).values_list("code", flat=True))
    assert not any(code.startswith(tree["S2"].code) for code in s1_codes)
    assert tree["S2"].code not in s1_codes


def test_subtree_combines_with_other_filters(tree):
    grids = Region.objects.subtree(tree["S1"]).of_level(Level.GRID)
    assert sorted(grids.values_list("code", flat=True)) == sorted(
        r.code for r in Region.objects.filter(level=Level.GRID) if r.code.startswith(tree["S1"].code)
    )


def test_subtree_query_uses_the_code_index(tree):
    queryset = Region.objects.subtree(tree["S1"]).values_list("code")
    if connection.vendor == "postgresql":
        # The test tables are tiny, so the planner would rather scan; forbid that to see the plan.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        assert "Index" in queryset.explain()
    else:
        assert "USING" in queryset.explain() and "INDEX" in queryset.explain().upper()
