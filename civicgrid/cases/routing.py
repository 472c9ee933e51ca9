"""Automatic routing: where a case is (grid, community, street) and who handles it by default."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from civicgrid.cases.models import OPEN_STATUSES, Case, HandlingLevel
from civicgrid.core import clock
from civicgrid.core.registry import Registry
from civicgrid.regions.models import Department, Level, Region

EARTH_RADIUS_METRES = 6_371_008.8
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_METRES / 180


def locate(lon, lat):
    """The deepest region node containing the point, or None (regions.locator, imported late so the
    cases app does not load the spatial index at import time)."""
    from civicgrid.regions.locator import locate as locate_point

    return locate_point(lon, lat)


@dataclass(frozen=True)
class Place:
    node: Region
    grid: Region | None
    community: Region | None
    street: Region | None

    @property
    def region_code(self):
        return self.node.code


def place_of(node):
    """The node and its grid, community and street (one query for the ancestors)."""
    from civicgrid.regions.codes import ancestor_codes

    by_level = {r.level: r for r in Region.objects.filter(code__in=[*ancestor_codes(node.code), node.code])}
    by_level[node.level] = node
    return Place(
        node=node,
        grid=by_level.get(Level.GRID),
        community=by_level.get(Level.COMMUNITY),
        street=by_level.get(Level.STREET),
    )


def place_at(lon, lat):
    """The Place of the deepest active node containing the point, or None. The node and its
    ancestors come from the locator's lineage cache (regions.locator.lineage): their code, level and
    parent; anything else about them loads when read."""
    from civicgrid.regions.locator import locate_lineage

    lineage = locate_lineage(lon, lat)
    if not lineage:
        return None
    by_level = {r.level: r for r in lineage}
    return Place(
        node=lineage[0],
        grid=by_level.get(Level.GRID),
        community=by_level.get(Level.COMMUNITY),
        street=by_level.get(Level.STREET),
    )


def serves(department, region_code):
    """A department serves the subtree of the region it is attached to."""
    return department.is_active and region_code.startswith(department.region.code)


def default_department(category, region_code):
    """The category's default department if it serves the area; otherwise the department of the
    category's department kind closest above the case (a street's office before the district's)."""
    from civicgrid.regions.codes import ancestor_codes

    named = category.effective_department
    if named is not None and serves(named, region_code):
        return named
    kind = category.effective_department_kind
    if not kind:
        return None
    candidates = Department.objects.filter(
        kind=kind, is_active=True, region__code__in=[*ancestor_codes(region_code), region_code]
    ).select_related("region")
    return max(candidates, key=lambda d: (len(d.region.code), -d.pk), default=None)


@dataclass(frozen=True)
class Route:
    level: str
    department: Department | None


def default_route(category, place):
    """The category's default handling level, falling back upwards when the place lacks that unit
    (no grid drawn there yet, or no department of that kind serving it)."""
    level = category.effective_level
    if level == HandlingLevel.DEPARTMENT:
        department = default_department(category, place.region_code)
        if department is not None:
            return Route(HandlingLevel.DEPARTMENT, department)
        level = HandlingLevel.STREET
    if level == HandlingLevel.GRID and place.grid is None:
        level = HandlingLevel.COMMUNITY
    if level == HandlingLevel.COMMUNITY and place.community is None:
        level = HandlingLevel.STREET
    return Route(level, None)


# --- Nearby duplicates ----------------------------------------------------------------------


def haversine_metres(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class TextMatcher:
    """How alike two reports' texts are: `function(text, [other texts]) -> [score 0…1]`. A plug-in
    (the smart-intake app) registers one in its AppConfig.ready(); without one, only the category
    decides what a nearby duplicate is."""

    name: str
    function: object
    order: int = 100


TEXT_MATCHERS = Registry("duplicate text matcher")
TEXT_CANDIDATES = 50  # the most recent nearby open cases of other categories whose texts are compared


def register_text_matcher(matcher):
    return TEXT_MATCHERS.register(matcher)


def _box(lon, lat, radius):
    dlat = radius / METRES_PER_DEGREE_LAT
    dlon = radius / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 1e-6))
    return {"lat__gte": lat - dlat, "lat__lte": lat + dlat, "lon__gte": lon - dlon, "lon__lte": lon + dlon}


