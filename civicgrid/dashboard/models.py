"""Rollups behind the big screen, and the warnings (预警) with their firings and tasks.

Rollups (maintained by `rollups.case_changed`, called by the case actions in the same transaction,
and rebuilt from scratch by `manage.py rebuild_rollups`):

- `CaseFigure`: what one case contributes (its report day, close day, region, major category,
  owners and 0/1 counters). The hook compares the stored row with the case's new state and moves
  the difference, so it needs no "before" from the caller.
- `DayRollup`: per report day × region node (every level from the district down to the grid) ×
  major category, the case counters by state (received, registered, voided, merged, closed, closed
  on time, evaluations, satisfied, still open) plus the cases *closed* that day.
- `OwnerRollup`: per report day × region node × owner (handling department or grid worker): the
  same counters, for the rankings (a district's ranking reads one row per owner and day).
- `OpenRollup`: open cases now, per region node × major category (the map and the counters).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COUNTERS = (
    "received",
    "registered",
    "voided",
    "merged",
    "closed",
    "closed_on_time",
    "evaluations",
    "satisfied",
    "open",
)


def _counter(verbose_name):
    return models.IntegerField(verbose_name, default=0)


class CaseFigure(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    report_day = models.DateField(_("上报日"))
    close_day = models.DateField(_("结案日"), null=True, blank=True)
    region_code = models.CharField(_("区划编码"), max_length=24)
    category_id = models.IntegerField(_("大类"))
    department_id = models.IntegerField(_("处置部门"), null=True, blank=True)
    worker_id = models.IntegerField(_("网格员"), null=True, blank=True)
    received = _counter(_("上报数"))
    registered = _counter(_("立案数"))
    voided = _counter(_("作废数"))
    merged = _counter(_("合并数"))
    closed = _counter(_("结案数"))
    closed_on_time = _counter(_("按期结案数"))
    evaluations = _counter(_("评价数"))
    satisfied = _counter(_("满意数"))
    open = _counter(_("在办数"))

    class Meta:
        verbose_name = _("案件统计快照")
        verbose_name_plural = _("案件统计快照")

    def __str__(self):
        return f"{self.case_id} · {self.report_day} · {self.region_code}"


class DayRollup(models.Model):
    day = models.DateField(_("日期"))
    region_code = models.CharField(_("区划编码"), max_length=24)
    category_id = models.IntegerField(_("大类"))
    received = _counter(_("上报数"))
    registered = _counter(_("立案数"))
    voided = _counter(_("作废数"))
    merged = _counter(_("合并数"))
    closed = _counter(_("结案数"))
    closed_on_time = _counter(_("按期结案数"))
    evaluations = _counter(_("评价数"))
    satisfied = _counter(_("满意数"))
    open = _counter(_("在办数"))
    closed_on_day = _counter(_("当日结案数"))

    class Meta:
        verbose_name = _("日汇总")
        verbose_name_plural = _("日汇总")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day", "category_id"], name="dashboard_day_key"),
        ]

    def __str__(self):
        return f"{self.day} · {self.region_code} · {self.category_id}"


class OwnerKind(models.TextChoices):
    DEPARTMENT = "department", _("部门")
    WORKER = "worker", _("网格员")


class OwnerRollup(models.Model):
    day = models.DateField(_("日期"))
    region_code = models.CharField(_("区划编码"), max_length=24)
    kind = models.CharField(_("类型"), max_length=16, choices=OwnerKind)
    owner_id = models.IntegerField(_("责任主体"))
    received = _counter(_("上报数"))
    registered = _counter(_("立案数"))
    voided = _counter(_("作废数"))
    merged = _counter(_("合并数"))
    closed = _counter(_("结案数"))
    closed_on_time = _counter(_("按期结案数"))
    evaluations = _counter(_("评价数"))
    satisfied = _counter(_("满意数"))
    open = _counter(_("在办数"))

    class Meta:
        verbose_name = _("责任主体日汇总")
        verbose_name_plural = _("责任主体日汇总")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "kind", "day", "owner_id"], name="dashboard_owner_key"),
        ]

    def __str__(self):
        return f"{self.day} · {self.region_code} · {self.kind} {self.owner_id}"


class OpenRollup(models.Model):
    region_code = models.CharField(_("区划编码"), max_length=24)
    category_id = models.IntegerField(_("大类"))
    open = _counter(_("在办数"))

    class Meta:
        verbose_name = _("在办汇总")
        verbose_name_plural = _("在办汇总")
        constraints = [models.UniqueConstraint(fields=["region_code", "category_id"], name="dashboard_open_key")]

    def __str__(self):
        return f"{self.region_code} · {self.category_id}"


# --- Warnings --------------------------------------------------------------------------------


class RuleKind(models.TextChoices):
    NEAR_DUE = "near_due", _("案件临期/超期")
    GRID_OPEN = "grid_open", _("网格在办案件过多")
    HOTSPOT = "hotspot", _("同类问题高发点")
    ELDERLY_NOT_VISITED = "elderly_not_visited", _("独居老人久未走访")
    DEPARTMENT_ON_TIME = "department_on_time", _("部门按期结案率偏低")


class RuleAction(models.TextChoices):
    NOTIFY = "notify", _("通知角色")
    ESCALATE = "escalate", _("自动吹哨上报")
    TASK = "task", _("生成任务")


class WarningRule(models.Model):
    """One configurable warning: what to look for (kind + thresholds) and what to do when it fires."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=32, choices=RuleKind)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("适用区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空则适用于全部区域。"),
    )
    threshold = models.FloatField(
        _("阈值"),
        default=0,
        help_text=_(
            "临期/超期：0 表示超期、1 表示黄灯即预警；网格在办数 N；高发点案件数 N；未走访天数 N；按期结案率 X%。"
        ),
    )
    radius_m = models.PositiveIntegerField(_("半径（米）"), default=100)
    days = models.PositiveIntegerField(_("统计天数"), default=7)
    action = models.CharField(_("处置动作"), max_length=16, choices=RuleAction, default=RuleAction.NOTIFY)
    notify_role = models.CharField(_("通知角色"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")

    def __str__(self):
        return self.name


class FiringStatus(models.TextChoices):
    OPEN = "open", _("待确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    CLEARED = "cleared", _("已解除")


class WarningFiring(models.Model):
    """One time a rule's condition became true for one subject (a case, a grid, a spot, a person…).

    `key` names the subject; while a firing of the same rule and key is open or acknowledged, the
    rule does not fire again. It is cleared when the condition no longer holds."""

    rule = models.ForeignKey(WarningRule, verbose_name=_("规则"), on_delete=models.CASCADE, related_name="firings")
    key = models.CharField(_("对象"), max_length=100)
    region_code = models.CharField(_("区划编码"), max_length=24, blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(_("内容"), max_length=300)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=FiringStatus, default=FiringStatus.OPEN)
    action_result = models.CharField(_("处置结果"), max_length=300, blank=True)
    fired_at = models.DateTimeField(_("触发时间"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledge_note = models.CharField(_("确认说明"), max_length=300, blank=True)
    cleared_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        ordering = ["-fired_at", "-id"]
        verbose_name = _("预警记录")
        verbose_name_plural = _("预警记录")
        indexes = [models.Index(fields=["region_code", "status"], name="dashboard_firing_scope")]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"], condition=~Q(status="cleared"), name="dashboard_firing_once_while_open"
            )
        ]

    def __str__(self):
        return self.message


class Task(models.Model):
    """A task opened by a warning (rule action "task"), for the role on the warning's region."""

    firing = models.OneToOneField(WarningFiring, verbose_name=_("预警"), on_delete=models.CASCADE, related_name="task")
    title = models.CharField(_("任务"), max_length=300)
    region_code = models.CharField(_("区划编码"), max_length=24, blank=True)
    role = models.CharField(_("承办角色"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("预警任务")
        verbose_name_plural = _("预警任务")

    def __str__(self):
        return self.title


class NeedsSnapshot(models.Model):
    """The needs analytics of one region node (keywords, seasons, areas, profile), computed by the
    periodic job or on first view, and served from here until it is refreshed."""

    region_code = models.CharField(_("区划编码"), max_length=24, unique=True)
    computed_at = models.DateTimeField(_("计算时间"))
    seconds = models.FloatField(_("计算耗时（秒）"), default=0)
    data = models.JSONField(_("结果"), default=dict)

    class Meta:
        verbose_name = _("诉求分析快照")
        verbose_name_plural = _("诉求分析快照")

    def __str__(self):
        return f"{self.region_code} · {self.computed_at:%Y-%m-%d %H:%M}"
