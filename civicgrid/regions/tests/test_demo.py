"""The demo district generator: exact counts, valid codes, deterministic, polygons that tile."""

import itertools
import time
from collections import Counter

import pytest
import shapely

from civicgrid.regions import demo
from civicgrid.regions.boundaries import clean_boundary
from civicgrid.regions.codes import validate_region_code
from civicgrid.regions.models import Level, Region

pytestmark = pytest.mark.django_db

# Areas are in square degrees: 1e-12 is about a hundredth of a square metre here.
AREA_EPSILON = 1e-12


@pytest.fixture(scope="module")
def erqi(django_db_setup, django_db_blocker):
    """The erqi tree in memory, built once for the module (the code widths come from the database)."""
    with django_db_blocker.unblock():
        return demo.build_tree("erqi", seed=2026)


def test_scale_counts():
    assert demo.scale_counts("small") == {
        Level.DISTRICT: 1,
        Level.STREET: 2,
        Level.COMMUNITY: 4,
        Level.GRID: 12,
        Level.MICROGRID: 30,
    }
    # The seed article's Erqi figures: 17 / 175 / 846 / 5,657.
    assert list(demo.scale_counts("erqi").values()) == [1, 17, 175, 846, 5657]
    assert demo.scale_counts("district")[Level.STREET] == 6


def test_seed_small(django_assert_max_num_queries):
    started = time.monotonic()
    with django_assert_max_num_queries(20):  # bulk inserts, level by level
        district = demo.seed_regions("small", seed=1)
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed  # well under a second on a developer machine; generous for CI
    regions = list(Region.objects.subtree(district).select_related("parent"))
    assert dict(Counter(region.level for region in regions)) == demo.scale_counts("small")
    assert (district.code, district.name) == ("410103", "二七区")
    for region in regions:
        region.full_clean()  # valid code for its level and parent, every field valid
        _geometry, shape = clean_boundary(region.boundary)
        assert shape.covers(shapely.Point(region.centroid_lon, region.centroid_lat)), region
        assert region.boundary_updated_at is not None
    # Small: 2 communities per street, 3 grids per community, 2–3 micro-grids per grid.
    children = Counter(region.parent_id for region in regions if region.parent_id)
    for region in regions:
        expected = {Level.STREET: {2}, Level.COMMUNITY: {3}, Level.GRID: {2, 3}}.get(region.level)
        if expected:
            assert children[region.pk] in expected, region


def test_seed_refuses_to_run_twice():
    demo.seed_regions("small", seed=1)
    with pytest.raises(ValueError, match="已存在"):
        demo.seed_regions("small", seed=2)


def test_seed_erqi_reproduces_the_seed_figures():
    started = time.monotonic()
    district = demo.seed_regions("erqi", seed=2026)
    elapsed = time.monotonic() - started
    assert elapsed < 60, elapsed  # a few seconds; a minute would mean row-by-row inserts
    counts = Counter(Region.objects.subtree(district).values_list("level", flat=True))
    assert counts == demo.scale_counts("erqi")
    streets = dict(Region.objects.filter(level=Level.STREET).values_list("code", "name"))
    assert set(streets.values()) == {name for name, _sequence in demo.STREETS}
    assert streets["410103100"] == "马寨镇" and streets["410103200"] == "侯寨乡"
    villages = Region.objects.filter(level=Level.COMMUNITY, code__startswith="410103200")
    assert villages.exists()
    assert all(name.endswith("村") for name in villages.values_list("name", flat=True))


def test_erqi_codes_are_valid_for_their_parents(erqi):
    nodes = erqi
    for node in nodes:
        validate_region_code(node.code, node.level, node.parent)
    assert len({node.code for node in nodes}) == len(nodes)


def test_same_seed_same_tree_other_seed_other_tree():
    first, again, other = (demo.build_tree("small", seed) for seed in (5, 5, 6))
    assert [(n.code, n.name) for n in first] == [(n.code, n.name) for n in again]
    assert all(a.shape.equals_exact(b.shape, 0) for a, b in zip(first, again, strict=True))
    # The same streets, communities and grids; the micro-grids per grid (2–3) and all polygons vary.
    assert [n.code for n in first if n.level < Level.MICROGRID] == [n.code for n in other if n.level < Level.MICROGRID]
    assert not first[0].shape.equals(other[0].shape)


def test_seeded_boundaries_are_the_generated_ones():
    district = demo.seed_regions("small", seed=9)
    stored = {r.code: shapely.geometry.shape(r.boundary) for r in Region.objects.subtree(district)}
    for node in demo.build_tree("small", seed=9):
        assert stored[node.code].equals(node.shape), node.code


def assert_children_tile_parent(node):
    shapes = [child.shape for child in node.children]
    union = shapely.union_all(shapes)
    assert node.shape.symmetric_difference(union).area < AREA_EPSILON, node.code
    for a, b in itertools.combinations(shapes, 2):
        assert a.intersection(b).area < AREA_EPSILON, node.code


def test_small_tree_tiles_at_every_level():
    for node in demo.build_tree("small", seed=1):
        if node.children:
            assert_children_tile_parent(node)


def test_erqi_tiles(erqi):
    nodes = erqi
    district = nodes[0]
    micro = [node.shape for node in nodes if node.level == Level.MICROGRID]
    # Micro-grids cover the district exactly, with no overlaps anywhere (one spatial query).
    assert abs(sum(shape.area for shape in micro) - district.shape.area) < 1e-9
    tree = shapely.STRtree(micro)
    assert len(tree.query(micro, predicate="overlaps")[0]) == 0
    # Every level on a sample: the district, a street, and a spread of communities and grids.
    sample = [district, *[n for n in nodes if n.level == Level.STREET][::8]]
    sample += [n for n in nodes if n.level == Level.COMMUNITY][::25]
    sample += [n for n in nodes if n.level == Level.GRID][::60]
    for node in sample:
        assert_children_tile_parent(node)


def test_erqi_polygons_are_valid_and_plausibly_sized(erqi):
    nodes = erqi
    assert all(node.shape.is_valid for node in nodes)
    lon, lat = nodes[0].shape.centroid.coords[0]
    assert abs(lon - demo.CENTRE[0]) < 0.02 and abs(lat - demo.CENTRE[1]) < 0.02
    # About Erqi's 156 km² (1° of latitude ≈ 111.32 km; longitude shrinks by cos 34.72°).
    square_km = nodes[0].shape.area * 111.32**2 * 0.822
    assert 140 < square_km < 170
    # Most nodes are single polygons; a few groups touch only at a corner and stay MultiPolygons.
    multi = sum(node.shape.geom_type == "MultiPolygon" for node in nodes)
    assert multi < len(nodes) * 0.02
