"""Races on PostgreSQL, in real threads with their own connections: two redemptions spending one
balance cannot overdraw it; two redemptions of the last item cannot both win; one event delivered
twice at once posts once. SQLite serialises all writers, so these skip there."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from civicgrid import testing
from civicgrid.activities.events import CheckedIn
from civicgrid.core import clock, events
from civicgrid.points import actions
from civicgrid.points.models import Account, Entry, Item, OwnerKind, Redemption
from civicgrid.points.tests.conftest import build_world, credit, listed

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts):
    return testing.race(monkeypatch, *attempts, linger=(clock, "now"))


def test_two_redemptions_cannot_overdraw_one_balance(transactional_db, monkeypatch):
    world = build_world()
    credit(world.people.resident, 15)
    first, second = listed(world, price=10, title="甲"), listed(world, price=10, title="乙")
    results = race(
        monkeypatch,
        lambda: actions.redeem(world.people.resident, first.pk),
        lambda: actions.redeem(world.people.resident, second.pk),
    )
    assert sorted(type(r).__name__ for r in results) == ["Redemption", "ValidationError"], results
    account = Account.objects.get(owner_kind=OwnerKind.PERSON, owner_id=world.people.resident.pk)
    assert account.hongde == 5
    assert Redemption.objects.count() == 1
    call_command("reconcile_points")


def test_two_residents_taking_the_last_item_exactly_one_wins(transactional_db, monkeypatch):
    world = build_world()
    credit(world.people.resident, 50)
    credit(world.people.resident2, 50)
    item = listed(world, price=10, stock=1)
    results = race(
        monkeypatch,
        lambda: actions.redeem(world.people.resident, item.pk),
        lambda: actions.redeem(world.people.resident2, item.pk),
    )
    assert sum(isinstance(r, Redemption) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert Item.objects.get(pk=item.pk).stock == 0


def test_one_event_delivered_twice_at_once_posts_once(transactional_db, monkeypatch):
    world = build_world()
    event = CheckedIn(
        activity_id=1,
        kind="community",
        region_code="",
        at=timezone.now(),
        enrolment_id=5,
        user_id=world.people.resident.pk,
    )

    def deliver():
        with transaction.atomic():
            clock.now()
            events.publish(event)

    results = race(monkeypatch, deliver, deliver)
    assert results == [None, None], results
    assert Entry.objects.filter(source="activities.enrolment:5").count() == 1
    assert Account.objects.get(owner_kind=OwnerKind.PERSON, owner_id=world.people.resident.pk).hongde == 2
