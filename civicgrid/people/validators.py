"""Checks shared by the base-data actions: coordinates inside China (the importer's bounds) and the
unified social credit code (统一社会信用代码, GB 32100-2015). Each raises ValueError with a translated
message saying what is wrong."""

from django.utils.translation import gettext as _

LON_RANGE = (73, 136)
LAT_RANGE = (3, 54)
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_coordinates(lon, lat):
    """Both or neither, and inside China's bounding box."""
    if (lon is None) != (lat is None):
        raise ValueError(_("经度和纬度应同时填写或同时留空。"))
    if lon is not None and not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        raise ValueError(_("坐标不在中国境内（经度 73–136，纬度 3–54）。"))


def credit_check_char(first17):
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def normalise_credit_code(value):
    return (value or "").strip().upper().replace(" ", "")


def validate_credit_code(value):
    """The normalised 18-character code; "" stays "" (the code is optional)."""
    code = normalise_credit_code(value)
    if not code:
        return ""
    if len(code) != 18 or any(c not in CREDIT_CHARS for c in code):
        raise ValueError(_("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）。"))
    if credit_check_char(code[:17]) != code[17]:
        raise ValueError(_("统一社会信用代码校验位不正确。"))
    return code
