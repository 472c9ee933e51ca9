"""The case itself (its scope, queues and lights), its yearly number sequence and its participants.

A case caches its grid, community and street and the code of its deepest region node (`region_code`),
so scoping and queues never join up the tree."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.cases.models.categories import Category
from civicgrid.cases.models.vocabulary import (
    OPEN_STATUSES,
    STAGE_LIGHTS,
    TERMINAL_STATUSES,
    HandlingLevel,
    Light,
    LimitUnit,
    Priority,
    Source,
    Status,
    Step,
)
from civicgrid.core.models import ChoiceLabels, ScopedModel
from civicgrid.core.scoping import RestrictedQuerySet, subtree_q
from civicgrid.regions.models import Department, Region


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
        Department-held roles (DEPARTMENT_ROLES) do not see their department's whole service area, only the cases it
        handles or co-handles. Everyone sees the cases they reported (unless `as_reporter` is
        False: then only what they read in full as staff) or are assigned. Following a case (关注,
        or being made a follower by a merge) and having supervised it grant nothing here: a
        follower reads the case's public version only (civicgrid.cases.access). (Residents see
        their community's public cases through `board()`, a separate, public-safe listing.)

        `within` (a Q, e.g. the open statuses) is ANDed into every branch of the scope's OR rather
        than around it: PostgreSQL and SQLite then seek each branch's index on region and status
        together, instead of fetching a street's whole history and filtering it afterwards.
        """
        from civicgrid.accounts.roles import DEPARTMENT_ROLES, role_has_permission
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
                if assignment.role in DEPARTMENT_ROLES:
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

    def on_board(self):
        """What any public listing may show (the neighbourhood board, public Open311): public cases,
        without rejected, voided or merged ones, and a report not yet accepted (待受理) only in a
        community whose board setting shows reports at once (the default waits for acceptance)."""
        from civicgrid.cases.models.board import BoardSetting

        at_once = BoardSetting.objects.filter(show_reports=BoardSetting.ShowReports.AT_ONCE).values("community_id")
        return (
            self.filter(is_public=True)
            .exclude(status__in=TERMINAL_STATUSES)
            .filter(~Q(status=Status.REPORTED) | Q(community_id__in=at_once))
        )

    def board(self, community):
        """The neighbourhood board of one community (see `on_board`)."""
        return self.on_board().filter(community=community)

    def board_for(self, user):
        """The board cases of the communities where `user` lives (resident role) or works."""
        from civicgrid.accounts.scopes import active_assignments

        codes = [a.region.code[:12] for a in active_assignments(user) if a.region_id and len(a.region.code) >= 12]
        if not codes:
            return self.none()
        return self.on_board().filter(community__code__in=codes)

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


class Case(ScopedModel, ChoiceLabels):
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
    # The scoped models' code field with the case's own label and help text; indexed in Meta.indexes
    # together with what the queues read.
    region_code = models.CharField(_("区划编码"), max_length=24, help_text=_("案件所在最底层区划节点的编码。"))

    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.REPORTED)
    is_public = models.BooleanField(_("在邻里公示板公开"), default=True)
    priority = models.CharField(_("优先级"), max_length=8, choices=Priority, default=Priority.NORMAL)

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
