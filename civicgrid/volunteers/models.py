"""Volunteering (志愿服务) and micro-wishes (微心愿).

A `Volunteer` is a resident account registered in its community, linked to a person of base data
(people.selectors.resident_identity: the person's id only, never shown) and verified by community
staff. Teams (`Team`) sit on three levels mapped to the region tree: a street's 街道支队, a
community's 社区分队 and a grid's (a compound's) 小区小分队, each with its service items and posts.
A `Project` groups shifts; a shift is an activity of kind "volunteer_shift" (civicgrid.activities:
one sign-up, check-in, check-out and hours implementation), linked here by `Shift`.

A `Wish` is a resident's micro-wish: checked by community staff before it shows on the wall,
claimed by a volunteer, a team, an enterprise or an organisation (`Partner`), fulfilled with a
photo and confirmed by the resident. `Feedback` is what the person served says about a volunteer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel

SHIFT_KIND = "volunteer_shift"

SKILLS = (
    ("elderly", _("助老陪伴")),
    ("children", _("儿童看护")),
    ("medical", _("医疗护理")),
    ("repair", _("家电维修")),
    ("teaching", _("文化教育")),
    ("law", _("法律咨询")),
    ("patrol", _("治安巡逻")),
    ("environment", _("环境保护")),
    ("culture", _("文艺宣传")),
    ("driving", _("驾驶")),
)
AVAILABILITY = (
    ("weekday_am", _("工作日上午")),
    ("weekday_pm", _("工作日下午")),
    ("weekday_eve", _("工作日晚上")),
    ("weekend_am", _("周末上午")),
    ("weekend_pm", _("周末下午")),
    ("weekend_eve", _("周末晚上")),
)


class TeamLevel(models.TextChoices):
    STREET = "street", _("街道支队")
    COMMUNITY = "community", _("社区分队")
    COMPOUND = "compound", _("小区小分队")


class Team(ScopedModel, TimeStampedModel):
    name = models.CharField(_("队伍名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=10, choices=TeamLevel)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级队伍"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(_("队伍简介"), blank=True)
    # 服务项目清单 and 岗位清单: short lines of text.
    service_items = models.JSONField(_("服务项目"), default=list, blank=True)
    posts = models.JSONField(_("服务岗位"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region_code", "name", "pk"]
        verbose_name = _("志愿队伍")
        verbose_name_plural = _("志愿队伍")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="volunteers_team_name")]

    def __str__(self):
        return self.name


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    VERIFIED = "verified", _("已认证")
    REJECTED = "rejected", _("未通过")


class Volunteer(ScopedModel, TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="volunteer"
    )
    # The community the volunteer registered in (region_code is its code).
    region = models.ForeignKey("regions.Region", verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+")
    # The base-data person (people.Person id, from resident_identity): the link, never shown.
    person_id = models.PositiveBigIntegerField(_("基础信息人员"), null=True, blank=True)
    skills = models.JSONField(_("技能特长"), default=list, blank=True)
    availability = models.JSONField(_("可服务时间"), default=list, blank=True)
    intro = models.CharField(_("个人简介"), max_length=300, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("所在队伍"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(_("状态"), max_length=10, choices=VolunteerStatus, default=VolunteerStatus.PENDING)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hours_total = models.DecimalField(_("累计服务时长"), max_digits=8, decimal_places=2, default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self):
        return self.user.display_name


class Project(ScopedModel, TimeStampedModel):
    title = models.CharField(_("项目名称"), max_length=100)
    description = models.TextField(_("项目介绍"), blank=True)
    team = models.ForeignKey(Team, verbose_name=_("负责队伍"), null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey("regions.Region", verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="+")
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("志愿项目")
        verbose_name_plural = _("志愿项目")

    def __str__(self):
        return self.title


class Shift(ScopedModel):
    """A project's shift: the activity (kind volunteer_shift) that runs its sign-up and check-in."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="shifts")
    activity = models.OneToOneField("activities.Activity", on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("岗位"), max_length=60, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("志愿班次")
        verbose_name_plural = _("志愿班次")


class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    ORGANISATION = "organisation", _("社会组织")


class Partner(ScopedModel, TimeStampedModel):
    """An enterprise or organisation that claims wishes (recorded by community staff)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=PartnerKind)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "kind", "name"], name="volunteers_partner_one_name")
        ]

    def __str__(self):
        return self.name


class WishStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    REJECTED = "rejected", _("未通过")
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("待确认")
    CONFIRMED = "confirmed", _("已实现")
    WITHDRAWN = "withdrawn", _("已撤回")


class ClaimerKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("志愿者")
    TEAM = "team", _("志愿队伍")
    ENTERPRISE = "enterprise", _("企业")
    ORGANISATION = "organisation", _("社会组织")


class Wish(ScopedModel, TimeStampedModel):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("心愿"), max_length=60)
    description = models.TextField(_("心愿说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=WishStatus, default=WishStatus.PENDING)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimer_kind = models.CharField(_("认领方类型"), max_length=12, choices=ClaimerKind, blank=True)
    claimer_volunteer = models.ForeignKey(Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claimer_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claimer_partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claimer_name = models.CharField(_("认领方"), max_length=100, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    fulfil_note = models.CharField(_("实现说明"), max_length=300, blank=True)
    fulfilled_at = models.DateTimeField(_("实现时间"), null=True, blank=True)
    photo = models.CharField(max_length=300, blank=True)
    photo_thumb = models.CharField(max_length=300, blank=True)
    photo_type = models.CharField(max_length=40, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        indexes = [models.Index(fields=["status", "region_code"], name="volunteers_wish_status")]

    def __str__(self):
        return self.title


class Feedback(ScopedModel):
    """Feedback from someone served: the wish's author about whoever fulfilled it (a volunteer)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="feedback")
    wish = models.OneToOneField(Wish, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        constraints = [models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="volunteers_stars_range")]
