"""The event chain is append-only (model, queryset and database trigger) and tamper-evident.

To tamper as an attacker with database rights would, a test drops the trigger inside its own
transaction (DDL is transactional on SQLite and PostgreSQL alike), so the rollback at the end of
the test restores it; the last test checks that it did.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from civicgrid.cases.integrity import verify_chain
from civicgrid.cases.models import AppendOnlyError, Case, CaseEvent, Status
from civicgrid.cases.tests.conftest import fresh, make_case

TRIGGER = "cases_caseevent_no_update"


def drop_trigger():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {TRIGGER} ON cases_caseevent")
        else:
            cursor.execute(f"DROP TRIGGER {TRIGGER}")


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def closed(world):
    case = make_case(world, Status.CLOSED)
    assert case.event_count == 7
    return case


def test_an_untouched_chain_verifies(closed, capsys):
    assert verify_chain(fresh(closed)) is None
    call_command("verify_case_chain")
    call_command("verify_case_chain", "--case", closed.number, verbosity=2)
    out = capsys.readouterr().out
    assert "1 case(s) verified" in out and f"ok {closed.number} (7 events)" in out


def test_each_event_links_to_the_previous_one(closed):
    events = list(CaseEvent.objects.filter(case=closed).order_by("seq"))
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert fresh(closed).head_hash == events[-1].hash


def test_the_model_and_queryset_refuse_changes(closed):
    event = CaseEvent.objects.filter(case=closed).first()
    event.note = "改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(case=closed).update(note="改")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(case=closed).delete()


def test_the_database_refuses_an_update(closed):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        raw("UPDATE cases_caseevent SET note = %s WHERE case_id = %s", ["改", closed.pk])
    assert not CaseEvent.objects.filter(note="改").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's trigger refuses UPDATE only (test flushes delete rows)"
)
def test_postgresql_also_refuses_a_delete(closed):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        raw("DELETE FROM cases_caseevent WHERE case_id = %s", [closed.pk])
    assert CaseEvent.objects.filter(case=closed).count() == 7


def test_an_edited_event_is_caught(closed, capsys):
    drop_trigger()
    raw("UPDATE cases_caseevent SET note = %s WHERE case_id = %s AND seq = 3", ["已处理完毕", closed.pk])
    problem = verify_chain(fresh(closed))
    assert (problem.seq, problem.problem) == (3, "event content does not match its hash")
    with pytest.raises(CommandError, match="1 of 1 case"):
        call_command("verify_case_chain", "--case", closed.number)
    assert f"BROKEN {closed.number} #3" in capsys.readouterr().err


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(closed):
    drop_trigger()
    event = CaseEvent.objects.get(case=closed, seq=3)
    event.note = "改过的内容"
    raw(
        "UPDATE cases_caseevent SET note = %s, hash = %s WHERE id = %s",
        [event.note, event.compute_hash(), event.pk],
    )
    problem = verify_chain(fresh(closed))
    assert (problem.seq, problem.problem) == (4, "link to the previous event is broken")


def test_a_removed_event_is_caught(closed):
    drop_trigger()
    raw("DELETE FROM cases_caseevent WHERE case_id = %s AND seq = 4", [closed.pk])
    assert verify_chain(fresh(closed)).seq == 4


def test_removing_the_newest_events_is_caught_by_the_case_head(closed):
    drop_trigger()
    raw("DELETE FROM cases_caseevent WHERE case_id = %s AND seq >= 6", [closed.pk])
    problem = verify_chain(fresh(closed))
    assert problem.seq is None and "records 7 events" in problem.problem


def test_one_broken_case_does_not_hide_the_others(world, closed):
    other = make_case(world, Status.REGISTERED)
    drop_trigger()
    raw("UPDATE cases_caseevent SET details = %s WHERE case_id = %s AND seq = 1", ['{"forged": true}', other.pk])
    with pytest.raises(CommandError, match="1 of 2 case"):
        call_command("verify_case_chain")
    assert verify_chain(fresh(closed)) is None


def test_an_unknown_case_number_is_an_error(db):
    with pytest.raises(CommandError, match="no case numbered"):
        call_command("verify_case_chain", "--case", "1999-000001")


def test_the_trigger_is_in_place(db):
    """Runs last in this module: the tampering tests' rollbacks must have restored the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER])
        assert cursor.fetchone()[0] == 1
    assert Case.objects.count() == 0
