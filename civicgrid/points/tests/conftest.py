"""A small world for points tests: the region tree, community staff on S1C1 (two, for the second
approval) and on S1C2 (the neighbour), street staff on S1, residents of S1C1 and one of S1C2, a
merchant of S1C1 with a counter clerk, and helpers that credit points and list an item."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.points import actions, ledger
from civicgrid.points.models import Item, Merchant, Rule
from civicgrid.points.rules import load_defaults
from civicgrid.regions import locator
from civicgrid.testing import build_tree, make_user


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world():
    # A transactional test's flush empties the rules the data migration loaded: load them again.
    load_defaults(Rule)
    tree = build_tree()
    locator.invalidate()
    people = SimpleNamespace(
        community=make_user("community", Role.COMMUNITY_STAFF, tree["S1C1"]),
        community2=make_user("community2", Role.COMMUNITY_STAFF, tree["S1C1"]),
        neighbour_staff=make_user("neighbour_staff", Role.COMMUNITY_STAFF, tree["S1C2"]),
        street=make_user("street", Role.STREET_STAFF, tree["S1"]),
        resident=make_user("resident", Role.RESIDENT, tree["S1C1"], phone="13800000001"),
        resident2=make_user("resident2", Role.RESIDENT, tree["S1C1"], phone="13800000002"),
        clerk=make_user("clerk", Role.RESIDENT, tree["S1C1"], phone="13800000005"),
        outsider=make_user("outsider", Role.RESIDENT, tree["S1C2"], phone="13800000009"),
    )
    merchant = actions.save_merchant(people.community, Merchant(), name="幸福超市", region=tree["S1C1"])
    actions.add_merchant_staff(people.community, merchant.pk, people.clerk.phone)
    return SimpleNamespace(tree=tree, people=people, merchant=merchant)


@pytest.fixture
def world(db):
    return build_world()


def credit(user, amount, kind="hongde", source="test:1"):
    """Give `user` points straight through the ledger (as an earned entry)."""
    with transaction.atomic():
        account = ledger.person_account(user)
        ledger.post(account, kind, amount, "test", source, "tests")
    return account


def item_fields(**overrides):
    today = timezone.localdate()
    fields = {
        "title": "洗衣液",
        "description": "一瓶",
        "item_type": "goods",
        "kind": "hongde",
        "price": 10,
        "stock": 5,
        "per_person": 2,
        "valid_from": today - timedelta(days=1),
        "valid_until": today + timedelta(days=30),
    }
    fields.update(overrides)
    return fields


def listed(world, **overrides):
    return actions.save_item(world.people.community, world.merchant.pk, Item(), **item_fields(**overrides))
