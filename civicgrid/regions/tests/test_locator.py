"""locate(): the deepest active node containing a point, from an index that follows boundary changes."""

import threading
from datetime import timedelta

import numpy as np
import pytest
import shapely
from django.utils import timezone

from civicgrid.regions import demo, locator
from civicgrid.regions.actions import create_region, set_boundary
from civicgrid.regions.models import Level, Region
from civicgrid.testing import DISTRICT_BOX, build_tree, rectangle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index(settings):
    # The index is process-wide and test transactions never commit (so on-commit invalidation
    # never runs): start and end every test with none, and make lookups trust it for the test.
    settings.LOCATE_REFRESH_SECONDS = 3600
    locator.invalidate()
    yield
    locator.invalidate()


@pytest.fixture
def tree():
    return build_tree(fanout=2)


def centre(region):
    return shapely.geometry.shape(region.boundary).centroid.coords[0]


def test_a_point_resolves_to_its_micro_grid(tree):
    for key in ["S1C1G1M1", "S1C2G2M2", "S2C2G1M1"]:
        node = tree[key]
        assert locator.locate(*centre(node)) == node
        assert locator.locate_id(*centre(node)) == node.pk


def test_a_point_outside_every_boundary_is_none(tree):
    assert locator.locate(100.0, 30.0) is None
    assert locator.locate_id(DISTRICT_BOX[2] + 0.001, DISTRICT_BOX[3]) is None
    assert locator.locate_id(DISTRICT_BOX[0] - 1e-6, DISTRICT_BOX[1]) is None


def test_a_grid_without_micro_grids_answers_for_itself():
    nodes = build_tree(fanout=2, depth=Level.GRID)
    with_micro, without = nodes["S1C1G1"], nodes["S1C1G2"]
    x0, y0, x1, y1 = shapely.geometry.shape(with_micro.boundary).bounds
    micro = create_region(
        parent=with_micro, code=with_micro.code + "001", name="1号楼院微网格", boundary=rectangle((x0, y0, x1, y1))
    )
    assert locator.locate(*centre(with_micro)) == micro
    assert locator.locate(*centre(without)) == without


def test_a_point_on_a_shared_edge_gets_a_micro_grid_not_the_grid(tree):
    left, right = tree["S1C1G1M1"], tree["S1C1G1M2"]
    left_box = shapely.geometry.shape(left.boundary).bounds
    right_box = shapely.geometry.shape(right.boundary).bounds
    shared = shapely.geometry.shape(left.boundary).intersection(shapely.geometry.shape(right.boundary))
    assert shared.length > 0, (left_box, right_box)
    lon, lat = shared.interpolate(0.5, normalized=True).coords[0]
    # Deterministic: the lower code of the two.
    assert locator.locate(lon, lat) == min(left, right, key=lambda region: region.code)


def test_inactive_regions_are_skipped(tree, settings):
    settings.LOCATE_REFRESH_SECONDS = 0
    micro = tree["S1C1G1M1"]
    Region.objects.filter(pk=micro.pk).update(is_active=False)
    assert locator.locate(*centre(micro)) == tree["S1C1G1"]


def test_index_is_rebuilt_on_commit_of_set_boundary(tree, django_capture_on_commit_callbacks):
    micro, neighbour = tree["S1C1G1M1"], tree["S1C1G1M2"]
    point = centre(neighbour)
    assert locator.locate(*point) == neighbour
    grid_box = shapely.geometry.shape(tree["S1C1G1"].boundary).bounds
    # Give M1 the whole grid and M2 nothing: M2's centre now lies in M1.
    with django_capture_on_commit_callbacks(execute=True):
        set_boundary(neighbour, None)
        set_boundary(micro, rectangle(grid_box))
    # The refresh interval is an hour, so only the on-commit invalidation can explain this.
    assert locator.locate(*point) == micro


def test_a_change_made_by_another_process_is_seen_after_the_refresh_interval(tree, settings):
    micro, neighbour = tree["S1C1G1M1"], tree["S1C1G1M2"]
    point = centre(neighbour)
    assert locator.locate(*point) == neighbour
    grid_box = shapely.geometry.shape(tree["S1C1G1"].boundary).bounds
    # Another process: the rows change, this process is not told.
    later = timezone.now() + timedelta(seconds=1)
    Region.objects.filter(pk=neighbour.pk).update(boundary=None, boundary_updated_at=later)
    Region.objects.filter(pk=micro.pk).update(boundary=rectangle(grid_box), boundary_updated_at=later)
    assert locator.locate(*point) == neighbour  # within the interval the index is trusted
    settings.LOCATE_REFRESH_SECONDS = 0
    assert locator.locate(*point) == micro


