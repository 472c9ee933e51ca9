"""Builders for tests elsewhere (the scope walk): one side's points objects, made through the actions."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.points import actions, ledger
from civicgrid.points.models import Entry, Item, Merchant


def scope_objects(staff, street, resident, community, side):
    """A merchant of `community` with an item, the resident's account credited by two awards (one
    entry kept as `entry`), their redemption (issued), an award waiting for approval (asked by the
    street staff), and a neighbour (`helper`, with a phone) who recorded an hour of help given to
    the resident, waiting for the resident's confirmation."""
    from civicgrid.testing import make_user

    today = timezone.localdate()
    merchant = actions.save_merchant(staff, Merchant(), name=f"{side} 积分超市", region=community)
    item = actions.save_item(
        staff,
        merchant.pk,
        Item(),
        title=f"{side} 洗衣液",
        description="",
        item_type="goods",
        kind="youai",
        price=10,
        stock=10,
        per_person=5,
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=30),
    )
    account = ledger.person_account(resident, community.code)
    first = actions.award(staff, account.pk, kind="youai", amount=50, reason=f"{side} 志愿服务")
    actions.award(staff, account.pk, kind="youai", amount=50, reason=f"{side} 照顾老人")
    redemption = actions.redeem(resident, item.pk)
    pending = actions.award(street, account.pk, kind="youai", amount=80, reason=f"{side} 见义勇为")
    phone = f"1350000{'1' if side == 'A' else '2'}000"
    helper = make_user(f"points_helper_{side}", Role.RESIDENT, region=community, phone=phone)
    if not resident.phone:  # the time bank names the other side by phone
        resident.phone = f"1350000{'1' if side == 'A' else '2'}001"
        type(resident).objects.filter(pk=resident.pk).update(phone=resident.phone)
    help_record = actions.record_help(helper, other_phone=resident.phone, gave=True, hours="1", what=f"{side} 修水管")
    return SimpleNamespace(
        merchant=merchant,
        item=item,
        account=account,
        entry=Entry.objects.get(source=f"points.award:{first.pk}"),
        redemption=redemption,
        pending=pending,
        helper=helper,
        help=help_record,
    )
