"""Reads. Residents read their own account (by their user), the mall items offered to their
community, their redemptions and their time-bank records; merchant staff read their merchants
(membership); staff read merchants, accounts and awards through `restrict()` on their subtree.
Leaderboards and honours sum a month's earned entries (rule entries, not redemptions or
transfers)."""

from datetime import date

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import active_assignments, scope_codes
from civicgrid.core.scoping import subtree_q
from civicgrid.points import conf
from civicgrid.points.models import (
    POINT_KINDS,
    Account,
    Entry,
    Help,
    Item,
    Kind,
    Merchant,
    MerchantStaff,
    OwnerKind,
    Redemption,
    Rule,
)
from civicgrid.regions.codes import ancestor_codes
from civicgrid.regions.models import Level, Region

COMMUNITY_CODE_LENGTH = 12
HONOURS = {Kind.HONGDE: _("弘德先锋"), Kind.YOUAI: _("雷锋伙伴"), Kind.SHANZHI: _("善治盟友")}
OPERATIONS = ("redeem", "refund", "transfer", "reverse")


def resident_home(user):
    if not user.is_authenticated:
        return None
    regions = [a.region for a in active_assignments(user) if a.role == Role.RESIDENT and a.region_id]
    return max(regions, key=lambda r: len(r.code), default=None)


def home_community_code(user):
    home = resident_home(user)
    return home.code[:COMMUNITY_CODE_LENGTH] if home is not None and len(home.code) >= COMMUNITY_CODE_LENGTH else ""


def my_account(user):
    return Account.objects.filter(owner_kind=OwnerKind.PERSON, owner_id=user.pk).first()


def recent_entries(account, limit=30):
    if account is None:
        return []
    return list(Entry.objects.filter(account=account).order_by("-at", "-id")[:limit])


def month_start(today=None):
    today = today or timezone.localdate()
    return timezone.make_aware(timezone.datetime(today.year, today.month, 1))


def earned_this_month(account):
    """{kind: points earned by rules this month} (redemptions and transfers do not count)."""
    if account is None:
        return {}
    rows = (
        Entry.objects.filter(account=account, at__gte=month_start(), amount__gt=0)
        .exclude(rule__in=OPERATIONS)
        .values("kind")
        .annotate(total=Sum("amount"))
    )
    return {row["kind"]: row["total"] for row in rows}


def honours(account):
    """[(kind, title)] the account holds this month (its earned points reach the threshold)."""
    earned = earned_this_month(account)
    thresholds = conf.get("POINTS_HONOUR_THRESHOLDS")
    return [(kind, HONOURS[kind]) for kind in POINT_KINDS if earned.get(kind, 0) >= thresholds.get(kind, 10**9)]


def leaderboard(community_code, kind, limit=None):
    """This month's top earners of `kind` among the people of a community, without those who opted out."""
    limit = limit or conf.get("POINTS_BOARD_SIZE")
    rows = (
        Entry.objects.filter(
            subtree_q("region_code", [community_code]),
            kind=kind,
            at__gte=month_start(),
            amount__gt=0,
            account__owner_kind=OwnerKind.PERSON,
            account__hidden_from_board=False,
        )
        .exclude(rule__in=OPERATIONS)
        .values("account_id", "account__name")
        .annotate(total=Sum("amount"))
        .order_by("-total", "account_id")[:limit]
    )
    return [
        {"name": mask_name(row["account__name"]), "total": row["total"], "account_id": row["account_id"]}
        for row in rows
    ]


def mask_name(name):
    """王小明 → 王**: boards name people without showing them in full."""
    name = (name or "").strip()
    return (name[0] + "*" * max(len(name) - 1, 1)) if name else "—"


def rules():
    return list(Rule.objects.order_by("trigger", "code"))


# --- The mall ----------------------------------------------------------------------------------


def offered_to(user):
    """Items on offer to a resident: active, in date, from merchants of their community's subtree or
    the street/district above it."""
    home = resident_home(user)
    if home is None:
        return Item.objects.none()
    community = home.code[:COMMUNITY_CODE_LENGTH]
    above = [code for code in ancestor_codes(home.code) if len(code) < len(community)]
    today = timezone.localdate()
    return Item.objects.filter(
        Q(region_code__in=above) | subtree_q("region_code", [community]),
        active=True,
        merchant__active=True,
        valid_from__lte=today,
        valid_until__gte=today,
    ).select_related("merchant")


def my_redemptions(user):
    return Redemption.objects.filter(user=user).select_related("item", "merchant").order_by("-created_at", "-pk")


def staffed_merchants(user):
    """The merchants whose counter the user works."""
    if not user.is_authenticated:
        return Merchant.objects.none()
    return Merchant.objects.filter(pk__in=MerchantStaff.objects.filter(user=user).values("merchant_id"))


def merchant_for(user, pk):
    """A merchant the user may read (its counter staff, or staff in scope), or None."""
    merchant = Merchant.objects.restrict(user, "view").filter(pk=pk).first()
    return merchant or staffed_merchants(user).filter(pk=pk).first()


def statement(merchant, start=None, end=None):
    """The merchant's redemptions in [start, end) with their totals per kind (used ones count)."""
    rows = Redemption.objects.filter(merchant=merchant).select_related("item").order_by("-created_at", "-pk")
    if start:
        rows = rows.filter(created_at__gte=start)
    if end:
        rows = rows.filter(created_at__lt=end)
    totals = rows.filter(status=Redemption.Status.USED).values("kind").annotate(total=Sum("price"))
    return rows, {row["kind"]: row["total"] for row in totals}


def merchant_regions(user):
    codes = scope_codes(user, "points.add_merchant")
    regions = Region.objects.filter(level__in=(Level.STREET, Level.COMMUNITY), is_active=True)
    if codes is not None:
        regions = regions.filter(subtree_q("code", codes))
    return regions.order_by("code")


# --- Time bank --------------------------------------------------------------------------------


def my_helps(user):
    return Help.objects.filter(Q(giver=user) | Q(receiver=user)).select_related("giver", "receiver")


def to_confirm(user):
    """Records the other side made that wait for this user's confirmation."""
    return my_helps(user).filter(status=Help.Status.PROPOSED).exclude(recorded_by=user)


def period_bounds(month):
    """`month` "2026-12" → (start, end) aware datetimes; ValueError when malformed."""
    year, mon = (int(part) for part in month.split("-", 1))
    first = date(year, mon, 1)
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return (
        timezone.make_aware(timezone.datetime(first.year, first.month, 1)),
        timezone.make_aware(timezone.datetime(nxt.year, nxt.month, 1)),
    )


def user_by_phone(phone):
    """An active account signing in with this phone number, or None."""
    from django.contrib.auth import get_user_model

    if not phone or len(phone) != 11 or not phone.isdigit():
        return None
    return get_user_model().objects.filter(phone=phone, is_active=True).first()
