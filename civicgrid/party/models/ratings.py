"""五优 / star ratings: indicator sets per field (领域) as data — the indicators with their points,
positive items and deductions (负面清单), and the quarter's thresholds (升星线, 降星线, top N); a rating
per branch per quarter whose items carry the branch's evidence and the reviewer's score; closing a
quarter moves each scored branch's stars by one and selects the field's top N."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import TimeStampedModel
from civicgrid.party.models.files import StoredFile
from civicgrid.party.models.org import Field, Organisation

__all__ = [
    "IndicatorKind",
    "IndicatorSet",
    "Indicator",
    "RatingStatus",
    "Rating",
    "RatingItem",
    "RatingFile",
    "QuarterClose",
]


class IndicatorSet(TimeStampedModel):
    """指标体系: the indicators a field's branches are rated by, from `valid_from` on, with the
    thresholds a quarter's score is held against."""

    field = models.CharField(_("领域"), max_length=16, choices=Field)
    name = models.CharField(_("名称"), max_length=100)
    valid_from = models.DateField(_("启用日期"))
    is_active = models.BooleanField(_("启用"), default=True)
    up_at = models.DecimalField(_("升星线"), max_digits=5, decimal_places=1, default=90)
    down_below = models.DecimalField(_("降星线"), max_digits=5, decimal_places=1, default=60)
    select_top = models.PositiveSmallIntegerField(_("每季度评选数"), default=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["field", "-valid_from", "pk"]
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")

    def __str__(self):
        return self.name


class IndicatorKind(models.TextChoices):
    POSITIVE = "positive", _("加分项")
    NEGATIVE = "negative", _("扣分项（负面清单）")


class Indicator(models.Model):
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系"), on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    title = models.CharField(_("指标"), max_length=100)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    kind = models.CharField(_("类型"), max_length=8, choices=IndicatorKind, default=IndicatorKind.POSITIVE)
    evidence_required = models.BooleanField(_("须提交佐证"), default=True)
    hint = models.CharField(_("评分说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator_set", "order", "pk"]
        verbose_name = _("评定指标")
        verbose_name_plural = _("评定指标")

    def __str__(self):
        return self.title


class RatingStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("待评审")
    RETURNED = "returned", _("退回补充")
    SCORED = "scored", _("已评分")


class Rating(TimeStampedModel):
    """One branch's rating for one quarter."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="ratings"
    )
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    status = models.CharField(_("状态"), max_length=12, choices=RatingStatus, default=RatingStatus.DRAFT)
    total = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    stars_before = models.PositiveSmallIntegerField(_("评定前星级"), null=True, blank=True)
    stars_after = models.PositiveSmallIntegerField(_("评定后星级"), null=True, blank=True)
    change_reason = models.CharField(_("升降星理由"), max_length=200, blank=True)
    selected = models.BooleanField(_("入选"), default=False)
    return_note = models.CharField(_("退回意见"), max_length=500, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(_("评审完成时间"), null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评审人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("结算时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "organisation__path"]
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "quarter"], name="party_rating_once_a_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="party_rating_quarter_1_4"),
        ]
        indexes = [models.Index(fields=["year", "quarter", "status"])]

    def __str__(self):
        return f"{self.organisation} {self.label}"

    @property
    def label(self):
        return f"{self.year}Q{self.quarter}"


class RatingItem(models.Model):
    """One indicator of a rating: the branch's evidence and the reviewer's score (a positive item
    earns 0..points; a negative item deducts 0..points)."""

    rating = models.ForeignKey(Rating, verbose_name=_("星级评定"), on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    evidence = models.TextField(_("佐证说明"), max_length=2000, blank=True)
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.CharField(_("评审意见"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评审人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("评审时间"), null=True, blank=True)

    class Meta:
        ordering = ["rating", "indicator__order", "indicator_id"]
        verbose_name = _("评定项")
        verbose_name_plural = _("评定项")
        constraints = [
            models.UniqueConstraint(fields=["rating", "indicator"], name="party_rating_item_once"),
        ]

    def __str__(self):
        return f"{self.rating_id}/{self.indicator_id}"


class RatingFile(StoredFile):
    """A picture or PDF document of an item's evidence, checked by content and kept in the private
    attachment storage under a random name; only the rating file view serves it."""

    item = models.ForeignKey(RatingItem, verbose_name=_("评定项"), on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["item", "pk"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")


class QuarterClose(models.Model):
    """季度结算: one close of a field's quarter by a reviewer (a quarter may be closed again for
    ratings scored later; a rating's stars move once)."""

    field = models.CharField(_("领域"), max_length=16, choices=Field)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("结算人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("结算时间"))
    ratings = models.PositiveIntegerField(_("结算评定数"), default=0)
    moved = models.PositiveIntegerField(_("星级变动数"), default=0)
    selected = models.PositiveIntegerField(_("入选数"), default=0)

    class Meta:
        ordering = ["-closed_at", "-pk"]
        verbose_name = _("季度结算")
        verbose_name_plural = _("季度结算")

    def __str__(self):
        return f"{self.field} {self.label}"

    @property
    def label(self):
        return f"{self.year}Q{self.quarter}"
