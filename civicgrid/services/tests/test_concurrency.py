"""The craftsman accepts while the resident cancels, at the same moment: exactly one wins (a
conditional update). PostgreSQL only: SQLite serialises all writers with one database lock."""

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from civicgrid.services import actions
from civicgrid.services.models import CraftsmanOrder, OrderStatus

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts):
    """Run the attempts at once; the first to write its change row (after its UPDATE, inside its
    transaction) lingers half a second, so the other really meets the locked row."""
    original = actions.record_change
    lingered = threading.Event()

    def slow(*args, **kwargs):
        if not lingered.is_set():
            lingered.set()
            time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(actions, "record_change", slow)
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(i, attempt):
        try:
            barrier.wait(timeout=10)
            results[i] = attempt()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert lingered.is_set() and not any(t.is_alive() for t in threads)
    return results


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
