"""Two at once, in real threads with their own connections: two reviewers confirming one rise (one
wins, the class rises once); two payments on one pledge (both count; together never past the pledge).

PostgreSQL only: SQLite serialises all writers with one database lock."""

from decimal import Decimal

import pytest
from django.conf import settings

from civicgrid import testing
from civicgrid.compounds import actions
from civicgrid.compounds.errors import InputError, WrongState
from civicgrid.compounds.models import CompoundClass, Payment, Pledge, RiseStatus, StarCriterion, StarRise
from civicgrid.core import clock

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts):
    return testing.race(monkeypatch, *attempts, linger=(clock, "now"))


def _estate():
    from civicgrid.compounds.tests.conftest import build_estate, build_world

    world = build_world()
    return world, build_estate(world)


def test_two_reviewers_confirm_one_rise_exactly_one_wins(transactional_db, monkeypatch):
    world, estate = _estate()
    p = world.people
    met = list(StarCriterion.objects.filter(level=1).values_list("pk", flat=True))
    rise = actions.request_rise(p.community, estate.a, criteria_met=met)
    results = race(
        monkeypatch,
        lambda: actions.review_rise(p.street, rise.pk, confirm=True),
        lambda: actions.review_rise(p.street2, rise.pk, confirm=True),
    )
    assert sum(isinstance(r, StarRise) for r in results) == 1, results
    assert sum(isinstance(r, WrongState) for r in results) == 1, results
    assert StarRise.objects.get().status == RiseStatus.CONFIRMED
    assert CompoundClass.objects.get(compound=estate.a).star == 1


def test_two_payments_on_one_pledge_both_count_and_never_pass_it(transactional_db, monkeypatch):
    from civicgrid.compounds.tests.conftest import make_project
    from civicgrid.people import selectors as people_selectors

    world, estate = _estate()
    p = world.people
    project = make_project(world, estate)
    household = people_selectors.compound_households(estate.a.pk)[0][0]
    pledge = actions.set_pledge(p.community, project.pk, household_id=household, pledged="1000")
    results = race(
        monkeypatch,
        lambda: actions.record_payment(p.community, pledge.pk, paid="400"),
        lambda: actions.record_payment(p.community2, pledge.pk, paid="400"),
    )
    assert all(isinstance(r, Pledge) for r in results), results
    assert Pledge.objects.get().paid == Decimal("800") and Payment.objects.count() == 2
    results = race(
        monkeypatch,
        lambda: actions.record_payment(p.community, pledge.pk, paid="150"),
        lambda: actions.record_payment(p.community2, pledge.pk, paid="150"),
    )
    assert sum(isinstance(r, InputError) for r in results) == 1, results
    assert Pledge.objects.get().paid == Decimal("950") and Payment.objects.count() == 3
