"""The points mall: listing items (staff in scope), redeeming (zero-sum, stock, per-person limit,
validity, balance), the signed code verified once by the merchant's counter, cancelling before use
returns the points, statements."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from civicgrid.points import actions, selectors
from civicgrid.points.actions import mall
from civicgrid.points.models import Account, Entry, Item, Merchant, OwnerKind, Redemption
from civicgrid.points.tests.conftest import credit, item_fields, listed


def test_a_redemption_moves_the_points_to_the_merchant(world):
    account = credit(world.people.resident, 25)
    item = listed(world, price=10)
    redemption = actions.redeem(world.people.resident, item.pk)
    account.refresh_from_db()
    shop = Account.objects.get(owner_kind=OwnerKind.MERCHANT, owner_id=world.merchant.pk)
    assert (account.hongde, shop.hongde) == (15, 10)
    entries = Entry.objects.filter(source=f"points.redemption:{redemption.pk}")
    assert entries.count() == 2 and entries.aggregate(total=Sum("amount"))["total"] == 0
    assert Item.objects.get(pk=item.pk).stock == 4


def test_not_enough_points_is_refused_and_nothing_changes(world):
    credit(world.people.resident, 5)
    item = listed(world, price=10)
    with pytest.raises(ValidationError):
        actions.redeem(world.people.resident, item.pk)
    assert not Redemption.objects.exists()
    assert Item.objects.get(pk=item.pk).stock == 5
    assert Entry.objects.count() == 1


def test_the_per_person_limit_and_the_stock(world):
    credit(world.people.resident, 100)
    item = listed(world, price=1, per_person=1, stock=1)
    actions.redeem(world.people.resident, item.pk)
    with pytest.raises(ValidationError):
        actions.redeem(world.people.resident, item.pk)
    credit(world.people.resident2, 100)
    with pytest.raises(ValidationError):
        actions.redeem(world.people.resident2, item.pk)  # sold out
    assert Redemption.objects.count() == 1


def test_an_item_of_another_community_or_out_of_date_cannot_be_redeemed(world):
    credit(world.people.outsider, 100)
    item = listed(world, price=1)
    with pytest.raises(Item.DoesNotExist):
        actions.redeem(world.people.outsider, item.pk)
    credit(world.people.resident, 100)
    old = listed(
        world, valid_from=timezone.localdate() - timedelta(days=9), valid_until=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(Item.DoesNotExist):
        actions.redeem(world.people.resident, old.pk)
    assert not Redemption.objects.exists()


def test_the_code_is_verified_once_by_the_merchants_counter_only(world):
    credit(world.people.resident, 20)
    redemption = actions.redeem(world.people.resident, listed(world).pk)
    code = mall.redemption_code(redemption)
    for stranger in (world.people.resident, world.people.resident2, world.people.community):
        with pytest.raises(ValidationError):
            actions.verify_code(stranger, code)
    assert Redemption.objects.get().status == Redemption.Status.ISSUED
    with pytest.raises(ValidationError):
        actions.verify_code(world.people.clerk, code[:-1] + ("A" if code[-1] != "A" else "B"))
    actions.verify_code(world.people.clerk, code)
    used = Redemption.objects.get()
    assert used.status == Redemption.Status.USED and used.used_by == world.people.clerk
    with pytest.raises(ValidationError, match="核销过"):
        actions.verify_code(world.people.clerk, code)


def test_cancelling_before_use_returns_the_points_and_the_stock(world):
    account = credit(world.people.resident, 20)
    item = listed(world)
    redemption = actions.redeem(world.people.resident, item.pk)
    actions.cancel_redemption(world.people.resident, redemption.pk)
    account.refresh_from_db()
    assert account.hongde == 20
    assert Item.objects.get(pk=item.pk).stock == 5
    with pytest.raises(ValidationError):
        actions.cancel_redemption(world.people.resident, redemption.pk)
    with pytest.raises(ValidationError):
        actions.verify_code(world.people.clerk, mall.redemption_code(redemption))


def test_a_used_redemption_cannot_be_cancelled_nor_someone_elses(world):
    credit(world.people.resident, 20)
    redemption = actions.redeem(world.people.resident, listed(world).pk)
    with pytest.raises(Redemption.DoesNotExist):
        actions.cancel_redemption(world.people.resident2, redemption.pk)
    actions.verify_code(world.people.clerk, mall.redemption_code(redemption))
    with pytest.raises(ValidationError):
        actions.cancel_redemption(world.people.resident, redemption.pk)
    assert Entry.objects.filter(rule="refund").count() == 0


def test_bad_item_input_gets_clear_errors(world):
    bad = item_fields(title="坏\x00字", price=0, stock=-1, kind="time", item_type="x")
    bad["valid_until"] = bad["valid_from"] - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        listed(world, **bad)
    assert {"title", "price", "stock", "kind", "item_type", "valid_until"} <= set(error.value.message_dict)
    assert not Item.objects.exists()


def test_staff_out_of_scope_cannot_touch_the_merchant(world):
    with pytest.raises(Merchant.DoesNotExist):
        actions.save_item(world.people.neighbour_staff, world.merchant.pk, Item(), **item_fields())
    with pytest.raises(Merchant.DoesNotExist):
        actions.add_merchant_staff(world.people.neighbour_staff, world.merchant.pk, "13800000002")
    with pytest.raises(ValidationError):
        actions.save_merchant(world.people.neighbour_staff, Merchant(), name="x", region=world.tree["S1C1"])
    assert not Item.objects.exists() and Merchant.objects.count() == 1


def test_the_statement_counts_used_redemptions(world):
    credit(world.people.resident, 50)
    item = listed(world, price=10)
    first = actions.redeem(world.people.resident, item.pk)
    actions.redeem(world.people.resident, item.pk)
    actions.verify_code(world.people.clerk, mall.redemption_code(first))
    rows, totals = selectors.statement(world.merchant)
    assert rows.count() == 2 and totals == {"hongde": 10}
    assert selectors.merchant_for(world.people.clerk, world.merchant.pk) == world.merchant
    assert selectors.merchant_for(world.people.neighbour_staff, world.merchant.pk) is None
