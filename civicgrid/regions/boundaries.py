"""Region boundaries: parse and validate GeoJSON polygons in WGS84 longitude/latitude.

Boundaries are stored as GeoJSON geometry objects (Region.boundary) and handled with shapely
(shapely 2: no GDAL or PostGIS needed). Everything that writes a boundary validates it here
first, so the spatial index (regions.locator) can trust every stored polygon.

The checks work on the raw JSON before shapely sees it: shapely quietly closes open rings and
accepts any numbers, which would hide exactly the mistakes a hand-edited or exported file makes.
Every message says what is wrong and where (which polygon, which ring, which position).
"""

import json
import math
import re

import numpy as np
import shapely
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.validation import explain_validity

from civicgrid.core import safejson

# Metres per degree of latitude (and of longitude at the equator). The tolerance is a few metres,
# so a spherical Earth is precise enough; longitude degrees shrink with cos(latitude).
METRES_PER_DEGREE = 111_320

# Output precision of generated boundaries: 7 decimals is about 1 cm, far below any survey error.
COORDINATE_DECIMALS = 7

# GEOS reports invalidity in English ("Self-intersection[113.6 34.7]"); these are the reasons it
# can give (IsValidOp), so the user reads the problem in their language.
GEOS_REASONS = {
    "Self-intersection": gettext_lazy("边界自相交"),
    "Ring Self-intersection": gettext_lazy("环自相交"),
    "Hole lies outside shell": gettext_lazy("内环（洞）位于外环之外"),
    "Holes are nested": gettext_lazy("内环（洞）相互嵌套"),
    "Interior is disconnected": gettext_lazy("内部被内环分割成不连通的部分"),
    "Nested shells": gettext_lazy("多个多边形相互嵌套"),
    "Duplicate Rings": gettext_lazy("存在重复的环"),
    "Too few distinct points in geometry component": gettext_lazy("环的不同坐标点太少"),
    "Invalid Coordinate": gettext_lazy("坐标无效"),
    "Ring is not closed": gettext_lazy("环未闭合"),
    "Repeated Point": gettext_lazy("存在重复坐标点"),
}
_GEOS_REASON_AT = re.compile(r"^(?P<reason>.*?)\s*\[(?P<x>\S+) (?P<y>\S+)\]$")


def format_position(lon, lat):
    return _("经度 %(lon).6f、纬度 %(lat).6f") % {"lon": lon, "lat": lat}


def metres_to_degrees(metres, latitude):
    """(Δlongitude, Δlatitude) in degrees that span `metres` east–west and north–south at `latitude`."""
    return (
        metres / (METRES_PER_DEGREE * math.cos(math.radians(latitude))),
        metres / METRES_PER_DEGREE,
    )


# --- Parsing the raw GeoJSON -----------------------------------------------------------------


def parse_geometry(value):
    """Return the GeoJSON geometry (a Polygon or MultiPolygon dict) in `value`, checked position by position.

    `value` may be a dict or JSON text holding a geometry or a Feature. The result keeps only
    what a boundary needs: type and [lon, lat] positions (altitudes and extra members dropped).
    Raises a translated ValidationError naming the polygon, ring and position at fault.
    """
    if isinstance(value, bytes | str):
        try:
            value = safejson.loads(value)  # a nesting limit: deep input would raise RecursionError
        except ValueError as exc:  # also UnicodeDecodeError, JSONDecodeError and safejson.TooDeep
            raise ValidationError(_("边界不是有效的 JSON：%(error)s") % {"error": exc}, code="malformed") from exc
    if not isinstance(value, dict):
        raise ValidationError(_("边界应为 GeoJSON 几何对象（Polygon 或 MultiPolygon）。"), code="malformed")
    if value.get("type") == "Feature":
        value = value.get("geometry")
        if not isinstance(value, dict):
            raise ValidationError(_("要素（Feature）没有几何对象（geometry）。"), code="malformed")
    kind = value.get("type")
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        _check_polygon(coordinates, polygon_number=None)
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(_("MultiPolygon 的坐标应为非空的多边形列表。"), code="malformed")
        for number, polygon in enumerate(coordinates, start=1):
            _check_polygon(polygon, polygon_number=number)
    else:
        raise ValidationError(
            _("不支持的几何类型 %(type)s：边界只能是 Polygon 或 MultiPolygon。") % {"type": kind or "—"},
            code="unsupported_type",
        )
    return {"type": kind, "coordinates": _flat(coordinates)}


def _flat(coordinates):
    """The same nested lists with every position cut to [lon, lat]."""
    if coordinates and _is_number(coordinates[0]):
        return [coordinates[0], coordinates[1]]
    return [_flat(item) for item in coordinates]


def _ring_label(polygon_number, ring_index):
    ring = _("外环") if ring_index == 0 else _("第 %(n)d 个内环") % {"n": ring_index}
    if polygon_number is None:
        return ring
    return _("第 %(n)d 个多边形的%(ring)s") % {"n": polygon_number, "ring": ring}


def _is_number(value):
    # bool is an int in Python, but `true` is never a coordinate.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_polygon(rings, polygon_number):
    if not isinstance(rings, list) or not rings:
        where = _("多边形") if polygon_number is None else _("第 %(n)d 个多边形") % {"n": polygon_number}
        raise ValidationError(_("%(where)s没有坐标环。") % {"where": where}, code="malformed")
    for ring_index, ring in enumerate(rings):
        where = _ring_label(polygon_number, ring_index)
        if not isinstance(ring, list):
            raise ValidationError(_("%(where)s应为坐标列表。") % {"where": where}, code="malformed")
        for position_number, position in enumerate(ring, start=1):
            _check_position(position, where, position_number)
        if len(ring) < 4:
            raise ValidationError(
                _("%(where)s只有 %(n)d 个坐标点，闭合的环至少需要 4 个（首尾相同）。")
                % {"where": where, "n": len(ring)},
                code="too_few_positions",
            )
        if ring[0][:2] != ring[-1][:2]:
            raise ValidationError(
                _("%(where)s不是闭合的：首点（%(first)s）与末点（%(last)s）不同。")
                % {"where": where, "first": format_position(*ring[0][:2]), "last": format_position(*ring[-1][:2])},
                code="not_closed",
            )


