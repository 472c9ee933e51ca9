"""Two raises of one case at once (two workers hearing the same report, a retry): one timeline row.
PostgreSQL only, like civicgrid/cases/tests/test_concurrency.py (SQLite has no row locks)."""

import pytest
from django.conf import settings

from civicgrid.cases import actions
from civicgrid.cases.models import Case, CaseEvent, EventType, Priority
from civicgrid.cases.tests.conftest import report
from civicgrid.cases.tests.test_concurrency import race

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def test_two_raises_at_once_write_one_row(transactional_db, world, monkeypatch):
    case = report(world)
    results = race(
        monkeypatch,
        lambda: actions.raise_priority(case.pk, terms=["起火"]),
        lambda: actions.raise_priority(case.pk, terms=["起火"]),
    )
    assert all(isinstance(r, Case) for r in results), results
    stored = Case.objects.get(pk=case.pk)
    assert stored.priority == Priority.URGENT and stored.version == case.version + 1
    assert CaseEvent.objects.filter(case=case, type=EventType.PRIORITY_RAISED).count() == 1
