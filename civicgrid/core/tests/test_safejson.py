"""civicgrid.core.safejson: a nesting limit before Python's recursive decoder sees the text."""

import pytest
from django.core.exceptions import ValidationError

from civicgrid.core import safejson
from civicgrid.regions.boundaries import parse_geometry

DEEP = '{"a":' * 5000 + "1" + "}" * 5000


@pytest.mark.parametrize(
    "text", [DEEP, "[" * 100000, '{"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}']
)
def test_too_deep_is_a_value_error(text):
    with pytest.raises(safejson.TooDeep):
        safejson.loads(text)


def test_brackets_inside_strings_do_not_count():
    text = '{"a": "' + "[{" * 1000 + '\\"' + '", "b": [1, {"c": 2}]}'
    assert safejson.loads(text)["b"] == [1, {"c": 2}]


def test_shallow_json_is_parsed_as_usual():
    assert safejson.loads('{"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]}')["type"] == "Polygon"


def test_a_deep_boundary_is_a_validation_error_not_a_recursion_error():
    with pytest.raises(ValidationError):
        parse_geometry(DEEP)
