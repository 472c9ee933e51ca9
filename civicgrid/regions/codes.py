"""Region and grid codes (统计用区划代码): GB/T 2260 county code + statistical street and
community segments, then grid and micro-grid sequences whose widths each install configures."""

from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from civicgrid.regions.models import FIXED_CODE_DIGITS, Level

# First two digits of GB/T 2260 province-level codes.
PROVINCE_PREFIXES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}  # fmt: skip
DEFAULT_GRID_DIGITS = 3


@lru_cache(maxsize=1)
def _configured_digits():
    from civicgrid.regions.models import RegionLevel

    return {row.level: row.code_digits for row in RegionLevel.objects.all()}


def clear_level_cache():
    _configured_digits.cache_clear()


def digits_for(level):
    """How many digits `level` adds to its parent's code."""
    fixed = FIXED_CODE_DIGITS.get(level)
    if fixed is not None:
        return fixed
    return _configured_digits().get(level, DEFAULT_GRID_DIGITS)


def code_length(level):
    return sum(digits_for(lvl) for lvl in Level.values if lvl <= level)


def ancestor_codes(code):
    """Codes of the strict ancestors of `code`, from the district down."""
    codes, length = [], 0
    for level in Level.values:
        length += digits_for(level)
        if length >= len(code):
            break
        codes.append(code[:length])
    return codes


def child_code(parent_code, parent_level, sequence):
    """The code of the `sequence`-th child (1-based) under a parent node."""
    width = digits_for(parent_level + 1)
    if not 1 <= sequence < 10**width:
        raise ValueError(f"sequence {sequence} does not fit in {width} digits")
    return f"{parent_code}{sequence:0{width}d}"


def validate_region_code(code, level, parent):
    """Raise ValidationError (translated) unless `code` is a valid code for a node of `level`
    under `parent`."""
    errors = []
    if not code or not code.isdigit() or not code.isascii():
        raise ValidationError({"code": _("编码只能由数字组成。")})
    if level == Level.DISTRICT:
        if parent is not None:
            errors.append(_("区县是树的根，不能有上级。"))
        if len(code) != 6:
            errors.append(_("区县编码应为 6 位 GB/T 2260 代码。"))
        elif code[:2] not in PROVINCE_PREFIXES:
            errors.append(_("区县编码的前两位 %(p)s 不是有效的省级代码。") % {"p": code[:2]})
        elif code[2:4] == "00" or code[4:6] == "00":
            errors.append(_("区县编码的地市位和区县位不能为 00。"))
    else:
        if parent is None:
            raise ValidationError({"parent": _("除区县外，每个节点都必须有上级。")})
        if parent.level != level - 1:
            errors.append(
                _("%(child)s的上级应为%(parent)s。") % {"child": Level(level).label, "parent": Level(level - 1).label}
            )
        if not code.startswith(parent.code):
            errors.append(_("编码 %(code)s 必须以上级编码 %(parent)s 开头。") % {"code": code, "parent": parent.code})
        width = digits_for(level)
        segment = code[len(parent.code) :]
        if len(segment) != width:
            errors.append(_("%(level)s编码应在上级编码后加 %(n)d 位序号。") % {"level": Level(level).label, "n": width})
        elif int(segment) == 0:
            errors.append(_("序号不能全为 0。"))
        elif level == Level.STREET and not 1 <= int(segment) <= 399:
            errors.append(_("乡级代码应在 001–399 之间（001–099 街道，100–199 镇，200–399 乡）。"))
        elif level == Level.COMMUNITY and not 1 <= int(segment) <= 399:
            errors.append(_("村级代码应在 001–399 之间（001–199 居委会，200–399 村委会）。"))
    if errors:
        raise ValidationError({"code": errors})
