"""Grid work (网格工作): patrols with their tracks, key places and check-ins, findings; household
visits and visit plans; door-to-door tasks with their own forms and one target row per house or
person.

Track points are written many at a time by phones that may have been offline: each point carries the
patrol's own sequence number (`seq`, counted by the phone), unique per patrol, so a batch sent twice,
two batches overlapping or arriving out of order insert every point exactly once
(INSERT … ON CONFLICT DO NOTHING). Visits and task forms carry the phone's idempotency key.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel


class PatrolStatus(models.TextChoices):
    ACTIVE = "active", _("巡格中")
    ENDED = "ended", _("已结束")


class Patrol(ScopedModel):
    """One patrol (巡格) of a grid worker in one grid; region_code is the grid's code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey("regions.Region", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=PatrolStatus, default=PatrolStatus.ACTIVE)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    last_point_at = models.DateTimeField(_("最新位置时间"), null=True, blank=True)
    seconds = models.PositiveIntegerField(_("巡格时长（秒）"), default=0)
    distance_m = models.FloatField(_("里程（米）"), default=0)
    points = models.PositiveIntegerField(_("轨迹点数"), default=0)
    coverage = models.FloatField(_("网格覆盖率"), default=0)
    checkins = models.PositiveIntegerField(_("重点部位打卡"), default=0)
    # The phone's key for "start": pressing start twice (or a retry) opens one patrol.
    client_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("巡格")
        verbose_name_plural = _("巡格")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(status="active"), name="gridwork_one_active_patrol"),
            models.UniqueConstraint(
                fields=["user", "client_key"], condition=~Q(client_key=""), name="gridwork_patrol_key"
            ),
        ]
        indexes = [models.Index(fields=["user", "started_at"], name="gridwork_patrol_user_day")]

    def __str__(self):
        return f"{self.user_id}@{self.region_code} {self.started_at:%Y-%m-%d %H:%M}"


class TrackPoint(models.Model):
    """One position of a patrol, as the phone measured it."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="track", db_index=False)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    lat = models.FloatField()
    lng = models.FloatField()
    accuracy = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["patrol", "seq"]
        constraints = [models.UniqueConstraint(fields=["patrol", "seq"], name="gridwork_point_once")]

    def __str__(self):
        return f"{self.patrol_id}#{self.seq}"


class KeyPlace(ScopedModel, TimeStampedModel):
    """重点部位: a place of a grid the grid worker checks in at on patrol."""

    grid = models.ForeignKey("regions.Region", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=60)
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    radius_m = models.PositiveSmallIntegerField(_("打卡半径（米）"), default=60)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("重点部位")
        verbose_name_plural = _("重点部位")

    def __str__(self):
        return self.name


class CheckIn(ScopedModel):
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="checkin_rows")
    place = models.ForeignKey(KeyPlace, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    distance_m = models.FloatField()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("重点部位打卡")
        verbose_name_plural = _("重点部位打卡")
        constraints = [models.UniqueConstraint(fields=["patrol", "place"], name="gridwork_checkin_once")]


class Finding(ScopedModel):
    """随手拍: a case a grid worker reported during a patrol."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="findings")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("巡格发现")
        verbose_name_plural = _("巡格发现")
        constraints = [models.UniqueConstraint(fields=["patrol", "case"], name="gridwork_finding_once")]


class Purpose(models.TextChoices):
    ROUTINE = "routine", _("日常走访")
    CARE = "care", _("关爱探访")
    VERIFY = "verify", _("信息核实")
    POLICY = "policy", _("政策宣传")
    DISPUTE = "dispute", _("矛盾调解")


class VisitPlan(ScopedModel, TimeStampedModel):
    """走访计划: persons with a tag in a region are visited every `every_days` days."""

    name = models.CharField(_("计划名称"), max_length=60)
    region = models.ForeignKey("regions.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    tag_code = models.CharField(_("人群标签"), max_length=40)
    every_days = models.PositiveSmallIntegerField(_("走访周期（天）"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("走访计划")
        verbose_name_plural = _("走访计划")

    def __str__(self):
        return self.name


class Visit(ScopedModel):
    """走访记录: one visit to a household (and one of its persons, when named)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="+"
    )
    house = models.ForeignKey("people.House", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("走访时间"))
    purpose = models.CharField(_("走访事由"), max_length=10, choices=Purpose)
    notes = models.TextField(_("走访情况"), blank=True)
    needs = models.TextField(_("发现的诉求"), blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("转办案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(VisitPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits")
    client_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_key"], condition=~Q(client_key=""), name="gridwork_visit_key"
            )
        ]
        indexes = [
            models.Index(fields=["house", "at"], name="gridwork_visit_house"),
            models.Index(fields=["person", "at"], name="gridwork_visit_person"),
        ]


class TaskStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class TargetKind(models.TextChoices):
    HOUSES = "houses", _("区域内房屋")
    PERSONS = "persons", _("带标签的人员")


class Task(ScopedModel, TimeStampedModel):
    """摸排任务: a form to fill once per target (a house or a person) in a region, by a deadline."""

    title = models.CharField(_("任务名称"), max_length=80)
    description = models.TextField(_("任务说明"), blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    # [{"key": "f1", "label": "…", "type": "text|number|choice|photo|date", "required": bool, "choices": [...]}]
    fields = models.JSONField(_("表单字段"), default=list)
    target_kind = models.CharField(_("摸排对象"), max_length=10, choices=TargetKind)
    tag_code = models.CharField(_("人群标签"), max_length=40, blank=True)
    deadline = models.DateTimeField(_("截止时间"))
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    targets = models.PositiveIntegerField(_("对象数"), default=0)
    done = models.PositiveIntegerField(_("已填报"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("摸排任务")
        verbose_name_plural = _("摸排任务")

    def __str__(self):
        return self.title


class Target(ScopedModel):
    """One target of a task (region_code: the target's own place, so grid workers see their grid's)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="target_rows")
    house = models.ForeignKey("people.House", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(max_length=24, db_index=True)
    label = models.CharField(_("对象"), max_length=120)
    answers = models.JSONField(default=dict, blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filled_at = models.DateTimeField(null=True, blank=True)
    client_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["task", "region_code", "label", "pk"]
        verbose_name = _("摸排对象")
        verbose_name_plural = _("摸排对象")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "house"], condition=Q(person__isnull=True), name="gridwork_target_house"
            ),
            models.UniqueConstraint(
                fields=["task", "person"], condition=Q(person__isnull=False), name="gridwork_target_person"
            ),
        ]


class TaskPhoto(ScopedModel):
    """A photo answer of a task form, checked and re-encoded like a case's (cases.uploads)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="photos")
    field_key = models.CharField(max_length=20)
    file = models.CharField(max_length=300)
    content_type = models.CharField(max_length=40)
    uploaded_at = models.DateTimeField()
