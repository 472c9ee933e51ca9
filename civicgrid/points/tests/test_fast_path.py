"""The listeners' cheap path: rules kept per process for a while (a saved rule applies at once in
the saving process), and an uncapped earning written by ledger.post_new — once per source, the
balance moving with its entry, nothing non-positive."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from civicgrid.points import actions, earn, ledger
from civicgrid.points.models import Account, Entry, OwnerKind, Rule, Trigger
from civicgrid.points.tests.conftest import credit
from civicgrid.points.tests.test_earn import balance, checked_in, publish


def test_post_new_writes_once_and_moves_the_balance(world):
    account = credit(world.people.resident, 5, source="seed:1")
    with transaction.atomic():
        first = ledger.post_new(account.pk, account.region_code, "youai", 3, "test", "x:9", "tests", memo="m")
        again = ledger.post_new(account.pk, account.region_code, "youai", 3, "test", "x:9", "tests")
    assert first is not None and again is None
    account.refresh_from_db()
    entry = Entry.objects.get(pk=first)
    assert (account.youai, entry.amount, entry.kind, entry.memo) == (3, 3, "youai", "m")
    assert abs((entry.at - timezone.now()).total_seconds()) < 60  # stored as an aware time on every database
    call_command("reconcile_points", stdout=io.StringIO())  # exits 1 on any difference


def test_post_new_refuses_non_positive_amounts(world):
    account = credit(world.people.resident, 1, source="seed:2")
    with pytest.raises(ValueError), transaction.atomic():
        ledger.post_new(account.pk, "", "hongde", 0, "test", "x:1", "tests")
    assert Entry.objects.filter(account=account).count() == 1


def test_an_uncapped_rule_earns_by_the_fast_path_and_a_capped_one_stays_capped(world):
    Rule.objects.filter(code="activity-checkin").update(daily_cap=None, monthly_cap=None)
    earn.forget_rules()
    code = world.tree["S1C1"].code
    publish(checked_in(world.people.resident, 1, region_code=code))  # creates the account (long way)
    for n in range(2, 7):
        publish(checked_in(world.people.resident, n, region_code=code))
        publish(checked_in(world.people.resident, n, region_code=code))  # replayed
    assert balance(world.people.resident) == 12 and Entry.objects.count() == 6
    Rule.objects.filter(code="activity-checkin").update(daily_cap=14)
    earn.forget_rules()
    for n in range(7, 10):
        publish(checked_in(world.people.resident, n, region_code=code))
    assert balance(world.people.resident) == 14  # the cap holds on the locked path


def test_rules_are_kept_for_a_while_and_a_saved_rule_applies_at_once(
    world, settings, django_capture_on_commit_callbacks
):
    settings.POINTS_RULES_RELOAD_SECONDS = 3600
    earn.forget_rules()
    kept = earn.rules_for(Trigger.CHECK_IN)
    Rule.objects.filter(code="activity-checkin").update(points=9)  # behind the actions' back
    assert earn.rules_for(Trigger.CHECK_IN) is kept  # not read again
    rule = Rule.objects.get(code="activity-checkin")
    rule.points = 4
    admin = world.people.street
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.save_rule(admin, rule)
    assert earn.rules_for(Trigger.CHECK_IN)[0].points == 4


def test_a_person_without_an_account_gets_one_placed_in_their_community(world):
    Rule.objects.filter(code="activity-checkin").update(daily_cap=None, monthly_cap=None)
    earn.forget_rules()
    code = world.tree["S1C1"].code
    publish(checked_in(world.people.resident2, 1, region_code=code))
    account = Account.objects.get(owner_kind=OwnerKind.PERSON, owner_id=world.people.resident2.pk)
    assert account.region_code == code and account.hongde == 2
