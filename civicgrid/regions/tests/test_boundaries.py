"""Boundary parsing and validation: every mistake is named, with where it is."""

import json

import pytest
import shapely
from django.core.exceptions import ValidationError

from civicgrid.regions.boundaries import (
    check_within,
    clean_boundary,
    label_point,
    metres_to_degrees,
    parse_geometry,
    to_geojson,
)

LAT = 34.72
SQUARE = [[113.60, 34.70], [113.62, 34.70], [113.62, 34.72], [113.60, 34.72], [113.60, 34.70]]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def box(x0, y0, x1, y1):
    return shapely.box(x0, y0, x1, y1)


def error_of(value):
    with pytest.raises(ValidationError) as excinfo:
        clean_boundary(value)
    error = excinfo.value
    return error.code, " ".join(error.messages)


def test_a_polygon_a_multipolygon_and_a_feature_are_accepted():
    geometry, shape = clean_boundary(polygon(SQUARE))
    assert geometry == {"type": "Polygon", "coordinates": [SQUARE]}
    assert shape.area == pytest.approx(0.0004)
    moved = [[x + 0.1, y] for x, y in SQUARE]
    geometry, shape = clean_boundary({"type": "MultiPolygon", "coordinates": [[SQUARE], [moved]]})
    assert shape.geom_type == "MultiPolygon"
    geometry, _shape = clean_boundary({"type": "Feature", "properties": {}, "geometry": polygon(SQUARE)})
    assert geometry["type"] == "Polygon"


def test_json_text_is_accepted_and_altitude_dropped():
    with_altitude = [[x, y, 110.0] for x, y in SQUARE]
    geometry, shape = clean_boundary(json.dumps({**polygon(with_altitude), "bbox": [0, 0, 1, 1]}))
    assert geometry == polygon(SQUARE)
    assert shape.is_valid and not shape.has_z


def test_a_polygon_with_a_hole_is_accepted():
    hole = [[113.605, 34.705], [113.605, 34.71], [113.61, 34.71], [113.61, 34.705], [113.605, 34.705]]
    _geometry, shape = clean_boundary(polygon(SQUARE, hole))
    assert len(shape.interiors) == 1


def test_an_open_ring_is_rejected_although_shapely_would_close_it():
    code, message = error_of(polygon(SQUARE[:-1] + [[113.60, 34.7001]]))
    assert code == "not_closed"
    assert "外环不是闭合的" in message
    assert "34.700100" in message  # the last position, so the user can find it


def test_too_few_positions():
    code, message = error_of(polygon([[113.6, 34.7], [113.62, 34.7], [113.6, 34.7]]))
    assert code == "too_few_positions"
    assert "3 个坐标点" in message


def test_out_of_range_and_swapped_coordinates():
    code, message = error_of(polygon([[y, x] for x, y in SQUARE]))
    assert code == "out_of_range"
    assert "第 1 个坐标点" in message and "先经度后纬度" in message
    code, _message = error_of(polygon([[181, 0], [182, 0], [182, 1], [181, 0]]))
    assert code == "out_of_range"


def test_self_intersection_is_located():
    bow_tie = [[113.60, 34.70], [113.62, 34.72], [113.62, 34.70], [113.60, 34.72], [113.60, 34.70]]
    code, message = error_of(polygon(bow_tie))
    assert code == "invalid_geometry"
    assert "自相交" in message
    assert "113.610000" in message and "34.710000" in message


def test_a_hole_outside_the_shell_is_rejected():
    far = [[113.70, 34.70], [113.70, 34.71], [113.71, 34.71], [113.70, 34.70]]
    code, message = error_of(polygon(SQUARE, far))
    assert code == "invalid_geometry"
    assert "内环" in message


def test_where_in_a_multipolygon():
    bad = [[113.7, 34.7], [113.71, 34.7], [113.7, 34.7]]
    code, message = error_of({"type": "MultiPolygon", "coordinates": [[SQUARE], [bad]]})
    assert code == "too_few_positions"
    assert "第 2 个多边形的外环" in message


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("{not json", "malformed"),
        ([1, 2, 3], "malformed"),
        ({"type": "Point", "coordinates": [113.6, 34.7]}, "unsupported_type"),
        ({"type": "LineString", "coordinates": SQUARE}, "unsupported_type"),
        ({"type": "FeatureCollection", "features": []}, "unsupported_type"),
        ({"type": "Feature", "geometry": None}, "malformed"),
        ({"type": "Polygon", "coordinates": []}, "malformed"),
        ({"type": "Polygon", "coordinates": [[["113.6", "34.7"]] * 4]}, "malformed"),
        ({"type": "Polygon", "coordinates": [[[True, False]] * 4]}, "malformed"),
        ({"type": "Polygon", "coordinates": [[[113.6]] * 4]}, "malformed"),
        ({"type": "MultiPolygon", "coordinates": []}, "malformed"),
    ],
)
def test_malformed_geometries(value, code):
    assert error_of(value)[0] == code


