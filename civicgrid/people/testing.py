"""Builders for people tests and benchmarks: valid ID numbers, buildings with houses, residents."""

import random
from datetime import date, timedelta

from civicgrid.people import actions, rules
from civicgrid.people.models import Building, House, Unit


def make_id_number(rng=None, birth=None, area="410103", female=None):
    rng = rng or random.Random()
    birth = birth or date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 70))
    sequence = rng.randrange(0, 1000)
    if female is not None:
        sequence = sequence - sequence % 2 + (0 if female else 1)
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + rules.id_check_digit(first17)


def make_building(grid, code="B1", floors=3, units=1, per_floor=2, name=None, lon=None, lat=None):
    building = Building.objects.create(
        code=code,
        name=name or f"{code}号楼",
        grid=grid,
        region_code=grid.code,
        floors=floors,
        units=units,
        lon=lon if lon is not None else grid.centroid_lon,
        lat=lat if lat is not None else grid.centroid_lat,
    )
    for u in range(1, units + 1):
        unit = Unit.objects.create(building=building, number=str(u))
        for floor in range(1, floors + 1):
            for n in range(1, per_floor + 1):
                House.objects.create(
                    building=building, unit=unit, region_code=grid.code, floor=floor, number=f"{floor}{n:02d}"
                )
    return building


def add_person(user, house, name="张三", id_number=None, phone="", **data):
    return actions.register_person(
        user,
        house,
        household=house.households.filter(is_active=True).first(),
        id_number=id_number or make_id_number(),
        phone=phone,
        name=name,
        **data,
    )


def ensure_tags():
    """The default special-group tags (a data migration); transactional tests flush them."""
    import importlib

    from django.apps import apps

    importlib.import_module("civicgrid.people.migrations.0002_default_tags").add_tags(apps, None)
