"""Cases (议题/事件/工单): categories, cases, their append-only event chain, evaluations, approvals
and projects.

Rows here are written only by `civicgrid.cases.actions` (docs/architecture.md); the
transition table lives in `civicgrid.cases.workflow`. A case caches its grid, community and street
and the code of its deepest region node (`region_code`), so scoping and queues never join up the
tree (pattern 4).
"""

import hashlib
import json
from datetime import UTC
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.cases import extra_fields
from civicgrid.core.models import ChoiceLabels, TimeStampedModel
from civicgrid.core.scoping import RestrictedQuerySet, subtree_q
from civicgrid.regions.models import Department, DepartmentKind, Region

# --- Vocabulary -----------------------------------------------------------------------------


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("部件")
    EVENT = "event", _("事件")
    COMMUNITY = "community", _("社区事项")


class HandlingLevel(models.TextChoices):
    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")
    DEPARTMENT = "department", _("职能部门")


class Step(models.TextChoices):
    """The time-limited steps of the standard workflow (CJ/T 315)."""

    INTAKE = "intake", _("受理立案")
    DISPATCH = "dispatch", _("派遣")
    HANDLE = "handle", _("处置")
    VERIFY = "verify", _("核查")


class LimitUnit(models.TextChoices):
    HOURS = "h", _("工作时")
    DAYS = "d", _("工作日")


class Source(models.TextChoices):
    RESIDENT = "resident", _("居民上报")
    GRID_PHOTO = "grid_photo", _("网格员随手拍")
    HOTLINE = "hotline", _("12345热线")
    STAFF_ENTRY = "staff_entry", _("工作人员代录")
    DEPUTIES = "deputies", _("两代一委")
    API = "api", _("API·Open311")


class Status(models.TextChoices):
    REPORTED = "reported", _("待受理")
    REGISTERED = "registered", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("处置中")
    PROJECT = "project", _("项目推进中")
    HANDLED = "handled", _("待核查")
    VERIFIED = "verified", _("待结案")
    CLOSED = "closed", _("已结案")
    SUSPENDED = "suspended", _("挂账")
    REJECTED = "rejected", _("不予立案")
    VOIDED = "voided", _("已作废")
    MERGED = "merged", _("已合并")


# Statuses a case never leaves (CLOSED can still be reopened by an unsatisfied reporter, so it is
# "finished" but not terminal).
TERMINAL_STATUSES = frozenset({Status.REJECTED, Status.VOIDED, Status.MERGED})
FINISHED_STATUSES = TERMINAL_STATUSES | {Status.CLOSED}
OPEN_STATUSES = frozenset(Status) - FINISHED_STATUSES


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")
    BLUE = "blue", _("蓝灯")  # stage light only


# Yanji's stage light (延吉 practice): red = found, nobody has taken it yet; blue = whistled or
# transferred to a handler; yellow = handled, awaiting acceptance; green = closed.
STAGE_LIGHTS = {
    Status.REPORTED: Light.RED,
    Status.REGISTERED: Light.RED,
    Status.DISPATCHED: Light.BLUE,
    Status.HANDLING: Light.BLUE,
    Status.PROJECT: Light.BLUE,
    Status.SUSPENDED: Light.BLUE,
    Status.HANDLED: Light.YELLOW,
    Status.VERIFIED: Light.YELLOW,
    Status.CLOSED: Light.GREEN,
}


# --- Categories -----------------------------------------------------------------------------


class CategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def majors(self):
        return self.filter(parent__isnull=True)

    def selectable(self):
        """Minor classes a case can be filed under."""
        return self.active().filter(parent__isnull=False, parent__is_active=True)


def _limit_value(verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("留空则沿用大类或系统默认值。"),
    )


def _limit_unit(verbose_name):
    return models.CharField(verbose_name, max_length=1, choices=LimitUnit, default=LimitUnit.HOURS)


