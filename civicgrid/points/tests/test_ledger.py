"""The ledger: entries move balances in the same transaction, a replay posts nothing, a correction
is a reversing entry, transfers sum to zero, and reconcile_points finds any difference."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Sum

from civicgrid.points import actions, ledger
from civicgrid.points.models import Account, Entry, OwnerKind
from civicgrid.points.tests.conftest import credit


def test_a_post_moves_the_balance_and_a_replay_changes_nothing(world):
    account = credit(world.people.resident, 7, source="x:1")
    with transaction.atomic():
        assert ledger.post(account, "hongde", 7, "test", "x:1", "tests") is None
    account.refresh_from_db()
    assert account.hongde == 7
    assert Entry.objects.filter(account=account).count() == 1


def test_the_unique_constraint_backs_the_replay_check(world):
    account = credit(world.people.resident, 3, source="x:2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            account=account, kind="hongde", amount=3, rule="test", source="x:2", event="e", at=account.created_at
        )


def test_an_overdraft_is_refused_and_the_database_refuses_it_too(world):
    account = credit(world.people.resident, 5)
    with pytest.raises(ledger.Overdraft), transaction.atomic():
        ledger.post(account, "hongde", -6, "test", "x:4", "tests")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(hongde=-1)
    account.refresh_from_db()
    assert account.hongde == 5


def test_a_transfer_is_zero_sum(world):
    one = credit(world.people.resident, 10)
    two = ledger.person_account(world.people.resident2)
    with transaction.atomic():
        ledger.transfer(one, two, "hongde", 4, "transfer", "t:1", "tests")
    assert Entry.objects.filter(source="t:1").aggregate(total=Sum("amount"))["total"] == 0
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.hongde, two.hongde) == (6, 4)


def test_a_correction_is_a_reversing_entry_once(world):
    account = credit(world.people.resident, 10)
    entry = Entry.objects.get(account=account)
    actions.reverse_entry(world.people.community, entry.pk, "误记")
    account.refresh_from_db()
    assert account.hongde == 0
    assert Entry.objects.get(reverses=entry).amount == -10
    with pytest.raises(ValidationError):
        actions.reverse_entry(world.people.community, entry.pk, "再冲")
    assert Entry.objects.filter(account=account).count() == 2


def test_a_neighbour_cannot_reverse_and_nothing_changes(world):
    account = credit(world.people.resident, 10)
    entry = Entry.objects.get(account=account)
    with pytest.raises(Entry.DoesNotExist):
        actions.reverse_entry(world.people.neighbour_staff, entry.pk, "误记")
    with pytest.raises(Entry.DoesNotExist):
        actions.reverse_entry(world.people.resident, entry.pk, "误记")
    assert Entry.objects.count() == 1


def test_reconcile_exits_0_when_exact_and_1_on_a_difference(world, capsys):
    credit(world.people.resident, 10)
    ledger.account_for(OwnerKind.TEAM, 5)
    call_command("reconcile_points")
    assert "0 differences" in capsys.readouterr().out
    Account.objects.filter(owner_id=world.people.resident.pk).update(hongde=11)
    with pytest.raises(SystemExit) as exit_info:
        call_command("reconcile_points")
    assert exit_info.value.code == 1
    assert "kept 11, entries sum to 10" in capsys.readouterr().out
