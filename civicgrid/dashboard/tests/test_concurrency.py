"""Actions on different cases of the same grid, day and category at the same moment: each moves
the same rollup rows, none of the increments is lost (INSERT … ON CONFLICT DO UPDATE under row
locks). PostgreSQL only, like the case concurrency tests."""

import threading
import time

import pytest
from django.conf import settings

from civicgrid.cases import actions
from civicgrid.cases.models import Case
from civicgrid.cases.tests.conftest import make_case
from civicgrid.cases.tests.test_concurrency import race
from civicgrid.dashboard import rollups
from civicgrid.dashboard.models import DayRollup

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def test_simultaneous_actions_lose_no_rollup_increment(transactional_db, world, monkeypatch):
    cases = [make_case(world) for _ in range(3)]
    original = rollups._upsert
    held = threading.Event()

    def upsert_then_hold(model, *args):
        original(model, *args)
        if model is DayRollup and not held.is_set():
            held.set()
            time.sleep(0.5)  # keep the rows locked while the others try to increment them

    monkeypatch.setattr(rollups, "_upsert", upsert_then_hold)
    p = world.people
    users = [p.community, p.community2, p.street]
    results = race(
        monkeypatch,
        *[lambda c=c, u=u: actions.accept_case(c.pk, u, version=c.version) for c, u in zip(cases, users, strict=True)],
        linger=(rollups, "figure_for"),
    )
    assert all(isinstance(r, Case) for r in results), results
    assert held.is_set()
    row = DayRollup.objects.get(region_code=world.tree["S1C1G1"].code)
    assert (row.received, row.registered, row.open) == (3, 3, 3)
    assert not any(rollups.check().values())
