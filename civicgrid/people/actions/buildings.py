"""Buildings and their houses. The shape rules (units, floors, the grid a building moves to) are
shared with the building import (importer/buildings.py): `building_shape_errors` before a change,
`reshape_building` after it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.core.changelog import change_row, record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.people import rules, validators
from civicgrid.people.actions.common import BUILDING_FIELDS, HOUSE_FIELDS, Action, require
from civicgrid.people.models import House, Household, Person, Unit
from civicgrid.regions.models import Level

LOWEST_FLOOR = rules.LOWEST_FLOOR


def numbered_units(building):
    """The building's units numbered 1, 2, 3… as {number: Unit} (other numbering is left alone)."""
    return {int(u.number): u for u in Unit.objects.filter(building=building) if u.number.isdigit()}


def building_shape_errors(building, units, floors):
    """{field: message} when an existing building cannot take `units` units and `floors` floors:
    lowering the unit count is refused while a unit above the new count has houses, lowering the
    floor count while houses stand above the new top floor. Empty for a new building."""
    errors = {}
    if building.pk is None:
        return errors
    if units is not None and units < building.units:
        busy = sorted(n for n, u in numbered_units(building).items() if n > units and u.houses.exists())
        if busy:
            errors["units"] = _("%(units)s单元仍有房屋，不能减少单元数（请先调整这些房屋）。") % {
                "units": "、".join(str(n) for n in busy)
            }
    if (
        floors is not None
        and floors < building.floors
        and House.objects.filter(building=building, floor__gt=floors).exists()
    ):
        errors["floors"] = _("%(floors)s 层以上仍有房屋，不能减少层数。") % {"floors": floors}
    return errors


def reshape_building(building, *, creating=False, old_code=None, old_units=None):
    """After a building was saved: when it is new or its unit count changed (from `old_units`), its
    units are 1..units (missing ones added, empty ones above the count removed —
    `building_shape_errors` refused busy ones); when it moved to another grid (`old_code` differs)
    its houses, households and persons carry the new region code."""
    if creating or old_units != building.units:
        existing = numbered_units(building)
        missing = [Unit(building=building, number=str(n)) for n in range(1, building.units + 1) if n not in existing]
        Unit.objects.bulk_create(missing)
        extra = [u.pk for n, u in existing.items() if n > building.units]
        if extra:
            Unit.objects.filter(pk__in=extra, houses__isnull=True).delete()
    if not creating and old_code is not None and old_code != building.region_code:
        # The building moved to another grid: everything inside follows.
        House.objects.filter(building=building).update(region_code=building.region_code)
        Household.objects.filter(house__building=building).update(region_code=building.region_code)
        Person.objects.filter(house__building=building).update(region_code=building.region_code)


@transaction.atomic
def save_building(user, building, **fields):
    """Create (building.pk None) or update a building; the grid must be a grid in the user's scope.

    A new building gets its units 1..N; raising the unit count adds the missing units, lowering it
    removes the empty ones above N and is refused while any of them still has houses. Lowering the
    floor count is refused while houses stand above the new top floor."""
    grid = fields.get("grid", getattr(building, "grid", None) if building.grid_id else None)
    if grid is None or grid.level not in (Level.GRID, Level.MICROGRID):
        raise ValidationError({"grid": _("楼栋必须属于一个网格。")})
    require(user, "people.change_building", grid.code)
    creating = building.pk is None
    before = None if creating else snapshot(building, BUILDING_FIELDS)
    old_code, old_units = building.region_code, building.units
    shape = building_shape_errors(building, fields.get("units"), fields.get("floors"))
    for name, value in fields.items():
        setattr(building, name, value)
    building.region_code = grid.code
    try:
        validators.check_coordinates(building.lon, building.lat)
    except ValueError as exc:
        raise ValidationError({"lon": str(exc)}) from None
    if building.compound_id and not grid.code.startswith(building.compound.region_code):
        raise ValidationError({"compound": _("所选小区不在该网格所属的社区。")})
    if not building.units or building.units < 1:
        raise ValidationError({"units": _("单元数至少为 1。")})
    if not building.floors or building.floors < 1:
        raise ValidationError({"floors": _("地上层数至少为 1。")})
    building.full_clean()
    if shape:
        raise ValidationError(shape)
    building.save()
    reshape_building(building, creating=creating, old_code=old_code, old_units=old_units)
    record_change(
        user, building, Action.CREATE if creating else Action.UPDATE, before, snapshot(building, BUILDING_FIELDS)
    )
    return building


