import random

import pytest
import shapely
import shapely.geometry

from civicgrid.accounts.demo import seed_users
from civicgrid.people import protection, rules
from civicgrid.people.demo import seed_people
from civicgrid.people.models import Building, Household, Person, PersonTag
from civicgrid.regions.demo import seed_regions
from civicgrid.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def test_small_demo_is_plausible():
    district = seed_regions("small", 1)
    seed_users(district, random.Random(1))
    count = seed_people(district, "small", 1)
    assert count == Person.objects.count() > 500
    assert Person.objects.values("id_number_hash").distinct().count() == count
    grids = Region.objects.filter(level=Level.GRID).count()
    assert Building.objects.count() == grids * 2
    assert not Building.objects.filter(lon__isnull=True).exists()
    for person in Person.objects.order_by("?")[:20]:
        number = protection.decrypt(person.id_number_enc)
        rules.parse_id_number(number)
        assert person.id_number_masked == protection.mask_id(number)
        assert person.region_code == person.house.region_code
    assert not Household.objects.filter(head__isnull=True).exists()
    assert PersonTag.objects.filter(tag__code="elderly_alone").exists()
    # 楼进格: buildings stand in the micro-grids, so a micro-grid member (weiwangge, on the first
    # micro-grid) has buildings and people of their own.
    first_micro = Region.objects.filter(level=Level.MICROGRID).order_by("code").first()
    buildings = Building.objects.filter(region_code=first_micro.code)
    assert buildings.exists() and all(b.grid_id == first_micro.pk for b in buildings)
    assert Person.objects.filter(region_code=first_micro.code).exists()
    for building in Building.objects.select_related("grid"):
        assert building.grid.level == Level.MICROGRID
        assert shapely.intersects_xy(shapely.geometry.shape(building.grid.boundary), building.lon, building.lat)
