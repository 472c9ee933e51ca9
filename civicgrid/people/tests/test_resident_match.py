"""A resident's self-registration is confirmed at once when their phone matches a person living in
the chosen community (by its keyed hash), and waits for the staff otherwise."""

import pytest

from civicgrid.accounts import registration
from civicgrid.accounts.models import Registration, Role
from civicgrid.accounts.scopes import has_role
from civicgrid.people.models import House
from civicgrid.people.testing import add_person, make_building
from civicgrid.testing import build_tree, make_user

pytestmark = pytest.mark.django_db
GOOD = "Qing#Shui2026"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "civicgrid.accounts.sms.LocmemBackend"


@pytest.fixture
def tree():
    nodes = build_tree(fanout=2, depth=3)
    staff = make_user("c11", Role.COMMUNITY_STAFF, nodes["S1C1"])
    house = House.objects.filter(building=make_building(nodes["S1C1G1"])).first()
    add_person(staff, house, name="王五", phone="139-0000-3333")
    return nodes


def test_a_known_phone_in_the_community_is_confirmed_at_once(tree):
    entry = registration.register_resident(phone="13900003333", password=GOOD, name="王五", community=tree["S1C1"])
    assert entry.status == Registration.Status.APPROVED and entry.matched and entry.decided_by is None
    assert has_role(entry.user, Role.RESIDENT)


def test_the_same_phone_in_another_community_waits_for_staff(tree):
    entry = registration.register_resident(phone="13900003333", password=GOOD, name="王五", community=tree["S1C2"])
    assert entry.status == Registration.Status.PENDING and not has_role(entry.user, Role.RESIDENT)


def test_an_unknown_phone_waits_for_staff(tree):
    entry = registration.register_resident(phone="13900004444", password=GOOD, name="赵六", community=tree["S1C1"])
    assert entry.status == Registration.Status.PENDING