def test_an_unchanged_database_does_not_rebuild(tree, settings, monkeypatch):
    locator.get_index()
    settings.LOCATE_REFRESH_SECONDS = 0
    builds = []
    monkeypatch.setattr(locator.SpatialIndex, "from_database", classmethod(lambda cls: builds.append(1)))
    locator.locate_id(*centre(tree["S1C1G1M1"]))
    assert builds == []


def test_concurrent_lookups_after_invalidation_build_once(tree, monkeypatch):
    index = locator.SpatialIndex.from_database()
    builds = []

    def slow_build(cls):
        builds.append(1)
        threading.Event().wait(0.05)
        return index

    monkeypatch.setattr(locator.SpatialIndex, "from_database", classmethod(slow_build))
    start = threading.Barrier(8)
    results = []

    def lookup():
        start.wait()
        results.append(locator.get_index())

    threads = [threading.Thread(target=lookup) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert builds == [1]
    assert all(result is index for result in results)


def test_locate_many(tree):
    nodes = [tree["S1C1G1M1"], tree["S2C2G2M2"]]
    lons = [centre(node)[0] for node in nodes] + [100.0]
    lats = [centre(node)[1] for node in nodes] + [30.0]
    assert locator.locate_many(lons, lats).tolist() == [nodes[0].pk, nodes[1].pk, -1]
    assert locator.locate_many([], []).tolist() == []


def brute_force(shapes, levels, lon, lat):
    """The deepest polygon containing the point (ties: the first), testing every polygon."""
    best = None
    for i, shape in enumerate(shapes):
        if shape.intersects(shapely.Point(lon, lat)) and (best is None or levels[i] > levels[best]):
            best = i
    return best


@pytest.mark.parametrize(
    ("seed", "band_cells"), [(1, locator.RASTER_BAND_CELLS), (7, locator.RASTER_BAND_CELLS), (7, 1)]
)
def test_every_lookup_path_agrees_with_testing_every_polygon(seed, band_cells, monkeypatch):
    """On irregular polygons (MultiPolygons, jittered edges), raster, tree and vectorised paths
    all give the brute-force answer, for points inside, outside and on boundaries; also when the
    raster is built one row at a time (band_cells=1)."""
    monkeypatch.setattr(locator, "RASTER_BAND_CELLS", band_cells)
    nodes = demo.build_tree("small", seed)
    shapes = [node.shape for node in nodes]
    levels = [node.level for node in nodes]
    ids = list(range(101, 101 + len(nodes)))
    index = locator.SpatialIndex(ids, levels, shapes)
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = shapely.total_bounds(shapes)
    lons = rng.uniform(x0 - 0.001, x1 + 0.001, 1500)
    lats = rng.uniform(y0 - 0.001, y1 + 0.001, 1500)
    # Vertices of the micro-grids: exactly on boundaries, where ties must break the same way.
    corners = shapely.get_coordinates([node.shape for node in nodes if node.level == Level.MICROGRID])[::3]
    lons, lats = np.r_[lons, corners[:, 0]], np.r_[lats, corners[:, 1]]
    many = index.locate_many(lons, lats)
    for lon, lat, from_many in zip(lons.tolist(), lats.tolist(), many.tolist(), strict=True):
        best = brute_force(shapes, levels, lon, lat)
        expected = None if best is None else ids[best]
        assert index.locate_id(lon, lat) == expected, (lon, lat)
        assert index.locate_id_by_tree(lon, lat) == expected, (lon, lat)
        assert from_many == (-1 if expected is None else expected), (lon, lat)


def test_an_empty_index_finds_nothing():
    index = locator.SpatialIndex([], [], [])
    assert index.locate_id(113.6, 34.7) is None
    assert index.locate_many([113.6], [34.7]).tolist() == [-1]
    assert locator.locate(113.6, 34.7) is None


def test_the_raster_holds_each_distinct_answer_once():
    """Neighbouring cells share their entries: equal candidate lists (and the answers around them)
    are one object, however many cells and quarters hold them (the index's memory)."""
    nodes = demo.build_tree("small", 7)
    index = locator.SpatialIndex(
        list(range(101, 101 + len(nodes))), [node.level for node in nodes], [node.shape for node in nodes]
    )
    crossed = [entry for cell in index._raster if cell.__class__ is list for entry in cell if entry.__class__ is tuple]
    assert len(crossed) > 100
    assert len({id(entry) for entry in crossed}) == len(set(crossed))
    assert len({id(entry[0]) for entry in crossed}) == len({entry[0] for entry in crossed})
