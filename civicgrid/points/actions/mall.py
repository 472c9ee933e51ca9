"""The points mall (积分超市): merchants and items (staff of the subtree), redeeming and cancelling
(residents), verifying a code at the counter (the merchant's staff).

A redemption locks the item (stock) and then the accounts (ledger.transfer, in id order): two
residents taking the last item, or two redemptions spending one balance, cannot both win. The code
is the redemption's id signed (django.core.signing, salt below): nothing secret is stored, a forged
or altered code is refused, and a used or cancelled redemption cannot be used again.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core import clock, events
from civicgrid.points import ledger, selectors
from civicgrid.points.actions.common import clean_int, clean_text
from civicgrid.points.events import ItemRedeemed, RedemptionCancelled, RedemptionUsed
from civicgrid.points.models import POINT_KINDS, Item, ItemType, Merchant, MerchantStaff, OwnerKind, Redemption

SALT = "civicgrid.points.redemption"
MAX_PRICE = 100_000
MAX_STOCK = 100_000


def redemption_code(redemption):
    return signing.Signer(salt=SALT).sign(f"R{redemption.pk}")


def _read_code(code):
    code = (code or "").strip()
    if not code or len(code) > 100:
        raise ValidationError(_("兑换码无效。"))
    try:
        value = signing.Signer(salt=SALT).unsign(code)
    except signing.BadSignature:
        raise ValidationError(_("兑换码无效。")) from None
    if not value.startswith("R") or not value[1:].isdigit():
        raise ValidationError(_("兑换码无效。"))
    return int(value[1:])


def merchant_account(merchant):
    return ledger.account_for(OwnerKind.MERCHANT, merchant.pk, region_code=merchant.region_code, name=merchant.name)


# --- Staff: merchants and items ---------------------------------------------------------------


@transaction.atomic
def save_merchant(user, merchant, *, name, region, owner_kind=OwnerKind.ENTERPRISE, owner_id=None, active=True):
    name = clean_text(name, "name", 100)
    if owner_kind not in (OwnerKind.ENTERPRISE, OwnerKind.ORGANISATION, "department"):
        owner_kind = OwnerKind.ENTERPRISE
    if region is None or not selectors.merchant_regions(user).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("您不能为这个区域设立商户。")})
    if merchant.pk:
        merchant = Merchant.objects.restrict(user, "change").select_for_update().get(pk=merchant.pk)
    merchant.name, merchant.region, merchant.region_code = name, region, region.code
    merchant.owner_kind, merchant.owner_id, merchant.active = owner_kind, owner_id, bool(active)
    merchant.save()
    merchant_account(merchant)
    return merchant


@transaction.atomic
def add_merchant_staff(user, merchant_id, phone):
    merchant = Merchant.objects.restrict(user, "change").select_for_update().get(pk=merchant_id)
    member = selectors.user_by_phone((phone or "").strip()[:20])
    if member is None:
        raise ValidationError({"phone": _("没有使用这个手机号的账号。")})
    MerchantStaff.objects.get_or_create(merchant=merchant, user=member)
    return member


@transaction.atomic
def remove_merchant_staff(user, merchant_id, member_id):
    merchant = Merchant.objects.restrict(user, "change").select_for_update().get(pk=merchant_id)
    MerchantStaff.objects.filter(merchant=merchant, user_id=member_id).delete()


@transaction.atomic
def save_item(user, merchant_id, item, **data):
    merchant = Merchant.objects.restrict(user, "change").select_for_update().get(pk=merchant_id)
    if item.pk:
        item = Item.objects.restrict(user, "change").select_for_update().get(pk=item.pk, merchant=merchant)
    errors = {}
    values = {}
    for name, limit, required in (("title", 60, True), ("description", 300, False)):
        try:
            values[name] = clean_text(data.get(name), name, limit, required)
        except ValidationError as error:
            errors.update(error.message_dict)
    for name, low, high in (("price", 1, MAX_PRICE), ("stock", 0, MAX_STOCK), ("per_person", 1, 100)):
        try:
            values[name] = clean_int(data.get(name), name, low, high)
        except ValidationError as error:
            errors.update(error.message_dict)
    if data.get("item_type") not in ItemType.values:
        errors["item_type"] = _("请选择类型。")
    if data.get("kind") not in POINT_KINDS:
        errors["kind"] = _("请选择积分类别。")
    start, end = data.get("valid_from"), data.get("valid_until")
    if not start or not end:
        errors["valid_until"] = _("请填写兑换期限。")
    elif end < start:
        errors["valid_until"] = _("有效期不能早于开始日期。")
    if errors:
        raise ValidationError(errors)
    item.merchant, item.region_code = merchant, merchant.region_code
    for name, value in values.items():
        setattr(item, name, value)
    item.item_type, item.kind, item.valid_from, item.valid_until = data["item_type"], data["kind"], start, end
    item.active = bool(data.get("active", True))
    item.save()
    return item


# --- Residents: redeeming and cancelling ------------------------------------------------------


@transaction.atomic
def redeem(user, item_id):
    """兑换: one item for its price; the points move to the merchant's account (zero-sum)."""
    offered = selectors.offered_to(user).values("pk")
    item = Item.objects.select_for_update().select_related("merchant").get(pk=item_id, pk__in=offered)
    if item.stock < 1:
        raise ValidationError(_("已兑完。"))
    taken = Redemption.objects.filter(user=user, item=item).exclude(status=Redemption.Status.CANCELLED).count()
    if taken >= item.per_person:
        raise ValidationError(_("每人限兑 %(n)s 件，您已兑换过。") % {"n": item.per_person})
    account = ledger.person_account(user)
    now = clock.now()
    redemption = Redemption.objects.create(
        item=item,
        merchant=item.merchant,
        user=user,
        kind=item.kind,
        price=item.price,
        region_code=item.region_code,
        created_at=now,
    )
    try:
        ledger.transfer(
            account,
            merchant_account(item.merchant),
            item.kind,
            item.price,
            "redeem",
            f"points.redemption:{redemption.pk}",
            "points.ItemRedeemed",
            actor=user,
            memo=_("兑换：%(title)s") % {"title": item.title},
        )
    except ledger.Overdraft:
        raise ValidationError(
            _("%(kind)s积分不足，需要 %(price)s 分。") % {"kind": item.get_kind_display(), "price": item.price}
        ) from None
    Item.objects.filter(pk=item.pk).update(stock=F("stock") - 1)
    events.publish(
        ItemRedeemed(
            redemption_id=redemption.pk,
            item_id=item.pk,
            merchant_id=item.merchant_id,
            user_id=user.pk,
            kind=item.kind,
            price=item.price,
            at=now,
        )
    )
    return redemption