def test_messages_are_chinese_by_default():
    _code, message = error_of({"type": "Point", "coordinates": [113.6, 34.7]})
    assert "不支持的几何类型" in message


def test_metres_to_degrees():
    dlon, dlat = metres_to_degrees(111.32, 0)
    assert dlon == pytest.approx(0.001) and dlat == pytest.approx(0.001)
    dlon, _dlat = metres_to_degrees(100, 60)
    assert dlon == pytest.approx(2 * 100 / 111_320)  # a degree of longitude is half as long at 60°


def overshooting(parent, metres):
    """A child box that sticks out of `parent`'s east side by `metres`."""
    x0, y0, x1, y1 = parent.bounds
    dlon, _dlat = metres_to_degrees(metres, (y0 + y1) / 2)
    return box((x0 + x1) / 2, y0, x1 + dlon, y1)


def test_child_inside_parent():
    parent = box(113.60, 34.70, 113.62, 34.72)
    check_within(box(113.605, 34.705, 113.61, 34.71), parent, child_label="子", parent_label="父", tolerance_metres=5)
    check_within(parent, parent, child_label="子", parent_label="父", tolerance_metres=0)


def test_overshoot_within_tolerance_is_accepted():
    parent = box(113.60, 34.70, 113.62, 34.72)
    check_within(overshooting(parent, 4), parent, child_label="子", parent_label="父", tolerance_metres=5)


def test_overshoot_beyond_tolerance_is_rejected_with_distance_and_place():
    parent = box(113.60, 34.70, 113.62, 34.72)
    with pytest.raises(ValidationError) as excinfo:
        check_within(
            overshooting(parent, 20), parent, child_label="1号楼院", parent_label="第1网格", tolerance_metres=5
        )
    error = excinfo.value
    assert error.code == "outside_parent"
    message = error.messages[0]
    assert "「1号楼院」超出上级「第1网格」" in message
    assert "约 20.0 米" in message and "允许误差 5 米" in message
    assert "113.62" in message  # the far corner, east of the parent


def test_tolerance_defaults_to_the_setting(settings):
    parent = box(113.60, 34.70, 113.62, 34.72)
    child = overshooting(parent, 8)
    settings.BOUNDARY_TOLERANCE_METRES = 10
    check_within(child, parent, child_label="子", parent_label="父")
    settings.BOUNDARY_TOLERANCE_METRES = 5
    with pytest.raises(ValidationError):
        check_within(child, parent, child_label="子", parent_label="父")


def test_label_point_lies_inside_even_for_a_crescent():
    crescent = box(113.60, 34.70, 113.62, 34.72).difference(box(113.603, 34.703, 113.625, 34.717))
    assert not crescent.covers(crescent.centroid)
    lon, lat = label_point(crescent)
    assert crescent.covers(shapely.Point(lon, lat))
    lon, lat = label_point(box(113.60, 34.70, 113.62, 34.72))
    assert (lon, lat) == pytest.approx((113.61, 34.71))


def test_to_geojson_round_trips_through_validation():
    shape = box(113.60, 34.70, 113.62, 34.72).difference(box(113.605, 34.705, 113.61, 34.71))
    geometry = to_geojson(shape)
    assert json.loads(json.dumps(geometry)) == geometry
    _geometry, again = clean_boundary(geometry)
    assert again.equals(shape)
    multi = to_geojson(shapely.MultiPolygon([box(0, 0, 1, 1), box(2, 2, 3, 3)]))
    assert multi["type"] == "MultiPolygon" and len(multi["coordinates"]) == 2


def test_parse_checks_the_json_and_leaves_geometry_validity_to_shapely():
    bow_tie = [[113.60, 34.70], [113.62, 34.72], [113.62, 34.70], [113.60, 34.72], [113.60, 34.70]]
    feature = {"type": "Feature", "properties": {"code": "1"}, "geometry": polygon(bow_tie)}
    assert parse_geometry(feature) == polygon(bow_tie)  # well-formed JSON...
    assert error_of(feature)[0] == "invalid_geometry"  # ...but not a valid polygon
