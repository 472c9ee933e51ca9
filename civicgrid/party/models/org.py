"""Party organisations and their people: the tree (党委 → 党总支 → 党支部 → 党小组) attached to
region nodes, grids and compounds (支部建在网格上, 三合一); the posts held in an organisation
(secretary, instructor, first secretary…), which are this app's roles; members, linked to persons
of base data, with their transfers; and 双报到 registrations of members working elsewhere with the
community they live in.

Membership is sensitive: only party-affairs posts see it (civicgrid.party.policy)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel
from civicgrid.regions.models import Department, Region


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


# A child sits lower than its parent in this order (a 党小组 under a 党支部, never the reverse).
KIND_RANK = {OrgKind.COMMITTEE: 0, OrgKind.GENERAL_BRANCH: 1, OrgKind.BRANCH: 2, OrgKind.GROUP: 3}


class Field(models.TextChoices):
    """领域: the field a branch is rated in (each field has its own indicator set and top N)."""

    COMMUNITY = "community", _("城市社区")
    RURAL = "rural", _("农村")
    ORGAN = "organ", _("机关")
    INSTITUTION = "institution", _("事业单位")
    ENTERPRISE = "enterprise", _("非公企业")
    SOCIAL = "social", _("社会组织")


MAX_STARS = 5


class Organisation(ScopedModel, TimeStampedModel):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind)
    field = models.CharField(_("领域"), max_length=16, choices=Field, default=Field.COMMUNITY)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/1/5/9/": the ids from the root down to this one, so a subtree is one prefix condition.
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)
    region = models.ForeignKey(Region, verbose_name=_("所在区划网格"), on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "people.Compound",
        verbose_name=_("所在小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stars = models.PositiveSmallIntegerField(_("星级"), default=0)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="party_org_unique_name_under_parent"),
            models.CheckConstraint(condition=Q(stars__lte=MAX_STARS), name="party_org_stars_at_most_five"),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self):
        return self.path.count("/") - 2


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY = "deputy", _("副书记")
    ORGANISER = "organiser", _("组织委员")
    AFFAIRS = "affairs", _("党务工作者")
    INSTRUCTOR = "instructor", _("党建指导员")
    FIRST_SECRETARY = "first_secretary", _("第一书记")


class Post(models.Model):
    """A post held in an organisation: the party app's role, scoped to that organisation's subtree."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="posts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="party_posts"
    )
    kind = models.CharField(_("职务"), max_length=16, choices=PostKind)
    # A first secretary is sent by a unit (部门): their orders count for it in the ranking.
    department = models.ForeignKey(
        Department, verbose_name=_("派出单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("任职时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("离任时间"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("任命人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("免职人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["organisation__path", "kind", "pk"]
        verbose_name = _("党内职务")
        verbose_name_plural = _("党内职务")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "kind"],
                condition=Q(ended_at__isnull=True),
                name="party_post_once_while_held",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.get_kind_display()}"


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


class Member(ScopedModel, TimeStampedModel):
    """A party member: a person of base data (name, ID number and phone stay there) in one
    organisation. `region_code` is the organisation's. A member who left keeps the row (history)."""

    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(_("党员类别"), max_length=16, choices=MemberStatus, default=MemberStatus.FULL)
    joined_on = models.DateField(_("入党日期"))
    full_on = models.DateField(_("转正日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    left_on = models.DateField(_("减少日期"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__path", "pk"]
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(is_active=True), name="party_member_once_active"),
        ]
        indexes = [models.Index(fields=["organisation", "is_active"])]

    def __str__(self):
        return f"{self.organisation} #{self.pk}"


class TransferKind(models.TextChoices):
    JOINED = "joined", _("发展入党")
    IN = "in", _("组织关系转入")
    MOVED = "moved", _("组织内调整")
    OUT = "out", _("组织关系转出")
    FULL = "full", _("按期转正")


class Transfer(models.Model):
    """One step of a member's history: joined, transferred in from outside, moved between our
    organisations, transferred out, made full member."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(_("类型"), max_length=8, choices=TransferKind)
    from_org = models.ForeignKey(
        Organisation, verbose_name=_("转出组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        Organisation, verbose_name=_("转入组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An organisation outside the platform, by name (转入 from / 转出 to).
    outside = models.CharField(_("外部组织"), max_length=100, blank=True)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("组织关系变动")
        verbose_name_plural = _("组织关系变动")

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"


class Registration(models.Model):
    """双报到: a member whose organisation is elsewhere (a department's branch) registers with the
    community they live in, and may take its orders."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="registrations")
    community = models.ForeignKey(Region, verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="+")
    community_code = models.CharField(_("社区编码"), max_length=32, db_index=True, editable=False)
    registered_at = models.DateTimeField(_("报到时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.CharField(_("服务意向"), max_length=200, blank=True)

    class Meta:
        ordering = ["-registered_at", "pk"]
        verbose_name = _("双报到")
        verbose_name_plural = _("双报到")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community"], condition=Q(ended_at__isnull=True), name="party_registration_once"
            ),
        ]

    def __str__(self):
        return f"{self.community_code} #{self.member_id}"