@transaction.atomic
def cancel_redemption(user, redemption_id):
    """取消: before it is used, the points come back and the item returns to stock."""
    redemption = Redemption.objects.select_for_update().get(pk=redemption_id, user=user)
    if redemption.status != Redemption.Status.ISSUED:
        raise ValidationError(_("已核销或已取消的兑换不能取消。"))
    item = Item.objects.select_for_update().get(pk=redemption.item_id)
    now = clock.now()
    ledger.transfer(
        merchant_account(redemption.merchant),
        ledger.person_account(user),
        redemption.kind,
        redemption.price,
        "refund",
        f"points.redemption:{redemption.pk}",
        "points.RedemptionCancelled",
        actor=user,
        memo=_("取消兑换：%(title)s") % {"title": item.title},
    )
    Item.objects.filter(pk=item.pk).update(stock=F("stock") + 1)
    redemption.status, redemption.cancelled_at = Redemption.Status.CANCELLED, now
    redemption.save(update_fields=["status", "cancelled_at"])
    events.publish(RedemptionCancelled(redemption_id=redemption.pk, user_id=user.pk, at=now))
    return redemption


# --- Merchant staff: verifying a code ---------------------------------------------------------


def lookup_code(user, code):
    """The redemption a code names, if the user works its merchant's counter (for the confirm page)."""
    pk = _read_code(code)
    redemption = (
        Redemption.objects.select_related("item", "merchant")
        .filter(pk=pk, merchant__in=selectors.staffed_merchants(user))
        .first()
    )
    if redemption is None:
        raise ValidationError(_("兑换码无效，或不是本商户的兑换。"))
    return redemption


@transaction.atomic
def verify_code(user, code):
    """核销: once only; a used or cancelled redemption is refused."""
    pk = lookup_code(user, code).pk
    redemption = Redemption.objects.select_for_update().select_related("item").get(pk=pk)
    if redemption.status == Redemption.Status.USED:
        raise ValidationError(
            _("这张兑换码已于 %(at)s 核销过。")
            % {"at": timezone.localtime(redemption.used_at).strftime("%Y-%m-%d %H:%M")}
        )
    if redemption.status != Redemption.Status.ISSUED:
        raise ValidationError(_("这张兑换已取消。"))
    if redemption.item.valid_until < timezone.localdate():
        raise ValidationError(_("这件商品已过兑换有效期。"))
    now = clock.now()
    redemption.status, redemption.used_at, redemption.used_by = Redemption.Status.USED, now, user
    redemption.save(update_fields=["status", "used_at", "used_by"])
    events.publish(
        RedemptionUsed(redemption_id=redemption.pk, merchant_id=redemption.merchant_id, actor_id=user.pk, at=now)
    )
    return redemption
