"""Two events scoring at once, in real threads with their own connections: a replay racing the
original writes one entry, and two visits racing for the last points under a monthly cap never
pass it (the tally row is locked before the points are worked out).

PostgreSQL only: SQLite serialises all writers with one database lock."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction

from civicgrid import testing
from civicgrid.accounts.models import Role
from civicgrid.scoring import ledger
from civicgrid.scoring.models import Kind, MonthlyScore, MonthlyTally, ScoreEntry, ScoreRule
from civicgrid.testing import build_tree, make_user

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def _visit(user, grid, visit_id, at):
    def attempt():
        with transaction.atomic():
            return ledger.record(
                kind=Kind.WORKER,
                metric="visit",
                source="gridwork.visit",
                source_id=visit_id,
                at=at,
                region_code=grid.code,
                user_id=user.pk,
            )

    return attempt


def test_racing_events_never_double_or_pass_the_cap(transactional_db, monkeypatch):
    from django.utils import timezone

    tree = build_tree(fanout=1)
    worker = make_user("gw", Role.GRID_WORKER, tree["S1C1G1"])
    grid = tree["S1C1G1"]
    ScoreRule.objects.update_or_create(metric="visit", defaults={"points": Decimal(1), "monthly_cap": Decimal("1.5")})
    at = timezone.now()
    linger = (ledger, "_regions_above")  # called with the tally row locked
    results = testing.race(monkeypatch, _visit(worker, grid, 1, at), _visit(worker, grid, 1, at), linger=linger)
    assert sorted(r is None for r in results) == [False, True], results
    assert ScoreEntry.objects.count() == 1
    results = testing.race(monkeypatch, _visit(worker, grid, 2, at), _visit(worker, grid, 3, at), linger=linger)
    assert sorted(r.points for r in results) == [Decimal("0.00"), Decimal("0.50")], results
    tally = MonthlyTally.objects.get(user=worker, metric="visit")
    assert (tally.count, tally.points) == (3, Decimal("1.50"))
    assert MonthlyScore.objects.get(kind=Kind.WORKER, user=worker).points == Decimal("1.50")
    assert MonthlyScore.objects.get(kind=Kind.REGION, region=tree["D"]).points == Decimal("1.50")
