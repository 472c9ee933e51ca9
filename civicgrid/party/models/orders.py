"""Orders that sinking units take (社区线上派单、第一书记接单、平台审核赋分): a community posts an
order (红色星期五, 共驻共建, 基层难题破解…) with a need, a deadline and suggested points, perhaps
made from a resident's case; a department's unit, a first secretary (counting for the department
that sent them) or a 双报到 member registered with the community takes it, reports what was done
with photos, and the street audits: approves with points, or returns it for more.

Status: open → taken → reported → approved / returned (the taker reports again); an open order can
be cancelled by its community, and an open order past its deadline is expired (shown at once,
recorded by the job `expire_orders`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel
from civicgrid.party.models.files import StoredFile
from civicgrid.regions.models import Department, Region

__all__ = [
    "Order",
    "OrderKind",
    "OrderPhoto",
    "OrderStatus",
    "OrderStep",
    "TakerKind",
    "WORKING",
]


class OrderKind(models.TextChoices):
    RED_FRIDAY = "red_friday", _("红色星期五")
    CO_BUILD = "co_build", _("共驻共建")
    PROBLEM = "problem", _("基层难题破解")
    OTHER = "other", _("其他")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("待接单")
    TAKEN = "taken", _("已接单")
    REPORTED = "reported", _("待审核")
    APPROVED = "approved", _("已赋分")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已撤销")
    EXPIRED = "expired", _("已过期")


# The taker works on the order (reports) in these.
WORKING = (OrderStatus.TAKEN, OrderStatus.RETURNED)


class TakerKind(models.TextChoices):
    UNIT = "unit", _("下沉单位")
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    MEMBER = "member", _("报到党员")


class Order(ScopedModel, TimeStampedModel):
    """One order of a community (`region_code` is the community's code)."""

    community = models.ForeignKey(Region, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=OrderKind, default=OrderKind.RED_FRIDAY)
    title = models.CharField(_("标题"), max_length=100)
    need = models.TextField(_("需求说明"), max_length=2000)
    deadline = models.DateField(_("截止日期"))
    points_offered = models.PositiveSmallIntegerField(_("建议分值"), default=0)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("来源案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=16, choices=OrderStatus, default=OrderStatus.OPEN, db_index=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("派单人"), on_delete=models.PROTECT, related_name="+"
    )
    taker_kind = models.CharField(_("接单方类型"), max_length=16, choices=TakerKind, blank=True)
    taker_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接单人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taker_department = models.ForeignKey(
        Department, verbose_name=_("接单单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taker_post = models.ForeignKey(
        "party.Post", verbose_name=_("第一书记职务"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taker_member = models.ForeignKey(
        "party.Member", verbose_name=_("报到党员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    report = models.TextField(_("完成情况"), max_length=2000, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    audited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    audited_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    points = models.PositiveSmallIntegerField(_("赋分"), null=True, blank=True)
    audit_comment = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("派单")
        verbose_name_plural = _("派单")
        indexes = [
            models.Index(fields=["status", "region_code"]),
            models.Index(fields=["status", "audited_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(status="approved"), name="party_order_points_only_approved"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        from django.utils import timezone

        return self.status == OrderStatus.OPEN and self.deadline < timezone.localdate()

    @property
    def shown_status(self):
        """The status as people see it: an open order past its deadline is expired at once."""
        return OrderStatus.EXPIRED if self.is_overdue else OrderStatus(self.status)

    @property
    def shown_status_label(self):
        return self.shown_status.label


class OrderStep(models.Model):
    """The order's history: posted, taken, reported, approved, returned, cancelled, expired."""

    order = models.ForeignKey(Order, verbose_name=_("派单"), on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("状态"), max_length=16, choices=OrderStatus)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("派单记录")
        verbose_name_plural = _("派单记录")

    def __str__(self):
        return f"{self.order_id} {self.status}"


class OrderPhoto(StoredFile):
    """A photo of the taker's report: checked and re-encoded as case photos are
    (civicgrid.cases.uploads), kept in the private attachment storage; only the order's photo view
    serves it."""

    order = models.ForeignKey(Order, verbose_name=_("派单"), on_delete=models.CASCADE, related_name="photos")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("派单照片")
        verbose_name_plural = _("派单照片")