def _check_position(position, where, number):
    if not isinstance(position, list | tuple) or len(position) < 2 or not all(_is_number(v) for v in position):
        raise ValidationError(
            _("%(where)s的第 %(n)d 个坐标点不是 [经度, 纬度] 数值对：%(value)s")
            % {"where": where, "n": number, "value": json.dumps(position, ensure_ascii=False)[:60]},
            code="malformed",
        )
    lon, lat = position[0], position[1]
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise ValidationError(
            _(
                "%(where)s的第 %(n)d 个坐标点 [%(lon)s, %(lat)s] 超出范围：经度应在 −180 至 180 之间，"
                "纬度应在 −90 至 90 之间（GeoJSON 的顺序是先经度后纬度）。"
            )
            % {"where": where, "n": number, "lon": lon, "lat": lat},
            code="out_of_range",
        )


# --- Geometry --------------------------------------------------------------------------------


def to_shape(geometry):
    """The shapely geometry of an already parsed GeoJSON geometry, which must be valid (OGC)."""
    shape = shapely.geometry.shape(geometry)
    if shape.is_empty:
        raise ValidationError(_("边界是空的。"), code="empty")
    if not shape.is_valid:
        raise ValidationError(describe_invalidity(shape), code="invalid_geometry")
    return shape


def describe_invalidity(shape):
    """A translated sentence for why GEOS finds `shape` invalid, with the position it reports."""
    explanation = explain_validity(shape)
    match = _GEOS_REASON_AT.match(explanation)
    if match is None:
        return _("边界几何无效：%(reason)s。") % {"reason": explanation}
    reason = GEOS_REASONS.get(match["reason"], match["reason"])
    return _("边界几何无效：%(reason)s，位于%(where)s附近。") % {
        "reason": reason,
        "where": format_position(float(match["x"]), float(match["y"])),
    }


def clean_boundary(value):
    """Parse and validate a boundary; return (GeoJSON geometry dict, shapely geometry)."""
    geometry = parse_geometry(value)
    return geometry, to_shape(geometry)


def load_shape(geometry):
    """The shapely geometry of a stored boundary, or None when there is none or it cannot be read.

    Stored boundaries were validated on the way in; this is for reading them back, where a
    legacy bad row should not break the caller.
    """
    if not geometry:
        return None
    try:
        return shapely.geometry.shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        return None


def _metres_scale(latitude):
    """Factors that turn (lon, lat) degrees into local metres around `latitude` (equirectangular)."""
    return np.array([METRES_PER_DEGREE * math.cos(math.radians(latitude)), METRES_PER_DEGREE])


def check_within(child, parent, *, child_label, parent_label, tolerance_metres=None):
    """Raise ValidationError unless `child` lies inside `parent`, allowing `tolerance_metres` of overshoot.

    Boundaries drawn or exported separately never share vertices exactly; a few metres of
    overshoot (settings.BOUNDARY_TOLERANCE_METRES) is drawing noise, more is a real error.
    """
    if tolerance_metres is None:
        tolerance_metres = settings.BOUNDARY_TOLERANCE_METRES
    if parent.covers(child):  # the exact, common case; no metric conversion needed
        return
    # Compare in metres: a degree of longitude is shorter than a degree of latitude.
    scale = _metres_scale(parent.centroid.y)
    child_m = shapely.transform(child, lambda coords: coords * scale)
    parent_m = shapely.transform(parent, lambda coords: coords * scale)
    beyond = child_m.difference(parent_m.buffer(tolerance_metres))
    # A square centimetre is floating-point noise of the buffer, not a boundary error.
    if beyond.area <= 1e-4:
        return
    # Point the user at the part that sticks out farthest.
    corners = shapely.get_coordinates(beyond)
    distances = shapely.distance(shapely.points(corners), parent_m)
    worst = int(np.argmax(distances))
    lon, lat = corners[worst] / scale
    raise ValidationError(
        _(
            "「%(child)s」超出上级「%(parent)s」的边界约 %(metres).1f 米（允许误差 %(tolerance)s 米），最远处位于%(where)s。"
        )
        % {
            "child": child_label,
            "parent": parent_label,
            "metres": distances[worst],
            "tolerance": tolerance_metres,
            "where": format_position(lon, lat),
        },
        code="outside_parent",
    )


def label_point(shape):
    """(lon, lat) for a node's label and map centre: the centroid, or a point surely inside when the
    centroid falls outside (a crescent-shaped street, a village in two parts)."""
    point = shape.centroid
    if not shape.covers(point):
        point = shape.point_on_surface()
    return point.x, point.y


def to_geojson(shape, decimals=COORDINATE_DECIMALS):
    """A plain GeoJSON geometry dict (lists, rounded coordinates) of a Polygon or MultiPolygon."""

    def ring(coords):
        return [[round(x, decimals), round(y, decimals)] for x, y in coords]

    def polygon(poly):
        return [ring(poly.exterior.coords), *(ring(hole.coords) for hole in poly.interiors)]

    if shape.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(shape)}
    if shape.geom_type == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [polygon(part) for part in shape.geoms]}
    raise ValueError(f"not a polygon: {shape.geom_type}")
