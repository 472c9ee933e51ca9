"""regions.locate: point → deepest region lookups per second on one core, at Erqi's scale.

Data: `demo.seed_regions("erqi")` (17 streets, 175 communities, 846 grids, 5,657 micro-grids:
6,696 polygons) written to a throwaway SQLite database, so the index is built exactly as in
production (`SpatialIndex.from_database` through `locator.get_index`). Points are uniform random
inside the district.

Ours: `locator.locate_id(lon, lat)`, one call per point, freshness check included.

Baseline, measured in the same run on the same points: the linear scan, testing every polygon
for every point and keeping the deepest hit. Of the two ways to write it, the vectorised one
(`shapely.intersects_xy` over the array of all prepared polygons, in C) is about ten times faster
than a Python loop of prepared-geometry tests, so it is the fairer baseline; the loop's figure is
kept in the details. Both scans must give the same answers as ours, or the benchmark fails.
"""

import numpy as np
import shapely

from bench.common import Result, benchmark, median_rate, pin_to_one_core, seconds, setup_django

SEED = 2026
POINTS, QUICK_POINTS = 100_000, 20_000
RUNS, QUICK_RUNS = 7, 3
BASELINE_POINTS, QUICK_BASELINE_POINTS = 2_000, 300
LOOP_POINTS = 30


def points_inside(shape, count, seed=42):
    """`count` uniform random points inside `shape`, as two lists (lon, lat)."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = shape.bounds
    lons, lats = np.empty(0), np.empty(0)
    while len(lons) < count:
        x, y = rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)
        inside = shapely.contains_xy(shape, x, y)
        lons, lats = np.r_[lons, x[inside]], np.r_[lats, y[inside]]
    return lons[:count].tolist(), lats[:count].tolist()


@benchmark("regions.locate")
def run(quick=False):
    db = setup_django("regions_locate")
    pin_to_one_core()
    from civicgrid.regions import demo, locator
    from civicgrid.regions.models import Level, Region

    seeding = seconds(lambda: demo.seed_regions("erqi", seed=SEED))
    locator.invalidate()
    build = seconds(locator.get_index)  # wall clock: what the first request after a change waits
    index = locator.get_index()
    district = shapely.geometry.shape(Region.objects.get(level=Level.DISTRICT).boundary)
    count, runs = (QUICK_POINTS, QUICK_RUNS) if quick else (POINTS, RUNS)
    lons, lats = points_inside(district, count)

    locate_id = locator.locate_id

    def ours():
        for lon, lat in zip(lons, lats, strict=True):
            locate_id(lon, lat)

    rate = median_rate(ours, count, runs)

    # The linear scan: every polygon, every point; the deepest hit (ties: lowest code) wins.
    shapes, rank, ids = index.shapes, index.rank, index.ids.tolist()

    def scan(lon, lat):
        hits = np.flatnonzero(shapely.intersects_xy(shapes, lon, lat))
        return ids[hits[np.argmax(rank[hits])]] if len(hits) else None

    sample = QUICK_BASELINE_POINTS if quick else BASELINE_POINTS
    sub_lons, sub_lats = lons[:sample], lats[:sample]
    answers = [locate_id(lon, lat) for lon, lat in zip(sub_lons, sub_lats, strict=True)]
    assert [scan(lon, lat) for lon, lat in zip(sub_lons, sub_lats, strict=True)] == answers

    def baseline():
        for lon, lat in zip(sub_lons, sub_lats, strict=True):
            scan(lon, lat)

    baseline_rate = median_rate(baseline, sample, max(3, runs - 2))

    def loop(lon, lat):
        best = None
        for i, shape in enumerate(index.shapes):
            if shapely.intersects_xy(shape, lon, lat) and (best is None or rank[i] > rank[best]):
                best = i
        return None if best is None else ids[best]

    loop_lons, loop_lats = lons[:LOOP_POINTS], lats[:LOOP_POINTS]
    assert [loop(lon, lat) for lon, lat in zip(loop_lons, loop_lats, strict=True)] == answers[:LOOP_POINTS]
    loop_rate = median_rate(lambda: [loop(x, y) for x, y in zip(loop_lons, loop_lats, strict=True)], LOOP_POINTS, 3)

    tree_points = min(count, 20_000)

    def tree_only():
        for lon, lat in zip(lons[:tree_points], lats[:tree_points], strict=True):
            index.locate_id_by_tree(lon, lat)

    tree_rate = median_rate(tree_only, tree_points, 3)
    lon_array, lat_array = np.array(lons), np.array(lats)
    many_rate = median_rate(lambda: index.locate_many(lon_array, lat_array), count, 3)
    stats = index.stats()

    return Result(
        name="regions.locate",
        value=rate.cpu,
        unit="lookups/s",
        better="higher",
        baseline_name="linear scan (vectorised shapely.intersects_xy over all polygons)",
        baseline_value=baseline_rate.cpu,
        target="≥ 50,000 lookups/s and ≥ 50× the linear scan",
        dataset=(
            f"demo `erqi` (seed {SEED}): {stats['polygons']:,} polygons — 17 streets, 175 communities, "
            f"846 grids, 5,657 micro-grids; {count:,} uniform random points inside the district, one "
            f"`locate_id()` call each, one core, CPU time, median of {runs} runs; baseline on the first "
            f"{sample:,} of the same points{' (quick run)' if quick else ''}"
        ),
        db=db,
        details={
            "index build (from the database)": f"{build:.2f} s; raster {stats['raster_cells']:,} cells, "
            f"{stats['raster_cells_crossed'] / stats['raster_cells']:.0%} crossed by a boundary",
            "by the wall clock (shared machine)": f"{rate.wall:,.0f} lookups/s, linear scan "
            f"{baseline_rate.wall:,.0f} lookups/s ({rate.wall / baseline_rate.wall:,.1f}×)",
            "STRtree path alone (no raster)": f"{tree_rate.cpu:,.0f} lookups/s",
            "locate_many (vectorised, all points at once)": f"{many_rate.cpu:,.0f} points/s",
            "linear scan as a Python loop of prepared-geometry tests": f"{loop_rate.cpu:,.0f} lookups/s",
            "seeding the erqi tree (generate + insert)": f"{seeding:.1f} s",
        },
    )
