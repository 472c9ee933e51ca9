"""Point → region: `locate(lon, lat)` returns the deepest active node whose boundary contains a point.

Every case, patrol check-in and report is placed in its grid by this lookup, so it must be fast
(target ≥ 50,000 lookups/s on one core over Erqi's 5,657 micro-grids; see docs/benchmarks.md).

The index (`SpatialIndex`) holds every active boundary in memory:

* a shapely STRtree over all polygons of all levels (one tree), with the polygons prepared and
  their levels in a numpy array: a point's candidates come from the tree, are tested with
  `intersects_xy` (boundary points count, so a point on a shared edge still gets a micro-grid)
  and the deepest hit wins; ties go to the lowest code, so the answer is deterministic;
* in front of it, a raster of small square cells over the area. Most cells lie wholly inside one
  micro-grid with no boundary crossing them; their answer is stored, so most lookups are two
  multiplications and a list access. A cell that a boundary crosses is split once more into
  quarters, and a quarter still crossed keeps the few candidates whose boundary crosses it,
  deepest first, with the answer for when none of them contains the point. Every path gives
  exactly the same answer as testing every polygon (the tests check this).

One index per process, rebuilt lazily: boundary actions call `invalidate()` on commit (this
process), and at most every settings.LOCATE_REFRESH_SECONDS a lookup compares the latest
`boundary_updated_at` and the number of active regions with the index's (other processes, such as
another gunicorn worker or an import run from the command line).
"""

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import Count, Max
from django.dispatch import receiver

from civicgrid.core import memory
from civicgrid.regions.boundaries import load_shape
from civicgrid.regions.models import Region

# Raster cells per side of a typical deepest-level polygon: finer answers more lookups without
# touching a polygon, but costs build time and memory. At 4 (quarters near boundaries), about three
# lookups in four need no polygon test, and Erqi's index builds in about a second
# (docs/benchmarks.md).
RASTER_CELLS_PER_POLYGON = 4
RASTER_MAX_CELLS = 2_000_000
# Cells built at once (whole rows): bounds the build's temporary boxes and pairs (docs/benchmarks.md).
RASTER_BAND_CELLS = 16_384
# The point-in-polygon test of the hot path: shapely.intersects_xy is a thin Python wrapper (argument
# checks, array conversion) around this ufunc, and for one point the wrapper costs as much as the
# test itself. Same function, same arguments; the public one is the fallback.
_intersects_xy = getattr(shapely.lib, "intersects_xy", shapely.intersects_xy)
# Raster cells are tested slightly enlarged, so a point that rounding puts in a cell just past its
# edge is still covered by that cell's answer (1e-9° is 0.1 mm).
RASTER_PAD_DEGREES = 1e-9