class Category(TimeStampedModel):
    """A class of case, two levels deep (大类/小类), with its time limits and default routing.

    The default table ships as data (cases/data/categories.json, `manage.py load_categories`); an
    install edits it in admin. Limits and routing left empty on a minor class fall back to its major
    class, then to settings.CASES_DEFAULT_LIMITS.
    """

    parent = models.ForeignKey(
        "self", verbose_name=_("大类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=CategoryKind)
    code = models.CharField(_("编码"), max_length=16, help_text=_("大类 2 位，小类为大类编码加 3 位序号。"))
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    description = models.TextField(_("说明"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True, help_text=_("空格分隔，用于自动分类与检索。"))
    intake_limit = _limit_value(_("受理立案时限"))
    intake_unit = _limit_unit(_("受理立案时限单位"))
    dispatch_limit = _limit_value(_("派遣时限"))
    dispatch_unit = _limit_unit(_("派遣时限单位"))
    handle_limit = _limit_value(_("处置时限"))
    handle_unit = _limit_unit(_("处置时限单位"))
    verify_limit = _limit_value(_("核查时限"))
    verify_unit = _limit_unit(_("核查时限单位"))
    default_level = models.CharField(_("默认处置层级"), max_length=16, choices=HandlingLevel, blank=True)
    default_department_kind = models.CharField(_("默认部门类别"), max_length=32, choices=DepartmentKind, blank=True)
    default_department = models.ForeignKey(
        Department,
        verbose_name=_("默认职能部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("留空则按部门类别在案件所在区域自动匹配。"),
    )
    resident_selectable = models.BooleanField(_("居民可选"), default=True)
    # What else a report of this class should say; published as Open311 service attributes.
    extra_fields = models.JSONField(
        extra_fields.LABEL,
        default=list,
        blank=True,
        validators=[extra_fields.validate_extra_fields],
        help_text=extra_fields.HELP_TEXT,
    )
    edition = models.CharField(_("版本"), max_length=80, help_text=_("本分类所依据的标准或本地版本。"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "sort_order", "code"]
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="category_code_unique_in_edition")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_major(self):
        return self.parent_id is None

    def clean(self):
        if self.parent_id is not None:
            parent = self.parent
            if parent.parent_id is not None:
                raise ValidationError({"parent": _("类别只有大类和小类两级。")})
            if parent.kind != self.kind:
                raise ValidationError({"kind": _("小类的类型必须与大类一致。")})
            if not self.code.startswith(parent.code):
                raise ValidationError({"code": _("小类编码必须以大类编码开头。")})

    def own_limit(self, step):
        value = getattr(self, f"{step}_limit")
        return (value, getattr(self, f"{step}_unit")) if value is not None else None

    def limit(self, step):
        """(value, unit) of this category's limit for `step`: its own, its major class's, or the default."""
        from civicgrid.cases.deadlines import default_limit

        own = self.own_limit(step)
        if own is None and self.parent_id is not None:
            own = self.parent.own_limit(step)
        return own or default_limit(step)

    @property
    def effective_level(self):
        level = self.default_level or (self.parent.default_level if self.parent_id else "")
        return level or HandlingLevel.COMMUNITY

    @property
    def effective_department_kind(self):
        return self.default_department_kind or (self.parent.default_department_kind if self.parent_id else "")

    @property
    def effective_department(self):
        if self.default_department_id:
            return self.default_department
        return self.parent.default_department if self.parent_id else None


# --- Cases ----------------------------------------------------------------------------------


def _distribute(condition, within):
    """(a | b | …) & within, written as (a & within) | (b & within) | … (see CaseQuerySet.restrict)."""
    if condition.connector != Q.OR or condition.negated:
        return condition & within
    branches = Q()
    branches.connector = Q.OR
    for child in condition.children:
        branch = child if isinstance(child, Q) else Q(child)
        branches = branches | (branch & within) if branches else branch & within
    return branches


class CaseQuerySet(RestrictedQuerySet):
    def restrict(self, user, action="view", within=None, as_reporter=True):
        """Cases `user` may `action`.

        Staff see the subtrees of the regions their roles are on (by the indexed `region_code`).
        Department staff do not see their department's whole service area, only the cases it
        handles or co-handles. Everyone sees the cases they reported (unless `as_reporter` is
        False: then only what they read in full as staff) or are assigned. Following a case (关注,
        or being made a follower by a merge) and having supervised it grant nothing here: a
        follower reads the case's public version only (civicgrid.cases.access). (Residents see
        their community's public cases through `board()`, a separate, public-safe listing.)

        `within` (a Q, e.g. the open statuses) is ANDed into every branch of the scope's OR rather
        than around it: PostgreSQL and SQLite then seek each branch's index on region and status
        together, instead of fetching a street's whole history and filtering it afterwards.
        """
        from civicgrid.accounts.models import Role
        from civicgrid.accounts.roles import role_has_permission
        from civicgrid.accounts.scopes import active_assignments

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        permission = f"cases.{action}_case"
        codes, departments = [], []
        for assignment in active_assignments(user):
            if not role_has_permission(assignment.role, permission):
                continue
            if assignment.department_id:
                if assignment.role == Role.DEPARTMENT_STAFF:
                    departments.append(assignment.department_id)
            else:
                codes.append(assignment.region.code)
        condition = subtree_q("region_code", codes) if codes else Q(pk__in=[])
        if departments:
            condition |= Q(handling_department_id__in=departments)
            # Co-handled cases are few per department; listing their ids keeps every branch of the
            # OR index-backed (an IN subquery inside an OR forces PostgreSQL into a sequential scan).
            co_handled = CaseParticipant.objects.filter(
                department_id__in=departments, role=CaseParticipant.Role.CO, is_active=True
            ).values_list("case_id", flat=True)
            condition |= Q(pk__in=list(co_handled))
        if action == "view":
            personal = ("reporter", "assignee") if as_reporter else ("assignee",)
            if codes or departments:
                # Staff: most of what they reported or hold lies in their own area already. Listing
                # only the rest by id (one index-only lookup each) leaves the big branch alone, so
                # counts and queues over a street's history are index-only scans, not a heap walk.
                elsewhere = set()
                for field in personal:
                    mine = self.model.objects.filter(**{field: user}).exclude(condition).order_by()
                    elsewhere.update(mine.values_list("pk", flat=True))
                condition |= Q(pk__in=sorted(elsewhere))
            else:
                for field in personal:
                    condition |= Q(**{field: user})
        if within is not None:
            condition = _distribute(condition, within)
        return self.filter(condition)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def board(self, community):
        """The neighbourhood board: a community's public cases, without rejected or voided ones."""
        return self.filter(community=community, is_public=True).exclude(status__in=TERMINAL_STATUSES)

    def board_for(self, user):
        """Public cases of the communities where `user` lives (resident role) or works."""
        from civicgrid.accounts.scopes import active_assignments

        codes = [a.region.code[:12] for a in active_assignments(user) if a.region_id and len(a.region.code) >= 12]
        if not codes:
            return self.none()
        return self.filter(community__code__in=codes, is_public=True).exclude(status__in=TERMINAL_STATUSES)

    # Lights in SQL: the actions store, for the running step, the moments at which it turns
    # yellow and red (computed in working time when the step starts), so the light is a plain
    # comparison with "now": exact, index-friendly, and never stale, with no periodic refresh.

    def with_lights(self, now=None):
        now = now or timezone.now()
        deadline = models.Case(
            models.When(step_due_at__isnull=True, then=models.Value("")),
            models.When(step_red_at__lte=now, then=models.Value(Light.RED.value)),
            models.When(step_warn_at__lte=now, then=models.Value(Light.YELLOW.value)),
            default=models.Value(Light.GREEN.value),
            output_field=models.CharField(),
        )
        stage = models.Case(
            *(
                models.When(
                    status__in=[s for s, c in STAGE_LIGHTS.items() if c == colour], then=models.Value(colour.value)
                )
                for colour in (Light.RED, Light.BLUE, Light.YELLOW, Light.GREEN)
            ),
            default=models.Value(""),
            output_field=models.CharField(),
        )
        # Named *_colour: the model already has deadline_light() and stage_light for one loaded case.
        return self.annotate(deadline_colour=deadline, stage_colour=stage)

    def deadline_light(self, colour, now=None):
        now = now or timezone.now()
        colour = Light(colour)
        if colour == Light.RED:
            return self.filter(step_red_at__lte=now)
        if colour == Light.YELLOW:
            return self.filter(step_warn_at__lte=now, step_red_at__gt=now)
        if colour == Light.GREEN:
            return self.filter(step_warn_at__gt=now)
        raise ValueError(f"{colour} is not a deadline light")

    def stage_light(self, colour):
        return self.filter(status__in=[s for s, c in STAGE_LIGHTS.items() if c == Light(colour)])


class Case(ChoiceLabels):
    number = models.CharField(_("案件编号"), max_length=16, unique=True)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("描述"), max_length=4000)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="cases")
    source = models.CharField(_("来源"), max_length=16, choices=Source)
    # The account the report belongs to (a resident, a grid worker…); empty for a hotline caller
    # without an account. `entered_by` is whoever typed it in (an operator, a community worker).
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    caller_name = models.CharField(_("来电人"), max_length=50, blank=True)
    caller_phone = models.CharField(_("来电号码"), max_length=20, blank=True)
    external_order_no = models.CharField(_("外部工单号"), max_length=64, blank=True)

    # Location and its cached ancestors (a NetBox-style cached scope: restrict() needs no joins).
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey(
        Region, verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Region, verbose_name=_("社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey(
        Region, verbose_name=_("街道"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区划编码"), max_length=24, help_text=_("案件所在最底层区划节点的编码。"))

    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.REPORTED)
    is_public = models.BooleanField(_("在邻里公示板公开"), default=True)

    # Who has it now. The handling unit is the level plus the case's own grid/community/street, or
    # the handling department; `assignee` is the person, once named or once someone signs.
    handling_level = models.CharField(_("处置层级"), max_length=16, choices=HandlingLevel)
    handling_department = models.ForeignKey(
        Department,
        verbose_name=_("处置部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )

    # The running step's working-time window. warn/red are the moments the deadline light turns
    # yellow and red (settings' percentages of the window); all empty while no clock runs
    # (suspended, closed…). `step_seconds` is the window's office time, for "x % used".
    step = models.CharField(_("当前环节"), max_length=16, choices=Step, blank=True)
    step_started_at = models.DateTimeField(_("环节开始时间"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("环节截止时间"), null=True, blank=True)
    step_warn_at = models.DateTimeField(_("黄灯时间"), null=True, blank=True)
    step_red_at = models.DateTimeField(_("红灯时间"), null=True, blank=True)
    step_limit = models.DecimalField(_("环节时限"), max_digits=6, decimal_places=1, null=True, blank=True)
    step_limit_unit = models.CharField(_("时限单位"), max_length=1, choices=LimitUnit, blank=True)
    step_seconds = models.FloatField(_("环节工作时长（秒）"), null=True, blank=True)
    overall_due_at = models.DateTimeField(_("办结期限"), null=True, blank=True)

    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("吹哨次数"), default=0)
    supervise_count = models.PositiveSmallIntegerField(_("督办次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    extension_pending = models.BooleanField(_("延期待审批"), default=False)
    void_pending = models.BooleanField(_("作废待审批"), default=False)
    suspended_from = models.CharField(_("挂账前状态"), max_length=16, choices=Status, blank=True)
    suspended_at = models.DateTimeField(_("挂账时间"), null=True, blank=True)
    suspended_step_remaining = models.FloatField(_("挂账时环节剩余工作时长（秒）"), null=True, blank=True)
    suspended_overall_remaining = models.FloatField(_("挂账时总剩余工作时长（秒）"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并至"), null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )

    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    # Optimistic concurrency: every state change bumps it; an action names the version it saw.
    version = models.PositiveIntegerField(_("版本"), default=1)
    # The head of the event chain: deleting the newest events is caught by comparing with these.
    event_count = models.PositiveIntegerField(_("事件数"), default=0)
    head_hash = models.CharField(_("最新事件摘要"), max_length=64, blank=True)
    # The key the report form (or a client) sent with the report: a retried submission, after a
    # lost response on a bad network or a double tap, finds the case it already made.
    submission_key = models.CharField(_("提交标识"), max_length=64, blank=True, default="")

    objects = CaseQuerySet.as_manager()
    scope_code_field = "region_code"

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        indexes = [
            # Dispatcher queues: some statuses in a region subtree, soonest due first. Status leads
            # so each status is one tight range of the subtree (not the street's whole history),
            # and the index carries every column the queue sorts on and the light counts read (and
            # the id), so counting and picking a page are index-only scans.
            models.Index(
                fields=["status", "region_code", "step_due_at", "reported_at", "id", "step_warn_at", "step_red_at"],
                name="case_queue",
            ),
            models.Index(fields=["region_code", "reported_at"], name="case_region_period"),
            models.Index(fields=["handling_department", "status", "step_due_at"], name="case_department_queue"),
            # With the region code and id: "what do I hold outside my area" is index-only (restrict()).
            models.Index(fields=["assignee", "status", "region_code", "id"], name="case_assignee"),
            # Near-due and overdue sweeps over open cases.
            models.Index(fields=["status", "step_due_at"], name="case_status_due"),
            models.Index(fields=["reporter", "reported_at", "region_code", "id"], name="case_reporter"),
            # Duplicate check: same category, then a latitude band (bounding box).
            models.Index(fields=["category", "lat"], name="case_category_lat"),
            models.Index(fields=["community", "is_public", "status"], name="case_board"),
            models.Index(fields=["external_order_no"], name="case_external_no"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90), name="case_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(lon__isnull=True) | Q(lon__gte=-180, lon__lte=180), name="case_longitude_range"
            ),
            models.UniqueConstraint(
                fields=["entered_by", "submission_key"], condition=~Q(submission_key=""), name="case_submitted_once"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def stage_light(self):
        return STAGE_LIGHTS.get(self.status, "")

    def deadline_light(self, now=None):
        """The same rule as CaseQuerySet.with_lights(), for one loaded case."""
        if self.step_due_at is None:
            return ""
        now = now or timezone.now()
        if now >= self.step_red_at:
            return Light.RED
        if now >= self.step_warn_at:
            return Light.YELLOW
        return Light.GREEN

    def elapsed_share(self, now=None, calendar=None):
        """Share (0.0–) of the running step's working-time limit used so far; None with no clock."""
        from civicgrid.core.worktime import default_calendar

        if self.step_due_at is None or not self.step_seconds:
            return None
        calendar = calendar or default_calendar()
        now = now or timezone.now()
        remaining = calendar.working_seconds_between(now, self.step_due_at)
        overdue = calendar.working_seconds_between(self.step_due_at, now)
        return (self.step_seconds - remaining + overdue) / self.step_seconds


class CaseNumberSequence(models.Model):
    """The last number issued per year; locked per report so numbers are gapless and unique."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("案件编号序列")
        verbose_name_plural = _("案件编号序列")

    def __str__(self):
        return f"{self.year}: {self.last}"


class CaseParticipant(models.Model):
    """Who takes part: the lead unit, co-handling units ("一办三协同"), supervisors and followers.

    Replaced participants are deactivated, not deleted, so the record shows who held the case when.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")
        SUPERVISOR = "supervisor", _("督办")
        FOLLOWER = "follower", _("关注")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("角色"), max_length=16, choices=Role)
    level = models.CharField(_("层级"), max_length=16, choices=HandlingLevel, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("区划网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("职能部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    added_at = models.DateTimeField(_("加入时间"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("退出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("案件参与方")
        verbose_name_plural = _("案件参与方")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(role="lead", is_active=True), name="one_active_lead_per_case"
            ),
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(role="follower", is_active=True),
                name="follow_a_case_once",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "role", "is_active"], name="participant_department"),
            models.Index(fields=["user", "is_active"], name="participant_user"),
        ]

    def __str__(self):
        who = self.department or self.user or self.region
        return f"{self.case_id} · {self.get_role_display()} · {who}"


# --- The event chain ------------------------------------------------------------------------


class EventType(models.TextChoices):
    REPORTED = "reported", _("上报")
    ACCEPTED = "accepted", _("受理立案")
    REJECTED = "rejected", _("不予立案")
    DISPATCHED = "dispatched", _("派遣")
    SIGNED = "signed", _("签收")
    PROGRESS = "progress", _("处置进展")
    FED_BACK = "fed_back", _("处置反馈")
    VERIFIED = "verified", _("核查通过")
    REWORK = "rework", _("核查不通过，返工")
    CLOSED = "closed", _("结案")
    EVALUATED = "evaluated", _("评价")
    REOPENED = "reopened", _("重新办理")
    RETURNED = "returned", _("退回")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_DENIED = "extension_denied", _("不同意延期")
    SUSPENDED = "suspended", _("挂账")
    RESUMED = "resumed", _("恢复办理")
    VOID_REQUESTED = "void_requested", _("申请作废")
    VOIDED = "voided", _("作废")
    VOID_DENIED = "void_denied", _("驳回作废申请")
    ESCALATED = "escalated", _("吹哨上报")
    SUPERVISED = "supervised", _("督办")
    CONVERTED_TO_PROJECT = "converted_to_project", _("议题转项目")
    MILESTONE_DONE = "milestone_done", _("完成项目节点")
    LOCATION_CORRECTED = "location_corrected", _("更正位置")
    CATEGORY_CORRECTED = "category_corrected", _("更正类别")
    MERGED = "merged", _("作为重复件合并")
    DUPLICATE_ATTACHED = "duplicate_attached", _("并入重复件")
    FOLLOWED = "followed", _("关注")


# What the reporter's public-safe timeline shows (with notes only where noted in the pages).
PUBLIC_EVENT_TYPES = frozenset(
    {
        EventType.REPORTED,
        EventType.ACCEPTED,
        EventType.REJECTED,
        EventType.DISPATCHED,
        EventType.SIGNED,
        EventType.FED_BACK,
        EventType.VERIFIED,
        EventType.REWORK,
        EventType.CLOSED,
        EventType.EVALUATED,
        EventType.REOPENED,
        EventType.SUSPENDED,
        EventType.RESUMED,
        EventType.VOIDED,
        EventType.MERGED,
        EventType.CONVERTED_TO_PROJECT,
        EventType.MILESTONE_DONE,
    }
)

GENESIS_HASH = "0" * 64


class AppendOnlyError(ValidationError):
    pass


class CaseEventQuerySet(models.QuerySet):
    # The database refuses UPDATE (and DELETE on PostgreSQL) by trigger (migration 0002); these
    # make the mistake visible in Python first, with a clear message.
    def update(self, **kwargs):
        raise AppendOnlyError(_("案件事件只能追加，不能修改。"))

    def delete(self):
        raise AppendOnlyError(_("案件事件只能追加，不能删除。"))


class CaseEvent(models.Model):
    """One step in a case's history: typed, append-only and hash-chained.

    `hash` is SHA-256 over a canonical JSON of the event's fields and the previous event's hash, so
    editing, removing or reordering any event breaks every later link (`verify_case_chain`).
    """

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    type = models.CharField(_("类型"), max_length=32, choices=EventType)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The role the actor acted in ("community_staff", "reporter"…): the same person may hold several.
    actor_role = models.CharField(_("操作身份"), max_length=32, blank=True)
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status, blank=True)
    note = models.TextField(_("说明"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"))
    prev_hash = models.CharField(_("前一事件摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["case_id", "seq"]
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        indexes = [models.Index(fields=["type", "created_at"], name="case_event_type_time")]

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.get_type_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("案件事件只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("案件事件只能追加，不能删除。"))

    @property
    def is_public(self):
        return self.type in PUBLIC_EVENT_TYPES

    def canonical(self):
        """The bytes the hash covers: sorted keys, no whitespace, UTF-8, UTC microseconds."""
        payload = {
            "case": self.case_id,
            "seq": self.seq,
            "type": self.type,
            "actor": self.actor_id,
            "actor_role": self.actor_role,
            "from": self.from_status,
            "to": self.to_status,
            "note": self.note,
            "details": self.details,
            "created_at": self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "prev": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def compute_hash(self):
        return hashlib.sha256(self.canonical()).hexdigest()


# --- Evaluations, approvals, projects -------------------------------------------------------


class Evaluation(models.Model):
    """The reporter's rating (好差评), one per round (a reopened case is rated again)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="evaluations")
    round = models.PositiveSmallIntegerField(_("轮次"), default=0)
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    satisfied = models.BooleanField(_("满意"))
    comment = models.TextField(_("评价内容"), max_length=500, blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Recorded by staff for a reporter without an account (a 12345 caller's revisit, 回访).
    on_behalf = models.BooleanField(_("代为评价"), default=False)
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="one_evaluation_per_round"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="evaluation_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.case_id} · {self.score}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    DENIED = "denied", _("已驳回")
    WITHDRAWN = "withdrawn", _("已失效")


class ApprovalRequest(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus, default=RequestStatus.PENDING)
    reason = models.TextField(_("理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.case_id} · {self._meta.verbose_name} · {self.get_status_display()}"


class ExtensionRequest(ApprovalRequest):
    amount = models.DecimalField(_("延长时限"), max_digits=6, decimal_places=1)
    unit = models.CharField(_("单位"), max_length=1, choices=LimitUnit)
    old_due_at = models.DateTimeField(_("原截止时间"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("新截止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        default_related_name = "extension_requests"
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"), name="one_pending_extension"),
        ]


class VoidRequest(ApprovalRequest):
    class Meta:
        verbose_name = _("作废申请")
        verbose_name_plural = _("作废申请")
        default_related_name = "void_requests"
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"), name="one_pending_void"),
        ]


class CaseProject(models.Model):
    """议题转项目: an issue too large for one handling step, followed through milestones."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="project")
    title = models.CharField(_("项目名称"), max_length=100)
    description = models.TextField(_("项目说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")

    def __str__(self):
        return self.title


class Milestone(models.Model):
    project = models.ForeignKey(
        CaseProject, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="milestones"
    )
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("节点"), max_length=100)
    due_date = models.DateField(_("计划完成日期"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["project_id", "seq"]
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="milestone_seq_unique")]

    def __str__(self):
        return f"{self.seq}. {self.title}"


# --- Attachments ----------------------------------------------------------------------------


def _attachment_storage():
    from civicgrid.cases.uploads import attachment_storage

    return attachment_storage()


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("语音")


class AttachmentVisibility(models.TextChoices):
    """Who may see one attachment, among those who can read its case (cases.access)."""

    # With the case wherever it is shown: the board, its followers, its reporter, staff.
    PUBLIC = "public", _("公开")
    # The case's reporter, the uploader and the staff who read the case in full; not followers or
    # neighbours (the files of a private report, and the handling photos of one).
    PARTIES = "parties", _("仅上报人与工作人员")
    # The uploader and the staff who read the case in full.
    STAFF = "staff", _("仅工作人员")


class Attachment(models.Model):
    """A photo, video or voice clip of a case, checked by content (cases.uploads).

    Files live in a private storage (settings.CASES_ATTACHMENT_ROOT) under random names and are
    only served by the attachment view, which checks this attachment's own `visibility` against how
    much of the case the user may read (cases.access). Photos are re-encoded without any EXIF (no
    GPS) before they are stored; no original is kept.
    """

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("案件事件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=AttachmentKind)
    file = models.FileField(_("文件"), storage=_attachment_storage, upload_to="cases/%Y/%m/", max_length=200)
    thumbnail = models.FileField(
        _("缩略图"), storage=_attachment_storage, upload_to="cases/%Y/%m/", max_length=200, blank=True
    )
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("内容类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    # Set when the file is stored (public for a public case, parties-only for a private one).
    visibility = models.CharField(
        _("可见范围"), max_length=8, choices=AttachmentVisibility, default=AttachmentVisibility.PUBLIC
    )

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["case", "kind"], name="attachment_case_kind")]

    def __str__(self):
        return f"{self.case_id} · {self.get_kind_display()} · {self.original_name}"


# --- Neighbourhood board (邻里议事板) -------------------------------------------------------


class BoardComment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="board_comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发言人"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("发表时间"), default=timezone.now)
    is_hidden = models.BooleanField(_("已隐藏"), default=False)
    hidden_reason = models.CharField(_("隐藏理由"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("隐藏人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hidden_at = models.DateTimeField(_("隐藏时间"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        verbose_name = _("议事板留言")
        verbose_name_plural = _("议事板留言")

    def __str__(self):
        return f"{self.case_id} · {self.text[:20]}"


class BoardReaction(models.Model):
    """我也遇到 (me too) and 我能帮忙 (an offer of help), once per person and case each."""

    class Kind(models.TextChoices):
        ME_TOO = "me_too", _("我也遇到")
        HELP = "help", _("我能帮忙")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="board_reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("议事板响应")
        verbose_name_plural = _("议事板响应")
        constraints = [models.UniqueConstraint(fields=["case", "user", "kind"], name="board_reaction_once")]

    def __str__(self):
        return f"{self.case_id} · {self.get_kind_display()}"


class BoardHiddenCase(models.Model):
    """A case moderators took off the board (it stays a case; only the board no longer shows it)."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="board_hidden")
    reason = models.CharField(_("隐藏理由"), max_length=200)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("隐藏人"), on_delete=models.PROTECT, related_name="+"
    )
    hidden_at = models.DateTimeField(_("隐藏时间"), default=timezone.now)

    class Meta:
        verbose_name = _("议事板隐藏案件")
        verbose_name_plural = _("议事板隐藏案件")

    def __str__(self):
        return f"{self.case_id} · {self.reason}"


class AbuseReport(models.Model):
    """举报: a resident flags a board case or comment for the moderators."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="abuse_reports")
    comment = models.ForeignKey(
        BoardComment,
        verbose_name=_("留言"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="abuse_reports",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("举报人"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("举报理由"), max_length=200)
    created_at = models.DateTimeField(_("举报时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reporter"], condition=Q(comment__isnull=True), name="abuse_case_once"
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"], condition=Q(comment__isnull=False), name="abuse_comment_once"
            ),
        ]

    def __str__(self):
        return f"{self.case_id} · {self.reason}"


class BoardModeration(models.Model):
    """The moderation log: every hide (and restore) with who, when and why."""

    class Action(models.TextChoices):
        HIDE_CASE = "hide_case", _("隐藏案件")
        RESTORE_CASE = "restore_case", _("恢复案件")
        HIDE_COMMENT = "hide_comment", _("隐藏留言")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="board_moderations")
    comment = models.ForeignKey(
        BoardComment, verbose_name=_("留言"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action)
    reason = models.CharField(_("理由"), max_length=200)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("议事板管理记录")
        verbose_name_plural = _("议事板管理记录")

    def __str__(self):
        return f"{self.case_id} · {self.get_action_display()}"
