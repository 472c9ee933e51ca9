"""Automatic routing: where a case is (grid, community, street) and who handles it by default."""

import math
from dataclasses import dataclass

from django.conf import settings

from civicgrid.cases.models import OPEN_STATUSES, Case, HandlingLevel
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


def nearby_duplicates(category, lon, lat, radius=None, exclude=None, limit=5):
    """Open cases of the same category within `radius` metres, nearest first.

    A bounding box on the indexed (category, lat) columns narrows the candidates in SQL; the exact
    great-circle distance is then computed for those few in Python.
    """
    if lon is None or lat is None:
        return []
    radius = settings.CASES_DUPLICATE_RADIUS_METRES if radius is None else radius
    dlat = radius / METRES_PER_DEGREE_LAT
    dlon = radius / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 1e-6))
    candidates = Case.objects.filter(
        category=category,
        status__in=OPEN_STATUSES,
        lat__gte=lat - dlat,
        lat__lte=lat + dlat,
        lon__gte=lon - dlon,
        lon__lte=lon + dlon,
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for case in candidates.only("pk", "number", "title", "lon", "lat", "status", "is_public", "reported_at"):
        distance = haversine_metres(lon, lat, case.lon, case.lat)
        if distance <= radius:
            case.distance_metres = round(distance, 1)
            found.append(case)
    found.sort(key=lambda c: c.distance_metres)
    return found[:limit]


def unit_region(case, level):
    """The region of `case` that a unit handling it at `level` holds (None: a department, or the
    case has no such place)."""
    return {
        HandlingLevel.GRID: case.grid,
        HandlingLevel.COMMUNITY: case.community,
        HandlingLevel.STREET: case.street,
    }.get(level)
