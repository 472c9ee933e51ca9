"""What the action modules share: parsing the phone's values, the grid a worker patrols."""

import math
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.text import has_forbidden
from civicgrid.regions.models import Level, Region

KEY_MAX = 64


def allowed(user, permission, code):
    """Whether `permission` reaches the region `code` in the user's scope (all of it for system-wide roles)."""
    codes = scope_codes(user, permission)
    return codes is None or any(code.startswith(c) for c in codes)


def client_key(value):
    value = "" if value is None else str(value)
    if len(value) > KEY_MAX or has_forbidden(value) or not all(c.isalnum() or c in "-_:." for c in value):
        raise ValidationError({"key": _("提交编号不正确。")})
    return value


def text(value, name, limit, required=False, message=None):
    value = "" if value is None else value
    if not isinstance(value, str):
        raise ValidationError({name: _("内容格式不正确。")})
    if has_forbidden(value):
        raise ValidationError({name: _("包含不可见的控制字符，请删除后再提交。")})
    if len(value) > limit:
        raise ValidationError({name: _("最多 %(limit)s 个字符。") % {"limit": limit}})
    if required and not value.strip():
        raise ValidationError({name: message or _("请填写此项。")})
    return value.strip()


def coordinate(lat, lng):
    """(lat, lng) as floats within range, or ValueError."""
    if isinstance(lat, bool) or isinstance(lng, bool):
        raise ValueError
    lat, lng = float(lat), float(lng)
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError
    return lat, lng


def timestamp(value):
    """An aware datetime from ISO text or epoch milliseconds, or ValueError."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if not math.isfinite(value) or not 0 < value < 1e14:
            raise ValueError
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str) and len(value) <= 40:
        parsed = parse_datetime(value)
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    raise ValueError


def worker_grids(user):
    """The grids a grid worker patrols: the grid-level nodes of their gridwork.add_patrol scope
    (a micro-grid assignment patrols its grid)."""
    codes = scope_codes(user, "gridwork.add_patrol")
    if codes is None:
        return Region.objects.filter(level=Level.GRID, is_active=True).defer("boundary")
    grid_codes = set()
    for region in Region.objects.filter(code__in=codes).only("code", "level", "parent_id"):
        if region.level == Level.GRID:
            grid_codes.add(region.code)
        elif region.level == Level.MICROGRID and region.parent_id:
            grid_codes.add(Region.objects.filter(pk=region.parent_id).values_list("code", flat=True).get())
    return Region.objects.filter(code__in=grid_codes, level=Level.GRID).defer("boundary").order_by("code")
