"""Property services (物业服务): repairs, fee records, and the ratings behind the red/black list.

- A property company (people.PropertyCompany) works repairs as a department of kind "property"
  (CompanyDepartment); its staff hold the PROPERTY_STAFF role on that department and see only the
  compounds their company serves.
- A repair (物业报修) is a case of the cases app (a category whose department kind is "property"),
  routed to the compound's company; Repair links the case to its compound and house.
- Bills (物业费、停车费) per house, kind and period: paid / unpaid / disputed. Payment is recorded,
  never taken here.
- Ratings per period (a street's assessment): the weights are data on the period; each company's
  street and expert marks, residents' survey answers (one per household) and the resulting score,
  rank and list (red / black), published with reasons.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicgrid.cases.models import Case
from civicgrid.core.models import ScopedModel, TimeStampedModel
from civicgrid.people.models import Compound, House, PropertyCompany
from civicgrid.regions.models import Department, Region


class CompanyDepartment(TimeStampedModel):
    """The department through which a property company takes its compounds' repairs."""

    company = models.OneToOneField(
        PropertyCompany, verbose_name=_("物业公司"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.OneToOneField(
        Department, verbose_name=_("报修受理部门"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("物业公司受理部门")
        verbose_name_plural = _("物业公司受理部门")

    def __str__(self):
        return str(self.company)


class RepairPlace(models.TextChoices):
    HOUSE = "house", _("自家房屋")
    COMMON = "common", _("公共区域")


class Repair(ScopedModel, TimeStampedModel):
    """A property repair: the case (cases app) and where it is."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(PropertyCompany, verbose_name=_("物业公司"), on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("报修位置"), max_length=8, choices=RepairPlace, default=RepairPlace.HOUSE)
    house = models.ForeignKey(
        House, verbose_name=_("房屋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    spot = models.CharField(_("公共区域位置"), max_length=100, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报修人"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("报修时间"), db_index=True)
    # When the community was told the repair ran over its time limit (escalate_overdue_repairs).
    escalated_at = models.DateTimeField(_("超时转社区时间"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("物业报修")
        verbose_name_plural = _("物业报修")
        indexes = [models.Index(fields=["company", "reported_at"])]

    def __str__(self):
        return f"{self.compound} #{self.case_id}"


class FeeKind(models.TextChoices):
    PROPERTY = "property", _("物业费")
    PARKING = "parking", _("停车费")


class BillStatus(models.TextChoices):
    UNPAID = "unpaid", _("未缴")
    PAID = "paid", _("已缴")
    DISPUTED = "disputed", _("有争议")


class Bill(ScopedModel, TimeStampedModel):
    """One house's fee of one kind for one period (e.g. "2026" or "2026-11"). `region_code` is the
    house's (its grid)."""

    house = models.ForeignKey(House, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("费用类型"), max_length=16, choices=FeeKind)
    period = models.CharField(_("账期"), max_length=7, help_text=_("如 2026 或 2026-11"))
    amount = models.DecimalField(
        _("应缴金额（元）"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000000"))],
    )
    status = models.CharField(_("状态"), max_length=16, choices=BillStatus, default=BillStatus.UNPAID, db_index=True)
    paid_at = models.DateField(_("缴费日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("最近修改人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["compound", "house", "kind", "-period"]
        verbose_name = _("物业账单")
        verbose_name_plural = _("物业账单")
        constraints = [models.UniqueConstraint(fields=["house", "kind", "period"], name="property_bill_unique")]
        indexes = [models.Index(fields=["compound", "status"])]

    def __str__(self):
        return f"{self.house_id} {self.get_kind_display()} {self.period}"


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("评分中")
    PUBLISHED = "published", _("已发布")


class RatingPeriod(ScopedModel, TimeStampedModel):
    """One round of rating the property companies serving a street (e.g. "2026 年第四季度"), with
    its weights as data (percentages summing to 100) and the list thresholds."""

    street = models.ForeignKey(Region, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=50)
    street_weight = models.PositiveSmallIntegerField(_("街道考核权重（%）"), default=50)
    survey_weight = models.PositiveSmallIntegerField(_("居民满意度权重（%）"), default=30)
    expert_weight = models.PositiveSmallIntegerField(_("专家评审权重（%）"), default=20)
    red_at = models.DecimalField(_("红榜分数线"), max_digits=5, decimal_places=1, default=Decimal("90"))
    black_below = models.DecimalField(_("黑榜分数线（低于）"), max_digits=5, decimal_places=1, default=Decimal("60"))
    status = models.CharField(_("状态"), max_length=16, choices=PeriodStatus, default=PeriodStatus.OPEN)
    survey_open = models.BooleanField(_("接受居民问卷"), default=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("物业考评期")
        verbose_name_plural = _("物业考评期")
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="property_period_unique")]

    def __str__(self):
        return self.name


class ListMark(models.TextChoices):
    NONE = "", _("未上榜")
    RED = "red", _("红榜")
    BLACK = "black", _("黑榜")


class CompanyRating(TimeStampedModel):
    """A company's marks and result in one period."""

    period = models.ForeignKey(RatingPeriod, verbose_name=_("考评期"), on_delete=models.CASCADE, related_name="ratings")
    company = models.ForeignKey(PropertyCompany, verbose_name=_("物业公司"), on_delete=models.PROTECT, related_name="+")
    street_score = models.DecimalField(_("街道考核分"), max_digits=5, decimal_places=1, null=True, blank=True)
    expert_score = models.DecimalField(_("专家评审分"), max_digits=5, decimal_places=1, null=True, blank=True)
    survey_score = models.DecimalField(_("居民满意度分"), max_digits=5, decimal_places=1, null=True, blank=True)
    survey_count = models.PositiveIntegerField(_("问卷户数"), default=0)
    total = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("排名"), null=True, blank=True)
    mark = models.CharField(_("榜单"), max_length=8, choices=ListMark, default=ListMark.NONE, blank=True)
    reason = models.CharField(_("上榜理由"), max_length=300, blank=True)
    # Repairs' figures in the period, frozen at publication (shown beside the score).
    repairs = models.PositiveIntegerField(_("报修件数"), default=0)
    on_time_rate = models.DecimalField(_("按时办结率"), max_digits=5, decimal_places=1, null=True, blank=True)
    satisfaction_rate = models.DecimalField(_("满意率"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["period", "rank", "company__name"]
        verbose_name = _("物业公司考评")
        verbose_name_plural = _("物业公司考评")
        constraints = [models.UniqueConstraint(fields=["period", "company"], name="property_rating_unique")]

    def __str__(self):
        return f"{self.period} {self.company}"


class SurveyAnswer(TimeStampedModel):
    """A household's answer to a period's survey about its compound's company (one per household;
    the answer is kept under the household's id only, never the person)."""

    period = models.ForeignKey(RatingPeriod, verbose_name=_("考评期"), on_delete=models.CASCADE, related_name="answers")
    company = models.ForeignKey(PropertyCompany, verbose_name=_("物业公司"), on_delete=models.PROTECT, related_name="+")
    household_id = models.PositiveBigIntegerField(_("户"))
    service = models.PositiveSmallIntegerField(_("服务态度"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    cleanliness = models.PositiveSmallIntegerField(
        _("环境卫生"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    repairs = models.PositiveSmallIntegerField(_("维修及时"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    safety = models.PositiveSmallIntegerField(_("安全秩序"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("意见建议"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("物业满意度问卷")
        verbose_name_plural = _("物业满意度问卷")
        constraints = [
            models.UniqueConstraint(fields=["period", "household_id"], name="property_survey_one_per_household")
        ]

    @property
    def score(self):
        """0–100: the four answers' mean on a 1–5 scale."""
        return Decimal((self.service + self.cleanliness + self.repairs + self.safety) * 5)
