"""便民服务 (issue 17, item 5): the district's directory of government-service links and guides, the
craftsmen (能工巧匠) residents call online, and their small orders. Shops near a resident's home are
read from base data (people.Enterprise), not copied here."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ChoiceLabels, ScopedModel


class LinkCategory(models.TextChoices):
    HOUSING_FUND = "housing_fund", _("公积金")
    MAINTENANCE_FUND = "maintenance_fund", _("维修资金")
    SOCIAL_SECURITY = "social_security", _("社保")
    PENSION = "pension", _("养老金")
    MEDICAL = "medical", _("医保")
    CIVIL = "civil", _("民政")
    OTHER = "other", _("其他")


class ServiceLink(ScopedModel, ChoiceLabels):
    """One government service kept by the district (or a street) for everyone under it: a guide in
    plain text and, optionally, a link (http or https only; on an intranet it may be internal)."""

    category = models.CharField(_("类别"), max_length=20, choices=LinkCategory, default=LinkCategory.OTHER)
    title = models.CharField(_("标题"), max_length=100)
    guide = models.TextField(_("办事指南"), max_length=4000, blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    office = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办公时间"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_published = models.BooleanField(_("已发布"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        ordering = ["category", "order", "pk"]
        verbose_name = _("服务指南")
        verbose_name_plural = _("服务指南")

    def __str__(self):
        return self.title


class Skill(models.TextChoices):
    PLUMBING = "plumbing", _("水电维修")
    APPLIANCE = "appliance", _("家电维修")
    LOCKS = "locks", _("开锁换锁")
    DRAINS = "drains", _("管道疏通")
    CARPENTRY = "carpentry", _("木工")
    SEWING = "sewing", _("缝补")
    HAIRCUT = "haircut", _("理发")
    CLEANING = "cleaning", _("家政保洁")
    PHONES = "phones", _("手机电脑维修")
    OTHER = "other", _("其他")


class CraftsmanStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实")
    SUSPENDED = "suspended", _("已暂停")


class Craftsman(ScopedModel, ChoiceLabels):
    """能工巧匠: a neighbour who does small repairs, serving a region's subtree (`region_code`: the
    service area). Community staff verify (or suspend) them; a craftsman may be linked to a user
    account (by the account's phone) and then answers orders on their phone."""

    name = models.CharField(_("姓名"), max_length=50)
    # ",plumbing,locks," — a skill filter is one LIKE on both databases.
    skills = models.CharField(_("技能"), max_length=200)
    introduction = models.CharField(_("简介"), max_length=300, blank=True)
    availability = models.CharField(_("服务时间"), max_length=100, blank=True)
    is_available = models.BooleanField(_("接单中"), default=True)
    area = models.ForeignKey("regions.Region", verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="+")
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True)
    phone_hash = models.CharField(_("联系电话（检索摘要）"), max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关联账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="craftsman",
    )
    status = models.CharField(_("状态"), max_length=16, choices=CraftsmanStatus, default=CraftsmanStatus.PENDING)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    rating_sum = models.PositiveIntegerField(_("评分合计"), default=0)
    rating_count = models.PositiveIntegerField(_("评价数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["region_code", "name", "pk"]
        verbose_name = _("能工巧匠")
        verbose_name_plural = _("能工巧匠")

    def __str__(self):
        return self.name

    @property
    def skill_list(self):
        return [code for code in self.skills.split(",") if code]

    @property
    def skill_labels(self):
        labels = dict(Skill.choices)
        return [labels.get(code, code) for code in self.skill_list]

    @property
    def average_rating(self):
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


class OrderStatus(models.TextChoices):
    REQUESTED = "requested", _("待接单")
    ACCEPTED = "accepted", _("已接单")
    DECLINED = "declined", _("已婉拒")
    CANCELLED = "cancelled", _("已取消")
    COMPLETED = "completed", _("已完成")


class CraftsmanOrder(ScopedModel, ChoiceLabels):
    """A resident's call to a craftsman (小修小补): what, where (their home), when they would like it.
    One action per state: the craftsman accepts or declines a requested order (the resident may
    cancel it until then), completes an accepted one, and the resident rates a completed one once.
    `region_code` is the resident's community (staff of its subtree see the order)."""

    craftsman = models.ForeignKey(Craftsman, verbose_name=_("师傅"), on_delete=models.PROTECT, related_name="orders")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("居民"), on_delete=models.PROTECT, related_name="craftsman_orders"
    )
    what = models.CharField(_("需要做什么"), max_length=300)
    address = models.CharField(_("上门地址"), max_length=200)
    preferred_time = models.DateTimeField(_("期望时间"))
    status = models.CharField(_("状态"), max_length=16, choices=OrderStatus, default=OrderStatus.REQUESTED)
    created_at = models.DateTimeField(_("下单时间"), default=timezone.now)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.CharField(_("婉拒原因"), max_length=200, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评分"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("评价"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("服务订单")
        verbose_name_plural = _("服务订单")
        indexes = [models.Index(fields=["region_code", "created_at"], name="services_order_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="services_rating_1_to_5"
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.craftsman_id} · {self.what[:20]}"
