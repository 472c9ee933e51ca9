"""Races in real threads with their own connections (PostgreSQL only): two reviewers finishing the
same rating — exactly one wins; two reviewers closing the same quarter — stars move once."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from civicgrid import testing
from civicgrid.core import clock
from civicgrid.party.actions import ratings as actions
from civicgrid.party.models import Field, Organisation, QuarterClose, Rating, RatingStatus
from civicgrid.party.testing.ratings import make_set, score_all, submitted

from .conftest import make_world

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts):
    return testing.race(monkeypatch, *attempts, linger=(clock, "now"))


def test_two_reviewers_finishing_one_rating(transactional_db, monkeypatch):
    world = make_world()
    p = world.party
    make_set(world.staff.admin)
    rating = submitted(p.branch_secretary, p.g1)
    scores = {
        i.pk: (str(i.indicator.points) if i.indicator.kind == "positive" else "0", "") for i in rating.items.all()
    }
    actions.score_items(p.instructor, rating.pk, scores)
    results = race(
        monkeypatch,
        lambda: actions.finish_review(p.instructor, rating.pk),
        lambda: actions.finish_review(p.c1_secretary, rating.pk),
    )
    assert sum(isinstance(r, Rating) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert Rating.objects.get(pk=rating.pk).status == RatingStatus.SCORED


def test_two_reviewers_closing_one_quarter(transactional_db, monkeypatch):
    world = make_world()
    p = world.party
    make_set(world.staff.admin)
    score_all(p.instructor, submitted(p.branch_secretary, p.g1), Decimal(95))
    year, quarter = actions.current_quarter()
    results = race(
        monkeypatch,
        lambda: actions.close_quarter(p.street_secretary, Field.COMMUNITY, year, quarter),
        lambda: actions.close_quarter(p.c1_secretary, Field.COMMUNITY, year, quarter),
    )
    assert sum(isinstance(r, QuarterClose) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert Organisation.objects.get(pk=p.g1.pk).stars == 1