def _check_house(house, creating, fields):
    """Where the house is: its unit in its building, its floor in range, its number free there."""
    building = house.building
    if house.unit_id and house.unit.building_id != house.building_id:
        raise ValidationError({"unit": _("单元不属于该楼栋。")})
    if (creating or "unit" in fields) and house.unit_id is None and Unit.objects.filter(building=building).exists():
        raise ValidationError({"unit": _("请选择单元。")})
    if (creating or {"floor", "building"} & set(fields)) and not rules.floor_ok(house.floor, building.floors):
        raise ValidationError({"floor": rules.floor_message(building.floors)})
    house.number = (house.number or "").strip()
    clash = House.objects.filter(building=building, unit=house.unit, number=house.number).exclude(pk=house.pk)
    if house.number and clash.exists():
        raise ValidationError({"number": _("该单元已有房号 %(number)s。") % {"number": house.number}})


@transaction.atomic
def save_house(user, house, **fields):
    """Create (house.pk None) or update a house of a building."""
    creating = house.pk is None
    before = None if creating else snapshot(house, HOUSE_FIELDS)
    for name, value in fields.items():
        setattr(house, name, value)
    house.region_code = house.building.region_code
    require(user, "people.change_house", house.region_code)
    _check_house(house, creating, fields)
    house.full_clean()
    house.save()
    record_change(user, house, Action.CREATE if creating else Action.UPDATE, before, snapshot(house, HOUSE_FIELDS))
    return house


@transaction.atomic
def generate_houses(user, building, *, per_floor, first_floor=1, last_floor=None, units=None):
    """Register the houses of a new building in one go: on every floor first..last of each unit (all
    units, or the given ones), `per_floor` houses numbered floor + two digits (101, 102, … 1201).
    Numbers already taken in a unit are skipped. Returns the houses created."""
    require(user, "people.change_house", building.region_code)
    last_floor = building.floors if last_floor is None else last_floor
    if not 1 <= per_floor <= 20:
        raise ValidationError({"per_floor": _("每层户数应在 1 到 20 之间。")})
    if not (1 <= first_floor <= last_floor <= building.floors):
        raise ValidationError({"first_floor": _("楼层范围应在 1 到 %(floors)s 之间。") % {"floors": building.floors}})
    all_units = list(Unit.objects.filter(building=building).order_by("number"))
    chosen = all_units if not units else [u for u in all_units if u in units]
    if units and len(chosen) != len(set(units)):
        raise ValidationError({"units": _("单元不属于该楼栋。")})
    targets = chosen or [None]
    taken = set(House.objects.filter(building=building).values_list("unit_id", "number"))
    new = [
        House(
            building=building,
            unit=unit,
            region_code=building.region_code,
            floor=floor,
            number=f"{floor}{n:02d}",
        )
        for unit in targets
        for floor in range(first_floor, last_floor + 1)
        for n in range(1, per_floor + 1)
        if (unit.pk if unit else None, f"{floor}{n:02d}") not in taken
    ]
    created = House.objects.bulk_create(new)
    rows = [change_row(user, house, Action.CREATE, None, snapshot(house, HOUSE_FIELDS)) for house in created]
    ObjectChange.objects.bulk_create(rows)
    if created:
        record_change(
            user,
            building,
            Action.UPDATE,
            {"houses": len(taken)},
            {"houses": len(taken) + len(created)},
            note=_("批量生成房屋 %(count)s 套") % {"count": len(created)},
        )
    return created
