"""小区治理: star classes, rectification ledgers, old-compound renovation and the five parties.

Every row carries the `region_code` of its compound's community (a copy kept by the actions), so
staff reach it through `restrict(user, action)`; residents reach only their own compound's public
figures through the selectors (their compound comes from base data, people.selectors.resident_home).

- `StarCriterion`: what a class requires (data, per level 1–5); `CompoundClass`: a compound's current
  class; `StarRise`: a request to rise one class (转化提星) — requested by the community with the
  criteria it meets, confirmed by a reviewer (street staff), which is the class history.
- `StreetTarget`: a street's yearly target of rises (Yanji: ten per street a year).
- `RectificationItem`: the 一区一案 ledger — problem, measure, owner, due date, evidence, 整改销号.
- `Party`: the five parties (五方协同) attached to a compound, contact phones stored masked only.
- `RenovationProject` (老旧院落改造, one per compound) with `CommitteeMember`s, `Milestone`s,
  `ProjectFile`s (plan documents and milestone photos), the fund ledger (`Pledge` per household,
  shown by house number only, and its `Payment`s) and residents' `SupervisionReport`s (each a case).
- `CompoundCase`: which case belongs to which compound (filled from the case loop's events), for
  the open-case and 12345 counts.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel

MAX_STAR = 5


class StarCriterion(models.Model):
    level = models.PositiveSmallIntegerField(_("星级"))
    seq = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("标准"), max_length=200)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["level", "seq", "pk"]
        verbose_name = _("星级标准")
        verbose_name_plural = _("星级标准")
        constraints = [models.CheckConstraint(condition=Q(level__gte=1, level__lte=MAX_STAR), name="compounds_level")]

    def __str__(self):
        return f"{self.level}★ {self.text}"


class CompoundClass(ScopedModel):
    """A compound's current star class (0 = not rated); written only by a confirmed rise."""

    compound = models.OneToOneField("people.Compound", on_delete=models.CASCADE, related_name="+")
    star = models.PositiveSmallIntegerField(_("星级"), default=0)
    since = models.DateTimeField(_("评定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("小区星级")
        verbose_name_plural = _("小区星级")

    def __str__(self):
        return f"{self.compound_id}:{self.star}"


class RiseStatus(models.TextChoices):
    REQUESTED = "requested", _("待确认")
    CONFIRMED = "confirmed", _("已提星")
    REFUSED = "refused", _("未通过")


class StarRise(ScopedModel):
    compound = models.ForeignKey("people.Compound", verbose_name=_("小区"), on_delete=models.CASCADE, related_name="+")
    street_code = models.CharField(max_length=40, db_index=True)
    from_star = models.PositiveSmallIntegerField(_("原星级"))
    to_star = models.PositiveSmallIntegerField(_("申请星级"))
    criteria_met = models.JSONField(_("达标标准"), default=list)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RiseStatus, default=RiseStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("转化提星")
        verbose_name_plural = _("转化提星")
        constraints = [
            models.UniqueConstraint(
                fields=["compound"], condition=Q(status="requested"), name="compounds_one_open_rise"
            )
        ]

    def __str__(self):
        return f"{self.compound_id}:{self.from_star}->{self.to_star}"


class StreetTarget(ScopedModel):
    """A street's target of compounds rising a class in a year (region_code = the street's code)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    target = models.PositiveSmallIntegerField(_("目标数"), default=10)

    class Meta:
        verbose_name = _("街道提星目标")
        verbose_name_plural = _("街道提星目标")
        constraints = [models.UniqueConstraint(fields=["region_code", "year"], name="compounds_one_target")]

    def __str__(self):
        return f"{self.region_code}:{self.year}"


class ItemStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已销号")


class RectificationItem(ScopedModel, TimeStampedModel):
    compound = models.ForeignKey("people.Compound", verbose_name=_("小区"), on_delete=models.CASCADE, related_name="+")
    problem = models.CharField(_("问题"), max_length=300)
    measure = models.CharField(_("整改措施"), max_length=500)
    owner = models.CharField(_("责任人"), max_length=50)
    due_date = models.DateField(_("完成时限"))
    evidence = models.CharField(_("整改佐证"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus, default=ItemStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "pk"]
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")

    def __str__(self):
        return self.problem


class PartyKind(models.TextChoices):
    BRANCH = "branch", _("小区党支部")
    GRID = "grid", _("网格")
    OWNERS = "owners", _("业主委员会")
    PROPERTY = "property", _("物业企业")
    SOCIAL = "social", _("社会组织")


class Party(ScopedModel):
    compound = models.ForeignKey("people.Compound", verbose_name=_("小区"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=PartyKind)
    name = models.CharField(_("名称"), max_length=100)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    # Only the masked form is kept: the page shows nothing more.
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        ordering = ["compound", "kind", "pk"]
        verbose_name = _("协同单位")
        verbose_name_plural = _("协同单位")

    def __str__(self):
        return self.name


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", _("方案征集")
    BUILDING = "building", _("施工中")
    DONE = "done", _("已完工")


class RenovationProject(ScopedModel, TimeStampedModel):
    compound = models.OneToOneField(
        "people.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("项目名称"), max_length=100)
    plan = models.TextField(_("改造方案"), blank=True)
    contractor = models.CharField(_("施工单位"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ProjectStatus, default=ProjectStatus.PLANNING)
    fund_target = models.DecimalField(_("居民自筹目标（元）"), max_digits=12, decimal_places=2, default=0)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="+"
    )
    poll_id = models.PositiveIntegerField(_("意见征集"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("老旧院落改造")
        verbose_name_plural = _("老旧院落改造")

    def __str__(self):
        return self.title


class CommitteeMember(ScopedModel):
    project = models.ForeignKey(RenovationProject, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    duty = models.CharField(_("职务"), max_length=50)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("自治委员会成员")
        verbose_name_plural = _("自治委员会成员")

    def __str__(self):
        return self.name


class Milestone(ScopedModel):
    project = models.ForeignKey(RenovationProject, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=100)
    due_date = models.DateField(_("计划日期"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("改造节点")
        verbose_name_plural = _("改造节点")

    def __str__(self):
        return self.title


class FileKind(models.TextChoices):
    PLAN = "plan", _("方案图纸")
    PHOTO = "photo", _("施工照片")


class ProjectFile(ScopedModel):
    project = models.ForeignKey(RenovationProject, on_delete=models.CASCADE, related_name="files")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=FileKind)
    title = models.CharField(_("标题"), max_length=100, blank=True)
    file = models.CharField(max_length=300)
    thumbnail = models.CharField(max_length=300, blank=True)
    content_type = models.CharField(max_length=40)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title or self.file


class Pledge(ScopedModel):
    """One household's pledge to the renovation fund; `house_label` (the house number) is all the
    public ledger shows of it."""

    project = models.ForeignKey(RenovationProject, on_delete=models.CASCADE, related_name="pledges")
    household_id = models.PositiveIntegerField()
    house_label = models.CharField(_("房号"), max_length=100)
    pledged = models.DecimalField(_("认筹金额（元）"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("已缴金额（元）"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["house_label", "pk"]
        verbose_name = _("认筹")
        verbose_name_plural = _("认筹")
        constraints = [
            models.UniqueConstraint(fields=["project", "household_id"], name="compounds_one_pledge"),
            models.CheckConstraint(condition=Q(paid__gte=0), name="compounds_paid_positive"),
        ]

    def __str__(self):
        return self.house_label


class Payment(ScopedModel):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("缴款记录")
        verbose_name_plural = _("缴款记录")

    def __str__(self):
        return f"{self.pledge_id}:{self.amount}"


class SupervisionKind(models.TextChoices):
    DESIGN = "design", _("设计问题")
    QUALITY = "quality", _("质量问题")
    DISTURBANCE = "disturbance", _("扰民问题")
    SAFETY = "safety", _("安全问题")


class SupervisionReport(ScopedModel):
    project = models.ForeignKey(RenovationProject, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("类别"), max_length=12, choices=SupervisionKind)
    case_id = models.PositiveIntegerField()
    case_number = models.CharField(max_length=20)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at", "-pk"]

    def __str__(self):
        return self.case_number


class CompoundCase(ScopedModel):
    """A case placed in a compound (its point near one of the compound's buildings, or filed here)."""

    compound = models.ForeignKey("people.Compound", on_delete=models.CASCADE, related_name="+")
    case_id = models.PositiveIntegerField(unique=True)
    number = models.CharField(max_length=20)
    title = models.CharField(max_length=100)
    hotline = models.BooleanField(default=False)
    is_open = models.BooleanField(default=True)
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["compound", "is_open"], name="compounds_case_open")]

    def __str__(self):
        return self.number
