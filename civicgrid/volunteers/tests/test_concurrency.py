"""Races in real threads with their own connections (PostgreSQL only): two volunteers claiming one
wish — exactly one wins; two volunteers taking a shift's last seat — one seat, one waitlist place;
two organisers confirming one volunteer's hours — counted once."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from civicgrid import testing
from civicgrid.activities.models import Enrolment, EnrolmentStatus
from civicgrid.core import clock
from civicgrid.volunteers import actions
from civicgrid.volunteers.models import Volunteer, Wish, WishStatus

from .conftest import make_world, open_wish, shift, start, volunteer

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts):
    return testing.race(monkeypatch, *attempts, linger=(clock, "now"))


def test_two_volunteers_claiming_one_wish(transactional_db, monkeypatch):
    world = make_world()
    p = world.people
    volunteer(world, p.resident)
    volunteer(world, p.resident2)
    wish = open_wish(world)
    results = race(
        monkeypatch, lambda: actions.claim_wish(p.resident, wish.pk), lambda: actions.claim_wish(p.resident2, wish.pk)
    )
    assert sum(isinstance(r, Wish) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.CLAIMED


def test_two_volunteers_taking_a_shifts_last_seat(transactional_db, monkeypatch):
    world = make_world()
    p = world.people
    for user in (p.resident, p.resident2):
        volunteer(world, user)
    row = shift(world, capacity=1)
    results = race(
        monkeypatch,
        lambda: actions.sign_up_shift(p.resident, row.activity_id),
        lambda: actions.sign_up_shift(p.resident2, row.activity_id),
    )
    assert sorted(r.status for r in results) == [EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED]


def test_two_organisers_confirming_hours_count_once(transactional_db, monkeypatch):
    world = make_world()
    p = world.people
    v = volunteer(world, p.resident)
    row = shift(world)
    enrolment = actions.sign_up_shift(p.resident, row.activity_id)
    start(row)
    actions.check_in_volunteer(p.community, enrolment.pk)
    actions.check_out_volunteer(p.community, enrolment.pk)
    results = race(
        monkeypatch,
        lambda: actions.confirm_hours(p.community, enrolment.pk, "2"),
        lambda: actions.confirm_hours(p.street, enrolment.pk, "2"),
    )
    assert sum(isinstance(r, Enrolment) for r in results) == 1, results
    assert Volunteer.objects.get(pk=v.pk).hours_total == Decimal("2")
