"""重点部位: community and street staff keep the key places of the grids in their subtree — where
grid workers check in on patrol. A place lies inside its grid; it is switched off, never deleted
(its check-ins keep pointing at it). Every change is in the change log."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.gridwork.actions.common import allowed, coordinate, text
from civicgrid.gridwork.models import KeyPlace
from civicgrid.regions import locator
from civicgrid.regions.models import Level

PLACE_FIELDS = ("grid", "name", "lat", "lng", "radius_m", "is_active")
RADIUS_MIN, RADIUS_MAX = 10, 500


def _radius(value):
    try:
        radius = int(str(value).strip())
    except (TypeError, ValueError):
        radius = 0
    if not RADIUS_MIN <= radius <= RADIUS_MAX:
        raise ValidationError(
            {"radius_m": _("打卡半径须为 %(low)d 到 %(high)d 米。") % {"low": RADIUS_MIN, "high": RADIUS_MAX}}
        )
    return radius


def _position(grid, lat, lng):
    try:
        lat, lng = coordinate(lat, lng)
    except (TypeError, ValueError):
        raise ValidationError({"lat": _("请在地图上点选位置。")}) from None
    if grid.pk not in {region.pk for region in locator.locate_lineage(lng, lat)}:
        raise ValidationError({"lat": _("位置不在“%(grid)s”内，请在网格范围内点选。") % {"grid": grid.name}})
    return lat, lng


@transaction.atomic
def save_key_place(user, place, *, grid, name, lat, lng, radius_m, is_active=True):
    """Create (`place` unsaved) or edit a key place of a grid in the user's subtree."""
    if grid is None or grid.level != Level.GRID:
        raise ValidationError({"grid": _("请选择网格。")})
    if not allowed(user, "gridwork.add_keyplace", grid.code):
        raise ValidationError({"grid": _("您不能为这个网格设置重点部位。")})
    if place.pk:
        place = KeyPlace.objects.restrict(user, "change").select_for_update().get(pk=place.pk)
        before = snapshot(place, PLACE_FIELDS)
    else:
        before = None
    name = text(name, "name", 60, True, _("请填写部位名称。"))
    lat, lng = _position(grid, lat, lng)
    place.grid, place.region_code, place.name = grid, grid.code, name
    place.lat, place.lng, place.radius_m, place.is_active = lat, lng, _radius(radius_m), bool(is_active)
    place.save()
    action = ObjectChange.Action.UPDATE if before else ObjectChange.Action.CREATE
    record_change(user, place, action, before, snapshot(place, PLACE_FIELDS))
    return place


@transaction.atomic
def set_key_place_active(user, place_id, active):
    """Switch a key place off (no more check-ins) or on again. KeyPlace.DoesNotExist out of scope."""
    place = KeyPlace.objects.restrict(user, "change").select_for_update().get(pk=place_id)
    if place.is_active == bool(active):
        return place
    before = snapshot(place, PLACE_FIELDS)
    place.is_active = bool(active)
    place.save(update_fields=["is_active", "updated_at"])
    record_change(user, place, ObjectChange.Action.UPDATE, before, snapshot(place, PLACE_FIELDS))
    return place
