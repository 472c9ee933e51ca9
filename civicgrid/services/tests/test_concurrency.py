"""The craftsman accepts while the resident cancels, at the same moment: exactly one wins (a
conditional update). PostgreSQL only: SQLite serialises all writers with one database lock."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from civicgrid import testing
from civicgrid.services import actions
from civicgrid.services.models import CraftsmanOrder, OrderStatus

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts):
    """civicgrid.testing.race, lingering in (actions, "record_change") (called with the row locked)."""
    return testing.race(monkeypatch, *attempts, linger=(actions, "record_change"))


def test_accept_and_cancel_at_once_exactly_one_wins(transactional_db, world, monkeypatch):
    order = actions.call_craftsman(
        world.users.resident,
        world.craftsman,
        what="修水管",
        address="1号楼",
        preferred_time=timezone.now() + timedelta(days=1),
    )
    results = race(
        monkeypatch,
        lambda: actions.accept_order(
            world.users.worker, CraftsmanOrder.objects.select_related("craftsman").get(pk=order.pk)
        ),
        lambda: actions.cancel_order(
            world.users.resident, CraftsmanOrder.objects.select_related("craftsman").get(pk=order.pk)
        ),
    )
    won = [r for r in results if isinstance(r, CraftsmanOrder)]
    lost = [r for r in results if isinstance(r, actions.OrderMoved)]
    assert len(won) == 1 and len(lost) == 1, results
    stored = CraftsmanOrder.objects.get(pk=order.pk)
    assert stored.status == won[0].status in (OrderStatus.ACCEPTED, OrderStatus.CANCELLED)
    assert stored.answered_at is None or stored.cancelled_at is None


def test_two_ratings_at_once_count_once(transactional_db, world, monkeypatch):
    order = actions.call_craftsman(
        world.users.resident,
        world.craftsman,
        what="修水管",
        address="1号楼",
        preferred_time=timezone.now() + timedelta(days=1),
    )
    order = actions.complete_order(world.users.worker, actions.accept_order(world.users.worker, order))
    results = race(
        monkeypatch,
        lambda: actions.rate_order(world.users.resident, CraftsmanOrder.objects.get(pk=order.pk), rating=5),
        lambda: actions.rate_order(world.users.resident, CraftsmanOrder.objects.get(pk=order.pk), rating=1),
    )
    assert sum(isinstance(r, CraftsmanOrder) for r in results) == 1, results
    world.craftsman.refresh_from_db()
    assert world.craftsman.rating_count == 1