def _alike(text, cases):
    """The cases whose title and description read like `text` (the best registered matcher's view)."""
    matchers = list(TEXT_MATCHERS)
    if not matchers or not cases or not (text or "").strip():
        return []
    others = [f"{case.title} {case.description}" for case in cases]
    scores = [max(values) for values in zip(*(m.function(text, others) for m in matchers), strict=True)]
    threshold = settings.CASES_DUPLICATE_TEXT_SIMILARITY
    return [case for case, score in zip(cases, scores, strict=True) if score >= threshold]


DUPLICATE_FIELDS = ("pk", "number", "title", "description", "category_id", "lon", "lat", "status", "is_public")


def nearby_filter(lon, lat, radius=None):
    """The open cases whose position lies in the box around the point (what nearby_duplicates reads
    in SQL, for callers that fold that read into one of their own)."""
    radius = settings.CASES_DUPLICATE_RADIUS_METRES if radius is None else radius
    return Q(status__in=OPEN_STATUSES, **_box(lon, lat, radius))


def in_nearby_box(case, lon, lat, radius=None):
    """nearby_filter() tested on a case read already."""
    radius = settings.CASES_DUPLICATE_RADIUS_METRES if radius is None else radius
    box = _box(lon, lat, radius)
    return (
        case.status in OPEN_STATUSES
        and case.lat is not None
        and case.lon is not None
        and box["lat__gte"] <= case.lat <= box["lat__lte"]
        and box["lon__gte"] <= case.lon <= box["lon__lte"]
    )


def nearby_duplicates(category, lon, lat, radius=None, exclude=None, limit=5, text=""):
    """Open cases within `radius` metres, nearest first: those of the same category, and — when a
    text matcher is registered and `text` is given — those of another category reported within
    CASES_DUPLICATE_TEXT_DAYS whose words describe the same problem.

    One query: a bounding box on the indexed (lat, lon) columns narrows the candidates in SQL; the
    exact great-circle distance and the rest are then decided for those few in Python.
    """
    if lon is None or lat is None:
        return []
    nearby = Case.objects.filter(nearby_filter(lon, lat, radius))
    if exclude is not None:
        nearby = nearby.exclude(pk=exclude.pk)
    rows = list(nearby.only(*DUPLICATE_FIELDS, "reported_at"))
    return duplicates_among(rows, category, lon, lat, radius=radius, limit=limit, text=text)


def duplicates_among(rows, category, lon, lat, radius=None, limit=5, text=""):
    """nearby_duplicates' decision over `rows`, the open cases in the box (read with DUPLICATE_FIELDS)."""
    radius = settings.CASES_DUPLICATE_RADIUS_METRES if radius is None else radius
    category_id = category.pk
    candidates = [c for c in rows if c.category_id == category_id]
    if text and len(TEXT_MATCHERS):
        since = clock.now() - timedelta(days=settings.CASES_DUPLICATE_TEXT_DAYS)
        others = sorted(
            (c for c in rows if c.category_id != category_id and c.reported_at >= since),
            key=lambda c: c.reported_at,
            reverse=True,
        )
        others = [c for c in others[:TEXT_CANDIDATES] if _within(c, lon, lat, radius)]
        candidates += _alike(text, others)
    found = [case for case in candidates if _within(case, lon, lat, radius)]
    found.sort(key=lambda c: c.distance_metres)
    return found[:limit]


def _within(case, lon, lat, radius):
    distance = haversine_metres(lon, lat, case.lon, case.lat)
    case.distance_metres = round(distance, 1)
    return distance <= radius


def unit_region(case, level):
    """The region of `case` that a unit handling it at `level` holds (None: a department, or the
    case has no such place)."""
    return {
        HandlingLevel.GRID: case.grid,
        HandlingLevel.COMMUNITY: case.community,
        HandlingLevel.STREET: case.street,
    }.get(level)
