"""The points ledger (积分账本) and what it pays for.

Three kinds of points — 弘德 (civic behaviour), 友爱 (volunteering and care), 善治 (improving a
compound: enterprises, organisations, the five parties) — and the time bank's hours, all in one
ledger. An `Account` belongs to a person (a user), a team, an organisation, an enterprise or a
merchant (`owner_kind` + `owner_id`: this app imports none of those apps' models). Its balances are
kept on the row, written in the same transaction as the entries, under the row's lock.

An `Entry` is append-only: nothing updates or deletes it (a correction is a reversing entry). Every
entry names its source (`source`: the event or record that caused it, such as
"activities.enrolment:12") and the rule or operation (`rule`); the unique constraint on
(source, account, rule) makes a replayed event harmless. Redemptions, refunds and time-bank
transfers post two entries that sum to zero, in one transaction.

`Rule` rows are the data of what earns how much of which kind, with daily and monthly caps.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel


class Kind(models.TextChoices):
    HONGDE = "hongde", _("弘德")
    YOUAI = "youai", _("友爱")
    SHANZHI = "shanzhi", _("善治")
    TIME = "time", _("时间（分钟）")


POINT_KINDS = (Kind.HONGDE, Kind.YOUAI, Kind.SHANZHI)
BALANCE_FIELD = {Kind.HONGDE: "hongde", Kind.YOUAI: "youai", Kind.SHANZHI: "shanzhi", Kind.TIME: "time_minutes"}


class OwnerKind(models.TextChoices):
    PERSON = "person", _("个人")
    TEAM = "team", _("志愿团队")
    ORGANISATION = "organisation", _("社会组织")
    ENTERPRISE = "enterprise", _("企业")
    MERCHANT = "merchant", _("积分超市商户")


class Trigger(models.TextChoices):
    CASE_VALID = "case_valid", _("居民上报的问题核实结案")
    CHECK_IN = "check_in", _("社区活动签到")
    VOLUNTEER_HOUR = "volunteer_hour", _("志愿服务时长（每小时）")
    TEAM_HOUR = "team_hour", _("团队志愿服务时长（每小时）")
    WISH = "wish", _("认领并实现微心愿")
    FEEDBACK = "feedback", _("获得服务好评")
    GARBAGE_STREAK = "garbage_streak", _("垃圾分类坚持（工作人员记录）")
    SPONSORSHIP = "sponsorship", _("企业赞助")


class Rule(TimeStampedModel):
    """What earns how many points of which kind: `points` per occurrence (per hour for the hour
    triggers), at most `daily_cap` / `monthly_cap` per account and rule (empty: no cap)."""

    code = models.SlugField(_("规则编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    trigger = models.CharField(_("触发事件"), max_length=20, choices=Trigger)
    kind = models.CharField(_("积分类别"), max_length=10, choices=Kind)
    points = models.PositiveIntegerField(_("分值"))
    daily_cap = models.PositiveIntegerField(_("每日上限"), null=True, blank=True)
    monthly_cap = models.PositiveIntegerField(_("每月上限"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["trigger", "code"]
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")

    def __str__(self):
        return self.name


class Account(ScopedModel, TimeStampedModel):
    """One owner's balances. `region_code`: where the owner belongs (a person's home community),
    for staff scope and the leaderboards."""

    owner_kind = models.CharField(_("账户类型"), max_length=12, choices=OwnerKind)
    owner_id = models.BigIntegerField(_("所有者编号"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    hongde = models.BigIntegerField(_("弘德积分"), default=0)
    youai = models.BigIntegerField(_("友爱积分"), default=0)
    shanzhi = models.BigIntegerField(_("善治积分"), default=0)
    time_minutes = models.BigIntegerField(_("时间银行（分钟）"), default=0)
    hidden_from_board = models.BooleanField(_("不在排行榜显示"), default=False)

    class Meta:
        ordering = ["owner_kind", "owner_id"]
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.UniqueConstraint(fields=["owner_kind", "owner_id"], name="points_one_account_per_owner"),
            models.CheckConstraint(
                condition=Q(hongde__gte=0) & Q(youai__gte=0) & Q(shanzhi__gte=0), name="points_no_overdraft"
            ),
        ]

    def __str__(self):
        return self.name or f"{self.owner_kind}:{self.owner_id}"

    def balance(self, kind):
        return getattr(self, BALANCE_FIELD[Kind(kind)])


class Entry(ScopedModel):
    """One movement on one account (append-only). `amount` is signed; `rule` is the rule's code or
    the operation (redeem, refund, transfer, reverse, award)."""

    account = models.ForeignKey(Account, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind)
    amount = models.BigIntegerField(_("数额"))
    rule = models.CharField(_("规则或操作"), max_length=40)
    source = models.CharField(_("来源"), max_length=80)
    event = models.CharField(_("来源事件"), max_length=60)
    memo = models.CharField(_("说明"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self", verbose_name=_("冲正"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        constraints = [
            models.UniqueConstraint(fields=["source", "account", "rule"], name="points_entry_once"),
            models.CheckConstraint(condition=~Q(amount=0), name="points_entry_not_zero"),
        ]
        indexes = [
            models.Index(fields=["account", "rule", "at"], name="points_entry_account_rule"),
            # A person's page: their latest entries, and this month's earnings (honours).
            models.Index(fields=["account", "-at", "-id"], name="points_entry_account_at"),
        ]

    def __str__(self):
        return f"{self.account_id} {self.kind} {self.amount:+d}"


class Award(ScopedModel):
    """Points given by staff with a reason (手动奖励); above the approval threshold a second person
    approves before they are posted. Also a garbage-sorting streak or a sponsorship recorded by staff
    (their amount comes from the rule)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        POSTED = "posted", _("已入账")
        REJECTED = "rejected", _("已驳回")

    account = models.ForeignKey(Account, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(_("类型"), max_length=20, blank=True)
    kind = models.CharField(_("积分类别"), max_length=10, choices=Kind)
    amount = models.PositiveIntegerField(_("分值"))
    reason = models.CharField(_("理由"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("积分奖励")
        verbose_name_plural = _("积分奖励")


class Merchant(ScopedModel, TimeStampedModel):
    """积分超市商户: an enterprise (people.Enterprise), a department or an organisation offering items
    for points, for the residents of its region's subtree."""

    name = models.CharField(_("名称"), max_length=100)
    owner_kind = models.CharField(_("类型"), max_length=12, choices=OwnerKind, default=OwnerKind.ENTERPRISE)
    owner_id = models.BigIntegerField(_("所属企业或部门编号"), null=True, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("积分超市商户")
        verbose_name_plural = _("积分超市商户")

    def __str__(self):
        return self.name


class MerchantStaff(models.Model):
    """Who works the merchant's counter (verifies codes, reads its statement)."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("商户店员")
        verbose_name_plural = _("商户店员")
        constraints = [models.UniqueConstraint(fields=["merchant", "user"], name="points_merchant_staff_once")]

    def __str__(self):
        return f"{self.merchant_id}:{self.user_id}"


class ItemType(models.TextChoices):
    GOODS = "goods", _("兑宝贝")
    DISCOUNT = "discount", _("换优惠")
    SERVICE = "service", _("惠服务")


class Item(ScopedModel, TimeStampedModel):
    merchant = models.ForeignKey(Merchant, verbose_name=_("商户"), on_delete=models.PROTECT, related_name="items")
    title = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    item_type = models.CharField(_("类型"), max_length=10, choices=ItemType)
    kind = models.CharField(_("积分类别"), max_length=10, choices=Kind)
    price = models.PositiveIntegerField(_("所需积分"))
    stock = models.PositiveIntegerField(_("库存"))
    per_person = models.PositiveIntegerField(_("每人限兑"), default=1)
    valid_from = models.DateField(_("兑换开始"))
    valid_until = models.DateField(_("有效期至"))
    active = models.BooleanField(_("上架"), default=True)

    class Meta:
        ordering = ["price", "pk"]
        verbose_name = _("积分商品")
        verbose_name_plural = _("积分商品")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=1), name="points_item_price_positive"),
            models.CheckConstraint(condition=~Q(kind="time"), name="points_item_not_time"),
        ]

    def __str__(self):
        return self.title


class Redemption(ScopedModel):
    class Status(models.TextChoices):
        ISSUED = "issued", _("待核销")
        USED = "used", _("已核销")
        CANCELLED = "cancelled", _("已取消")

    item = models.ForeignKey(Item, verbose_name=_("商品"), on_delete=models.PROTECT, related_name="redemptions")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("兑换人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("积分类别"), max_length=10, choices=Kind)
    price = models.PositiveIntegerField(_("积分"))
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.ISSUED)
    created_at = models.DateTimeField(_("兑换时间"))
    used_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("兑换记录")
        verbose_name_plural = _("兑换记录")
        indexes = [models.Index(fields=["user", "item", "status"], name="points_redemption_user")]


class Help(ScopedModel):
    """时间银行: `giver` helped `receiver` for `minutes`; one side records it, the other confirms, and
    the minutes move from the receiver's account to the giver's (zero-sum)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待对方确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已拒绝")

    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("帮助人"), on_delete=models.PROTECT, related_name="+"
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("受助人"), on_delete=models.PROTECT, related_name="+"
    )
    minutes = models.PositiveIntegerField(_("时长（分钟）"))
    what = models.CharField(_("帮助内容"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.PROPOSED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("时间银行记录")
        verbose_name_plural = _("时间银行记录")
