"""Races in real threads with their own connections (PostgreSQL only): two takers of one order —
exactly one wins; two street auditors of one report — one decides, the points are granted once."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from civicgrid import testing
from civicgrid.accounts.models import Role
from civicgrid.core import clock
from civicgrid.party.actions import orders as actions
from civicgrid.party.models import Order, OrderStatus, OrderStep

from .conftest import make_world
from .orders_fixtures import _private_files, post, reported  # noqa: F401

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts):
    return testing.race(monkeypatch, *attempts, linger=(clock, "now"))


def test_two_takers_one_wins(transactional_db, monkeypatch, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    order = post(world)
    results = race(
        monkeypatch,
        lambda: actions.take_order(world.staff.dept, order.pk),
        lambda: actions.take_order(world.party.first_secretary, order.pk),
    )
    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    order.refresh_from_db()
    assert order.status == OrderStatus.TAKEN
    assert OrderStep.objects.filter(order=order, status=OrderStatus.TAKEN).count() == 1


def test_two_auditors_one_decides(transactional_db, monkeypatch, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    order = reported(world)
    other = testing.make_user("street_other", Role.STREET_STAFF, world.tree["S1"])
    results = race(
        monkeypatch,
        lambda: actions.audit_order(world.staff.street, order.pk, approve=True, points=5),
        lambda: actions.audit_order(other, order.pk, approve=True, points=9),
    )
    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and order.points in (5, 9)
    assert OrderStep.objects.filter(order=order, status=OrderStatus.APPROVED).count() == 1
