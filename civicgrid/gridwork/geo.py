"""Geometry for patrols: distances in metres, and the coverage of a grid by a track (shapely).

Coordinates are WGS84 longitude/latitude; a grid is a few hundred metres across, so a local
equirectangular projection around the grid's centre is exact enough for areas and buffers."""

import math

import shapely
from shapely.geometry import LineString, Point, shape

EARTH_M = 6371008.8


def distance_m(lat1, lng1, lat2, lng2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


def _projector(lat0):
    kx = math.radians(1) * EARTH_M * math.cos(math.radians(lat0))
    ky = math.radians(1) * EARTH_M

    def project(coords):
        return [((lng) * kx, (lat) * ky) for lng, lat in coords]

    return project, kx, ky


def coverage(boundary, points, metres):
    """Share (0–1) of the area of `boundary` (GeoJSON) within `metres` of the track `points`
    [(lat, lng), …] in order."""
    if not boundary or not points:
        return 0.0
    try:
        area = shape(boundary)
    except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException):
        return 0.0
    if area.is_empty:
        return 0.0
    lat0 = area.centroid.y
    _project, kx, ky = _projector(lat0)
    area = shapely.affinity.scale(area, xfact=kx, yfact=ky, origin=(0, 0))
    xy = [(lng * kx, lat * ky) for lat, lng in points]
    track = Point(xy[0]) if len(xy) == 1 else LineString(xy)
    passed = track.buffer(metres, quad_segs=4)
    if not area.is_valid:
        area = area.buffer(0)
    if area.area <= 0:
        return 0.0
    return round(min(1.0, area.intersection(passed).area / area.area), 4)


def track_length(points):
    return sum(distance_m(a[0], a[1], b[0], b[1]) for a, b in zip(points, points[1:], strict=False))
