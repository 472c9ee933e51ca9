"""Races in real threads with their own connections (PostgreSQL only): a paper handed in twice at
once is marked once; two tabs starting the last attempt make one paper."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from civicgrid import testing
from civicgrid.core import clock
from civicgrid.party.actions import study as actions
from civicgrid.party.models import Attempt
from civicgrid.party.testing.study import make_bank, make_quiz, right_answers

from .conftest import make_world

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def race(monkeypatch, *attempts):
    return testing.race(monkeypatch, *attempts, linger=(clock, "now"))


def test_a_paper_handed_in_twice_is_marked_once(transactional_db, monkeypatch):
    p = make_world().party
    make_bank(p.street_secretary, p.street, n=3)
    quiz = make_quiz(p.c1_secretary, p.c1, count=3)
    attempt = actions.start_attempt(p.member1, quiz.pk)
    results = race(
        monkeypatch,
        lambda: actions.submit_attempt(p.member1, attempt.pk, right_answers(attempt)),
        lambda: actions.submit_attempt(p.member1, attempt.pk, {}),
    )
    assert sum(isinstance(r, Attempt) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    winner = next(r for r in results if isinstance(r, Attempt))
    assert Attempt.objects.get(pk=attempt.pk).score == winner.score


def test_two_tabs_starting_make_one_paper(transactional_db, monkeypatch):
    p = make_world().party
    make_bank(p.street_secretary, p.street, n=3)
    quiz = make_quiz(p.c1_secretary, p.c1, count=3, attempts=1)
    results = race(
        monkeypatch,
        lambda: actions.start_attempt(p.member1, quiz.pk),
        lambda: actions.start_attempt(p.member1, quiz.pk),
    )
    assert all(isinstance(r, Attempt) for r in results), results
    assert results[0].pk == results[1].pk and Attempt.objects.count() == 1