class SpatialIndex:
    """Boundaries in memory, answering "which node is deepest at this point?"."""

    def __init__(self, ids, levels, shapes, version=None):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.levels = np.asarray(levels, dtype=np.int64)
        self.shapes = np.asarray(shapes, dtype=object)
        self.version = version
        # Deeper wins; among equals the earlier (lower code) wins: one total order, as an integer.
        count = len(self.ids)
        self.rank = self.levels * (count + 1) + (count - np.arange(count))
        shapely.prepare(self.shapes)
        # GEOS builds a prepared polygon's point index lazily, and not thread-safely
        # (libgeos/geos#825): one point test per polygon now builds them all before any thread
        # shares them. After this, point tests only read.
        bounds = shapely.bounds(self.shapes).reshape(-1, 4)
        shapely.intersects_xy(self.shapes, (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2)
        self.tree = shapely.STRtree(self.shapes)
        # Region id → its lineage's fixed fields (lineage()), filled as points land there.
        self._lineages = {}
        # Plain lists: indexing them is several times faster than indexing numpy arrays one by one.
        self._id_list = self.ids.tolist()
        self._shape_list = self.shapes.tolist()
        self._build_raster()

    @classmethod
    def from_database(cls):
        # The version is read first: a change committed while the rows are read makes the next
        # freshness check rebuild once more, rather than go unnoticed.
        version = current_version()
        rows = (
            Region.objects.filter(is_active=True, boundary__isnull=False)
            .order_by("code")
            .values_list("id", "level", "boundary")
        )
        ids, levels, shapes = [], [], []
        for region_id, level, boundary in rows.iterator(chunk_size=2000):
            shape = load_shape(boundary)
            if shape is not None and not shape.is_empty:
                ids.append(region_id)
                levels.append(level)
                shapes.append(shape)
        return cls(ids, levels, shapes, version=version)

    def __len__(self):
        return len(self.ids)

    def stats(self):
        """Sizes of the index, for benchmarks and diagnostics."""
        crossed = sum(entry.__class__ is list for entry in self._raster)
        return {"polygons": len(self.ids), "raster_cells": len(self._raster), "raster_cells_crossed": crossed}

    # --- Lookups -----------------------------------------------------------------------------

    def locate_id(self, lon, lat):
        """Id of the deepest region containing (lon, lat), or None."""
        col = (lon - self._west) * self._cols_per_degree
        row = (lat - self._south) * self._rows_per_degree
        if not (0 <= col < self._cols and 0 <= row < self._rows):
            return None
        c, r = int(col), int(row)
        entry = self._raster[r * self._cols + c]
        if entry.__class__ is list:  # a boundary crosses this cell: look in the right quarter
            entry = entry[(2 if row - r >= 0.5 else 0) + (1 if col - c >= 0.5 else 0)]
        if entry.__class__ is not tuple:
            return entry  # the answer for the whole cell: a region id, or None
        # A boundary crosses here: test the candidates, deepest first.
        candidates, answer = entry
        for index in candidates:
            if _intersects_xy(self._shape_list[index], lon, lat):
                return self._id_list[index]
        return answer

    def locate_id_by_tree(self, lon, lat):
        """The same answer without the raster: STRtree candidates tested one by one (tests compare the two)."""
        candidates = self.tree.query(shapely.Point(lon, lat))
        hits = candidates[shapely.intersects_xy(self.shapes[candidates], lon, lat)]
        if len(hits) == 0:
            return None
        return self._id_list[hits[np.argmax(self.rank[hits])]]

    def locate_many(self, lons, lats):
        """Ids of the deepest regions containing each point, as an int64 array with -1 for none."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        result = np.full(lons.shape, -1, dtype=np.int64)
        if len(self.ids) == 0 or lons.size == 0:
            return result
        points = shapely.points(lons, lats)
        point_index, shape_index = self.tree.query(points)
        hit = shapely.intersects_xy(self.shapes[shape_index], lons[point_index], lats[point_index])
        point_index, shape_index = point_index[hit], shape_index[hit]
        # Sort the hits by point, then by rank: the last hit of each point is its deepest.
        order = np.lexsort((self.rank[shape_index], point_index))
        point_index, shape_index = point_index[order], shape_index[order]
        last = np.r_[point_index[1:] != point_index[:-1], True]
        result[point_index[last]] = self.ids[shape_index[last]]
        return result

    # --- The raster ----------------------------------------------------------------------------

    def _build_raster(self):
        self._raster, self._cols, self._rows = [], 0, 0
        self._west = self._south = self._size = 0.0
        self._cols_per_degree = self._rows_per_degree = 0.0
        if len(self.ids) == 0:
            return
        west, south, east, north = shapely.total_bounds(self.shapes)
        deepest = self.shapes[self.levels == self.levels.max()]
        size = float(np.median(np.sqrt(shapely.area(deepest)))) / RASTER_CELLS_PER_POLYGON
        size = max(size, math.sqrt(max(east - west, size) * max(north - south, size) / RASTER_MAX_CELLS))
        # One more than fits, so points on the east and north edges fall inside the raster.
        cols, rows = int((east - west) / size) + 1, int((north - south) / size) + 1
        self._west, self._south, self._size = float(west), float(south), size
        self._cols, self._rows = cols, rows
        self._cols_per_degree = self._rows_per_degree = 1.0 / size

        # Built a band of rows at a time: the boxes and candidate pairs of a whole district's cells
        # would raise the process's memory high-water mark several times over what the index keeps.
        # Neighbouring cells repeat the same ids and candidate lists thousands of times: one object
        # each, shared by every cell that holds it.
        raster, shared = [None] * (cols * rows), {}
        band = max(1, RASTER_BAND_CELLS // cols)
        for first in range(0, rows, band):
            start, end = first * cols, min(rows, first + band) * cols
            raster[start:end] = self._band(start, end, shared)
        self._raster = raster

    def _band(self, start, end, shared):
        """The raster entries of cells start…end-1 (whole rows)."""
        cols = self._cols
        # Level 1: every cell against the polygons whose bounding boxes meet it (from the tree).
        cell_col, cell_row = np.divmod(np.arange(start, end), cols)[::-1]
        cells = self._boxes(cell_col, cell_row, 1.0)
        cell_index, shape_index = self.tree.query(cells)
        holder, crossing = self._classify(cells, cell_index, shape_index, np.full(len(cells), -1, dtype=np.int64))
        entries = self._entries(len(cells), holder, cell_index[crossing], shape_index[crossing], shared)

        # Level 2: a crossed cell is split into 2×2 quarters, tested only against that cell's
        # candidates. Near boundaries this doubles the resolution at a fraction of the cost.
        crossed = np.flatnonzero([entry.__class__ is tuple for entry in entries])
        if len(crossed) == 0:
            return entries
        position = np.full(len(cells), -1)
        position[crossed] = np.arange(len(crossed))
        pair_cell, pair_shape = np.repeat(cell_index[crossing], 4), np.repeat(shape_index[crossing], 4)
        # Quarters are numbered 2·(upper half) + (right half) within their cell.
        quarter_index = position[pair_cell] * 4 + np.tile(np.arange(4), len(pair_cell) // 4)
        quarters = self._boxes(
            np.repeat(cell_col[crossed], 4) + np.tile([0, 0.5, 0, 0.5], len(crossed)),
            np.repeat(cell_row[crossed], 4) + np.tile([0, 0, 0.5, 0.5], len(crossed)),
            0.5,
        )
        holder_q, crossing_q = self._classify(quarters, quarter_index, pair_shape, np.repeat(holder[crossed], 4))
        split = self._entries(len(quarters), holder_q, quarter_index[crossing_q], pair_shape[crossing_q], shared)
        for i, cell in enumerate(crossed.tolist()):
            entries[cell] = split[4 * i : 4 * i + 4]
        return entries

    def _boxes(self, cols, rows, span):
        """Boxes `span` cells wide whose south-west corners are at raster positions (cols, rows),
        slightly enlarged so rounding at their edges never matters."""
        x, y = self._west + cols * self._size, self._south + rows * self._size
        pad = RASTER_PAD_DEGREES
        return shapely.box(x - pad, y - pad, x + span * self._size + pad, y + span * self._size + pad)

    def _classify(self, boxes, box_index, shape_index, holder_rank):
        """For pairs (box, polygon): each box's holder, the deepest polygon holding it whole (its
        rank; `holder_rank` gives the starting values), and which pairs must be tested point by
        point: polygons that would outrank the holder and whose boundary crosses the box."""
        holder_rank = holder_rank.copy()
        pair_levels = self.levels[shape_index]
        # Deepest level first; a box held at one level is not tried at shallower ones.
        for level in np.unique(pair_levels)[::-1]:
            tried = (pair_levels == level) & (holder_rank[box_index] < self.rank[shape_index])
            inside = shapely.contains_properly(self.shapes[shape_index[tried]], boxes[box_index[tried]])
            np.maximum.at(holder_rank, box_index[tried][inside], self.rank[shape_index[tried][inside]])
        crossing = self.rank[shape_index] > holder_rank[box_index]
        crossing[crossing] = shapely.intersects(self.shapes[shape_index[crossing]], boxes[box_index[crossing]])
        return holder_rank, crossing

    def _entries(self, count, holder_rank, box_index, shape_index, shared):
        """Raster entries: the holder's id (None: no polygon) for boxes no boundary crosses; for the
        others (candidates deepest first, the holder's id for when none of them contains the point).
        Equal ids, candidate tuples and entries are the one object kept in `shared`."""
        held = holder_rank >= 0
        # rank = level·(n+1) + (n − index), so the index is recovered from the rank alone.
        n = len(self.ids)
        entries = [None] * count
        holder_ids = self.ids[n - holder_rank[held] % (n + 1)].tolist()
        for box, region_id in zip(np.flatnonzero(held).tolist(), holder_ids, strict=True):
            entries[box] = shared.setdefault(region_id, region_id)
        order = np.lexsort((-self.rank[shape_index], box_index))
        box_index, candidates = box_index[order], shape_index[order].tolist()
        starts = np.flatnonzero(np.r_[True, box_index[1:] != box_index[:-1]])
        ends = np.r_[starts[1:], len(box_index)]
        for box, start, end in zip(box_index[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
            found = tuple(candidates[start:end])
            found = shared.get(("candidates", found)) or shared.setdefault(
                ("candidates", found), tuple(shared.setdefault(("index", i), i) for i in found)
            )
            entry = (found, entries[box])
            entries[box] = shared.setdefault(("entry", entry), entry)
        return entries


# --- The process-wide index ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    """The index with what decides its freshness, replaced as a whole so threads never see a mix."""

    index: SpatialIndex
    generation: int  # the value of _generation it was built (or last confirmed) for
    # time.monotonic() until which it is trusted without asking the database. Computed once:
    # reading a Django setting costs as much as a whole lookup.
    fresh_until: float


_lock = threading.Lock()
_loaded = None
# Bumped by invalidate(); an index loaded for an older generation is stale.
_generation = 0


def current_version():
    """What changes whenever an indexed boundary does: the latest boundary_updated_at and the
    number of active regions with a boundary (deletion or deactivation lowers it)."""
    row = Region.objects.filter(is_active=True, boundary__isnull=False).aggregate(
        latest=Max("boundary_updated_at"), count=Count("id")
    )
    return row["latest"], row["count"]


def invalidate():
    """Drop this process's index; the next lookup rebuilds it. Boundary actions call this on commit."""
    global _generation
    _generation += 1


def get_index():
    """The current SpatialIndex, rebuilt first if boundaries changed here or in another process."""
    loaded = _loaded
    if loaded is not None and loaded.generation == _generation and time.monotonic() < loaded.fresh_until:
        return loaded.index
    return _refresh()


def _refresh():
    global _loaded
    # One thread rebuilds; the others wait for it, then find its index fresh and use it.
    with _lock:
        loaded, generation = _loaded, _generation
        if loaded is not None and loaded.generation == generation:
            if time.monotonic() < loaded.fresh_until:
                return loaded.index
            if loaded.index.version == current_version():
                _loaded = _Loaded(loaded.index, generation, _fresh_until())
                return loaded.index
        # An invalidate() during the build bumps _generation past `generation`: rebuilt again next time.
        index = SpatialIndex.from_database()
        _loaded = _Loaded(index, generation, _fresh_until())
        # The raster's build peaks at several times what the index keeps (the cells' boxes, their
        # candidate pairs): hand that back rather than keep it for the worker's life.
        memory.release()
        return index


def _fresh_until():
    return time.monotonic() + settings.LOCATE_REFRESH_SECONDS


@receiver(setting_changed)
def _refresh_interval_changed(setting, **kwargs):
    # A new interval (tests, override_settings) applies from the next lookup, which then compares
    # the index with the database.
    global _loaded
    if setting == "LOCATE_REFRESH_SECONDS" and _loaded is not None:
        _loaded = _Loaded(_loaded.index, _loaded.generation, -math.inf)


def locate_id(lon, lat):
    """Id of the deepest active region whose boundary contains (lon, lat) (WGS84), or None."""
    return get_index().locate_id(lon, lat)


def locate(lon, lat):
    """The deepest active Region whose boundary contains (lon, lat) (WGS84), or None."""
    region_id = locate_id(lon, lat)
    if region_id is None:
        return None
    return Region.objects.filter(pk=region_id).first()


# What a lineage keeps of each region: the fields fixed once a region is created (regions.actions:
# code, level and parent never change) and is_active, which the index itself follows. Its name,
# boundary and the rest are deferred: they load from the database when read, so they are never stale.
# In the order of Region's columns (Model.from_db reads the values in that order).
LINEAGE_FIELDS = ("id", "parent_id", "level", "code", "is_active")


def lineage(region_id):
    """The region `region_id` and its ancestors, deepest first, as fresh Region objects holding
    LINEAGE_FIELDS only. Kept with the current index, so a report placed where one was placed before
    reads no region row at all; it is dropped with the index (invalidate(), or a boundary change seen
    at the next freshness check)."""
    from civicgrid.regions.codes import ancestor_codes

    index = get_index()
    rows = index._lineages.get(region_id)
    if rows is None:
        node = Region.objects.filter(pk=region_id).values_list(*LINEAGE_FIELDS).first()
        if node is None:
            return []
        codes = ancestor_codes(node[LINEAGE_FIELDS.index("code")])
        above = Region.objects.filter(code__in=codes).values_list(*LINEAGE_FIELDS) if codes else []
        rows = tuple(sorted([node, *above], key=lambda row: -len(row[LINEAGE_FIELDS.index("code")])))
        index._lineages[region_id] = rows
    return [Region.from_db(Region.objects.db, LINEAGE_FIELDS, row) for row in rows]


def locate_lineage(lon, lat):
    """lineage() of the deepest active region containing the point ([] when none does)."""
    region_id = locate_id(lon, lat)
    return [] if region_id is None else lineage(region_id)


def locate_many(lons, lats):
    """Region ids for many points at once (numpy int64 array, -1 where no region contains the point)."""
    return get_index().locate_many(lons, lats)
