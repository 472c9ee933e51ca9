"""Staff awards with a reason, a second approver above the threshold; streaks and sponsorships by
rule; honours and the leaderboard (opting out)."""

import pytest
from django.core.exceptions import ValidationError

from civicgrid.points import actions, ledger, selectors
from civicgrid.points.models import Account, Award, Entry, OwnerKind


def account_of(user):
    return ledger.person_account(user)


def test_a_small_award_posts_at_once(world):
    account = account_of(world.people.resident)
    award = actions.award(world.people.community, account.pk, kind="youai", amount=10, reason="照顾老人")
    assert award.status == Award.Status.POSTED
    account.refresh_from_db()
    assert account.youai == 10
    assert Entry.objects.get().source == f"points.award:{award.pk}"


def test_a_large_award_waits_for_a_second_person(world):
    account = account_of(world.people.resident)
    award = actions.award(world.people.community, account.pk, kind="youai", amount=80, reason="见义勇为")
    assert award.status == Award.Status.PENDING and not Entry.objects.exists()
    with pytest.raises(ValidationError, match="另一位"):
        actions.approve_award(world.people.community, award.pk)
    with pytest.raises(Award.DoesNotExist):
        actions.approve_award(world.people.neighbour_staff, award.pk)
    assert not Entry.objects.exists()
    actions.approve_award(world.people.community2, award.pk)
    account.refresh_from_db()
    assert account.youai == 80
    with pytest.raises(ValidationError):
        actions.approve_award(world.people.street, award.pk)
    assert Entry.objects.count() == 1


def test_bad_award_input_and_out_of_scope(world):
    account = account_of(world.people.resident)
    with pytest.raises(ValidationError) as error:
        actions.award(world.people.community, account.pk, kind="time", amount="abc", reason="")
    assert {"kind", "amount", "reason"} <= set(error.value.message_dict)
    with pytest.raises(Account.DoesNotExist):
        actions.award(world.people.neighbour_staff, account.pk, kind="youai", amount=1, reason="x")
    with pytest.raises(Account.DoesNotExist):
        actions.award(world.people.resident2, account.pk, kind="youai", amount=1, reason="x")
    assert not Award.objects.exists() and not Entry.objects.exists()


def test_garbage_streaks_and_sponsorships_follow_their_rules_and_caps(world):
    account = account_of(world.people.resident)
    actions.record_by_rule(world.people.community, account.pk, "garbage_streak", "十二月全部达标")
    with pytest.raises(ValidationError):  # the monthly cap is one streak
        actions.record_by_rule(world.people.community, account.pk, "garbage_streak", "再记一次")
    account.refresh_from_db()
    assert account.hongde == 20
    enterprise = ledger.account_for(OwnerKind.ENTERPRISE, 77, region_code=world.tree["S1C1"].code, name="某物业公司")
    actions.record_by_rule(world.people.community, enterprise.pk, "sponsorship", "赞助健身器材")
    enterprise.refresh_from_db()
    assert enterprise.shanzhi == 50


def test_honours_and_the_leaderboard_with_an_opt_out(world):
    one, two = account_of(world.people.resident), account_of(world.people.resident2)
    actions.award(world.people.community, one.pk, kind="youai", amount=40, reason="志愿服务")
    actions.award(world.people.community, two.pk, kind="youai", amount=20, reason="志愿服务")
    assert [kind for kind, _title in selectors.honours(one)] == ["youai"]
    assert selectors.honours(two) == []
    community = world.tree["S1C1"].code
    board = selectors.leaderboard(community, "youai")
    assert [row["account_id"] for row in board] == [one.pk, two.pk]
    assert board[0]["name"].startswith("r") and "*" in board[0]["name"]
    actions.set_board_visibility(world.people.resident, shown=False)
    assert [row["account_id"] for row in selectors.leaderboard(community, "youai")] == [two.pk]
    assert selectors.leaderboard(world.tree["S1C2"].code, "youai") == []
