"""Two members of one household voting at the same instant, in real threads with their own
connections: exactly one ballot counts, the other is told "already voted", the tallies match the
rows. PostgreSQL only (SQLite serialises every writer with one database lock)."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from civicgrid.consult import actions
from civicgrid.consult.errors import AlreadyVoted
from civicgrid.consult.models import Ballot, Option, Poll
from civicgrid.consult.tests.conftest import answers_for, make_poll

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: SQLite serialises all writers with one database lock",
)


def race(*attempts):
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(i, attempt):
        try:
            barrier.wait(timeout=10)
            results[i] = attempt()
        except Exception as error:  # the test inspects what each thread got
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.parametrize("anonymous", [False, True])
def test_one_household_racing_gets_one_ballot(transactional_db, world, voters, anonymous):
    poll = make_poll(world, anonymous=anonymous)
    answers = answers_for(poll)
    u = voters.users
    for _round in range(3):
        Ballot.objects.filter(poll=poll).delete()
        Option.objects.filter(question__poll=poll).update(votes=0)
        Poll.objects.filter(pk=poll.pk).update(ballot_count=0)
        results = race(
            lambda: actions.cast_vote(poll.pk, u.head, answers=answers),
            lambda: actions.cast_vote(poll.pk, u.spouse, answers=answers),
            lambda: actions.cast_vote(poll.pk, u.head, answers=answers),
        )
        winners = [r for r in results if isinstance(r, Ballot)]
        losers = [r for r in results if isinstance(r, AlreadyVoted)]
        assert len(winners) == 1 and len(losers) == 2, results
        assert Ballot.objects.filter(poll=poll).count() == 1
        assert Poll.objects.get(pk=poll.pk).ballot_count == 1
        assert sorted(Option.objects.filter(question__poll=poll).values_list("votes", flat=True)) == [0, 0, 0, 1, 1]


def test_different_households_racing_all_count(transactional_db, world, voters):
    poll = make_poll(world)
    answers = answers_for(poll)
    u = voters.users
    results = race(
        lambda: actions.cast_vote(poll.pk, u.head, answers=answers),
        lambda: actions.cast_vote(poll.pk, u.kid, answers=answers),
    )
    assert all(isinstance(r, Ballot) for r in results), results
    assert Poll.objects.get(pk=poll.pk).ballot_count == 2
