"""Demo points: in every community of the demo district, a merchant (with an item of each type and
the community's first staff member at its counter), an award, a garbage-sorting streak, a confirmed
hour of help in the time bank, and one redemption. Residents' activity check-ins (the activities
seeder, before this one) have earned their points through the listeners already. Idempotent: a
community that has a merchant is skipped."""

from datetime import timedelta

from django.utils import timezone

from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.core import events
from civicgrid.points import actions, ledger
from civicgrid.points.models import Item, Merchant, MerchantStaff
from civicgrid.regions.models import Level, Region

ITEMS = [
    ("洗衣液一瓶", "goods", "hongde", 20, "凭码到店领取"),
    ("理发八折券", "discount", "youai", 15, "限本店使用"),
    ("上门家电清洗一次", "service", "shanzhi", 30, "预约后上门"),
]


def seed_demo(run):
    from civicgrid.points.models import Rule
    from civicgrid.points.rules import load_defaults

    # The rules come with a data migration; a database flushed since (the browser tests') has none.
    load_defaults(Rule)
    district = run.made.get("district")
    communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True)
    if district is not None:
        communities = communities.filter(code__startswith=district.code)
    made = 0
    today = timezone.localdate()
    with events.quiet():
        for community in communities.order_by("code")[:40]:
            if Merchant.objects.filter(region=community).exists():
                continue
            assignments = RoleAssignment.objects.active().filter(region=community).select_related("user")
            staff = [a.user for a in assignments if a.role == Role.COMMUNITY_STAFF]
            residents = [a.user for a in assignments if a.role == Role.RESIDENT]
            if not staff:
                continue
            organiser = staff[0]
            merchant = actions.save_merchant(organiser, Merchant(), name=f"{community.name}爱心超市", region=community)
            MerchantStaff.objects.get_or_create(merchant=merchant, user=organiser)
            for title, item_type, kind, price, description in ITEMS:
                actions.save_item(
                    organiser,
                    merchant.pk,
                    Item(),
                    title=title,
                    description=description,
                    item_type=item_type,
                    kind=kind,
                    price=price,
                    stock=50,
                    per_person=2,
                    valid_from=today - timedelta(days=30),
                    valid_until=today + timedelta(days=180),
                )
            for resident in residents[:3]:
                account = ledger.person_account(resident, community.code)
                actions.award(organiser, account.pk, kind="youai", amount=30, reason="照顾独居老人")
                actions.record_by_rule(organiser, account.pk, "garbage_streak", "本月垃圾分类全部达标")
            if len(residents) >= 2:
                record = (
                    actions.record_help(
                        residents[0], other_phone=residents[1].phone or "", gave=True, hours="1.5", what="陪同就医"
                    )
                    if residents[1].phone
                    else None
                )
                if record is not None:
                    actions.confirm_help(residents[1], record.pk)
            if residents:
                first = Item.objects.filter(merchant=merchant, kind="hongde").first()
                actions.redeem(residents[0], first.pk)
            made += 1
    return f"{made} communities with a points merchant"
