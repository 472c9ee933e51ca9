import random

import pytest

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
