"""Two residents taking the last seat at once, in real threads with their own connections: exactly
one gets the seat, the other joins the waitlist, and seats_taken never exceeds the capacity.

PostgreSQL only: SQLite serialises all writers with one database lock, so there is no row lock to
contend for."""

import pytest
from django.conf import settings

from civicgrid import testing
from civicgrid.activities import actions
from civicgrid.activities.models import Activity, Enrolment, EnrolmentStatus
from civicgrid.activities.tests.conftest import published
from civicgrid.core import clock

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts):
    """civicgrid.testing.race, lingering in (clock, "now") (called with the row locked)."""
    return testing.race(monkeypatch, *attempts, linger=(clock, "now"))


def test_two_residents_taking_the_last_seat_exactly_one_gets_it(transactional_db, monkeypatch):
    from civicgrid.activities.tests.conftest import build_world

    world = build_world()
    p = world.people
    activity = published(world, capacity=2)
    actions.sign_up(p.resident3, activity.pk)  # one seat left
    results = race(
        monkeypatch,
        lambda: actions.sign_up(p.resident, activity.pk),
        lambda: actions.sign_up(p.resident2, activity.pk),
    )
    assert all(isinstance(r, Enrolment) for r in results), results
    statuses = sorted(r.status for r in results)
    assert statuses == [EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED]
    stored = Activity.objects.get(pk=activity.pk)
    assert stored.seats_taken == 2
    assert Enrolment.objects.filter(activity=activity, status=EnrolmentStatus.CONFIRMED).count() == 2


def test_a_cancel_racing_a_sign_up_keeps_the_count_exact(transactional_db, monkeypatch):
    from civicgrid.activities.tests.conftest import build_world

    world = build_world()
    p = world.people
    activity = published(world, capacity=1)
    actions.sign_up(p.resident, activity.pk)
    actions.sign_up(p.resident2, activity.pk)  # waitlisted
    race(
        monkeypatch,
        lambda: actions.cancel_sign_up(p.resident, activity.pk),
        lambda: actions.sign_up(p.resident3, activity.pk),
    )
    stored = Activity.objects.get(pk=activity.pk)
    confirmed = Enrolment.objects.filter(activity=activity, status=EnrolmentStatus.CONFIRMED)
    assert stored.seats_taken == confirmed.count() == 1
    # The seat went to the first on the waitlist, never to the newcomer.
    assert list(confirmed.values_list("user_id", flat=True)) == [p.resident2.pk]
