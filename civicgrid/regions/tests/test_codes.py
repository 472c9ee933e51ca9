"""Region and grid codes (GB/T 2260, 统计用区划代码): 6-digit county + 3 street + 3 community, then grid sequences."""

import pytest
from django.core.exceptions import ValidationError

from civicgrid.regions.codes import (
    ancestor_codes,
    child_code,
    clear_level_cache,
    code_length,
    validate_region_code,
)
from civicgrid.regions.models import Level, Region, RegionLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return Region.objects.create(level=Level.DISTRICT, code="410103", name="二七区")


@pytest.fixture
def chain(district):
    """district → street → community → grid, saved, so codes below can be validated against parents."""
    street = Region.objects.create(parent=district, level=Level.STREET, code="410103001", name="建中街街道")
    community = Region.objects.create(parent=street, level=Level.COMMUNITY, code="410103001001", name="建中社区")
    grid = Region.objects.create(parent=community, level=Level.GRID, code="410103001001001", name="第1网格")
    return {"district": district, "street": street, "community": community, "grid": grid}


@pytest.fixture
def two_digit_grids():
    """Grids and micro-grids numbered with 2 digits (CJ/T 213 style) instead of the default 3."""
    RegionLevel.objects.filter(level__in=[Level.GRID, Level.MICROGRID]).update(code_digits=2)
    clear_level_cache()
    yield
    clear_level_cache()


def error_messages(code, level, parent):
    with pytest.raises(ValidationError) as excinfo:
        validate_region_code(code, level, parent)
    return " ".join(excinfo.value.messages)


@pytest.mark.parametrize("code", ["410103", "110105", "320508", "650102"])
def test_valid_district_codes(code):
    validate_region_code(code, Level.DISTRICT, None)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("41010", "6 位"),  # too short
        ("4101031", "6 位"),  # too long
        ("990103", "省级代码"),  # no such province
        ("410003", "不能为 00"),  # prefecture 00
        ("410100", "不能为 00"),  # county 00
        ("41010a", "数字"),
        ("４１０１０３", "数字"),  # full-width digits are digits to str.isdigit, but not codes
        ("", "数字"),
    ],
)
def test_invalid_district_codes(code, expected):
    assert expected in error_messages(code, Level.DISTRICT, None)


def test_a_district_has_no_parent(district):
    assert "不能有上级" in error_messages("410104", Level.DISTRICT, district)


@pytest.mark.parametrize("code", ["410103001", "410103099", "410103100", "410103199", "410103200", "410103399"])
def test_valid_street_township_and_town_codes(district, code):
    # 001–099 街道, 100–199 镇, 200–399 乡
    validate_region_code(code, Level.STREET, district)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("410103000", "不能全为 0"),
        ("410103400", "001–399"),
        ("410103999", "001–399"),
        ("41010301", "3 位"),
        ("4101030011", "3 位"),
        ("410104001", "开头"),  # another district's prefix
    ],
)
def test_invalid_street_codes(district, code, expected):
    assert expected in error_messages(code, Level.STREET, district)


def test_street_needs_a_district_parent(chain):
    assert "上级应为区县" in error_messages("410103001002", Level.STREET, chain["street"])
    assert "必须有上级" in error_messages("410103002", Level.STREET, None)


@pytest.mark.parametrize("code", ["410103001001", "410103001199", "410103001200", "410103001399"])
def test_valid_community_and_village_codes(chain, code):
    # 001–199 居委会, 200–399 村委会
    validate_region_code(code, Level.COMMUNITY, chain["street"])


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("410103001000", "不能全为 0"),
        ("410103001400", "001–399"),
        ("41010300101", "3 位"),
        ("410103002001", "开头"),
    ],
)
def test_invalid_community_codes(chain, code, expected):
    assert expected in error_messages(code, Level.COMMUNITY, chain["street"])


def test_grid_and_microgrid_codes(chain):
    validate_region_code("410103001001002", Level.GRID, chain["community"])
    validate_region_code("410103001001001001", Level.MICROGRID, chain["grid"])
    assert "3 位" in error_messages("41010300100102", Level.GRID, chain["community"])
    assert "不能全为 0" in error_messages("410103001001000", Level.GRID, chain["community"])
    assert "上级应为社区" in error_messages("410103001001001", Level.GRID, chain["street"])


def test_grid_code_width_follows_the_configured_levels(chain, two_digit_grids):
    assert code_length(Level.GRID) == 14
    assert code_length(Level.MICROGRID) == 16
    assert child_code("410103001001", Level.COMMUNITY, 7) == "41010300100107"
    validate_region_code("41010300100107", Level.GRID, chain["community"])
    assert "2 位" in error_messages("410103001001007", Level.GRID, chain["community"])


def test_code_lengths_by_level():
    assert [code_length(level) for level in Level.values] == [6, 9, 12, 15, 18]


def test_ancestor_codes():
    assert ancestor_codes("410103001001001002") == ["410103", "410103001", "410103001001", "410103001001001"]
    assert ancestor_codes("410103001") == ["410103"]
    assert ancestor_codes("410103") == []


def test_child_code():
    assert child_code("410103", Level.DISTRICT, 5) == "410103005"
    assert child_code("410103", Level.DISTRICT, 200) == "410103200"
    assert child_code("410103001001", Level.COMMUNITY, 12) == "410103001001012"
    with pytest.raises(ValueError):
        child_code("410103", Level.DISTRICT, 1000)
    with pytest.raises(ValueError):
        child_code("410103", Level.DISTRICT, 0)


def test_model_validation_uses_the_code_rules(chain):
    bad = Region(parent=chain["district"], level=Level.STREET, code="410103500", name="越界街道")
    with pytest.raises(ValidationError) as excinfo:
        bad.full_clean()
    assert "code" in excinfo.value.message_dict
    duplicate = Region(parent=chain["district"], level=Level.STREET, code="410103001", name="重复")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "code" in excinfo.value.message_dict


def test_statistical_code_and_ancestors(chain):
    grid = chain["grid"]
    assert grid.statistical_code == "410103001001"
    assert chain["street"].statistical_code == "410103001000"
    assert list(grid.ancestors()) == [chain["district"], chain["street"], chain["community"]]
