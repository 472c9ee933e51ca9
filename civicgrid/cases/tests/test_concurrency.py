"""Two people acting on one case at the same moment, in real threads with their own connections.

PostgreSQL only: SQLite has one writer at a time for the whole database (IMMEDIATE transactions),
so there is no row lock to contend for; the version check still protects it, as the single-thread
stale-version test in test_transitions.py shows.
"""

import pytest
from django.conf import settings

from civicgrid import testing
from civicgrid.cases import actions, deadlines
from civicgrid.cases.errors import CaseChanged
from civicgrid.cases.models import Case, CaseEvent, Status
from civicgrid.cases.tests.conftest import make_case
from civicgrid.core import clock

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts, linger=(clock, "now")):
    """civicgrid.testing.race; by default the first to ask `clock.now()` (which every action calls
    once it holds the row lock) lingers there."""
    return testing.race(monkeypatch, *attempts, linger=linger)


def test_two_dispatchers_accepting_at_once_exactly_one_wins(transactional_db, world, monkeypatch):
    case = make_case(world)
    p = world.people
    results = race(
        monkeypatch,
        lambda: actions.accept_case(case.pk, p.community, version=case.version),
        lambda: actions.accept_case(case.pk, p.community2, version=case.version),
    )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, CaseChanged)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].message == "案件已被他人更新，请刷新后重试。"
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version, stored.event_count) == (Status.REGISTERED, 2, 2)
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_accept_and_reject_at_once_leave_one_consistent_outcome(transactional_db, world, monkeypatch):
    case = make_case(world)
    other = make_case(world)
    p = world.people
    results = race(
        monkeypatch,
        lambda: actions.accept_case(case.pk, p.community, version=case.version),
        lambda: actions.reject_case(case.pk, p.street, version=case.version, reason="不属实"),
        lambda: actions.accept_case(other.pk, p.street2, version=other.version),  # another case is not held up
    )
    assert isinstance(results[2], Case), results
    winner = next(r for r in results[:2] if isinstance(r, Case))
    assert sum(isinstance(r, CaseChanged) for r in results[:2]) == 1, results
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == winner.status in (Status.REGISTERED, Status.REJECTED)
    assert (stored.version, stored.event_count, CaseEvent.objects.filter(case=case).count()) == (2, 2, 2)


def test_simultaneous_reports_get_distinct_numbers(transactional_db, world, monkeypatch):
    p = world.people
    lon, lat = world.tree["S1C1G1M1"].centroid_lon, world.tree["S1C1G1M1"].centroid_lat
    results = race(
        monkeypatch,
        lambda: actions.report_case(p.resident, category=world.cats["S05001"], description="一", lon=lon, lat=lat),
        lambda: actions.report_case(p.resident2, category=world.cats["S05001"], description="二", lon=lon, lat=lat),
        # Linger after the number is drawn, while its sequence row is locked.
        linger=(deadlines, "window_for_limit"),
    )
    numbers = sorted(r.case.number for r in results)
    assert len(set(numbers)) == 2, results
    assert int(numbers[1][-6:]) == int(numbers[0][-6:]) + 1


def test_the_same_submission_arriving_twice_at_once_files_one_case(transactional_db, world, monkeypatch):
    """Two requests with one submission key (a phone retrying while the first is still running):
    one inserts, the other waits on the unique key and answers with the same case."""
    from civicgrid.cases.tests.conftest import report

    def submit():
        return report(world, submission_key="retry-1")

    first, second = race(monkeypatch, submit, submit)
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert first.pk == second.pk
    assert Case.objects.filter(submission_key="retry-1").count() == 1
