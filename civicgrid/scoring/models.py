"""Grid workers' and departments' scores (网格考核、下沉部门积分).

- `ScoreRule`: one row per metric (civicgrid.scoring.metrics): points per unit, a monthly cap, on/off.
  Data, edited by system admins and street staff through `actions.update_rule`.
- `MedalRule`: the monthly 金牌网格员 selection's rules (one row).
- `ScoreEntry`: append-only, one row per (subject, metric, source): the source names the event that
  earned it (e.g. `gridwork.patrol` #12), so every point is traceable and a replayed event writes
  nothing (a unique constraint, not a check in code).
- `MonthlyTally`: per subject, month and metric: count, quantity, points (caps, workload, breakdown).
- `MonthlyScore`: per subject and month, the total: a grid worker's, a department's, and a region's
  (grid, community, street, district: the sum of the points earned in it) — what rankings read,
  kept in the same transaction as the entries, so no page aggregates raw events.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel
from civicgrid.core.scoping import MAX_CODE_LENGTH
from civicgrid.scoring import metrics


class Kind(models.TextChoices):
    WORKER = "worker", _("网格员")
    DEPARTMENT = "department", _("职能部门")
    REGION = "region", _("区域")


class ScoreRule(models.Model):
    metric = models.CharField(_("考核项"), max_length=32, choices=metrics.CHOICES, unique=True)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    monthly_cap = models.DecimalField(_("每月上限"), max_digits=8, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["metric"]
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")

    def __str__(self):
        return str(self.get_metric_display())

    @property
    def spec(self):
        return metrics.BY_CODE[self.metric]


class MedalRule(models.Model):
    """金牌网格员: the best `per_street` grid workers of each street in a month, if they reach
    `min_points` and patrolled at least `min_patrol_hours`, and had no unsatisfied rating."""

    per_street = models.PositiveSmallIntegerField(_("每个街道评选人数"), default=1)
    min_points = models.DecimalField(_("最低得分"), max_digits=8, decimal_places=2, default=60)
    min_patrol_hours = models.DecimalField(_("最低巡格时长（小时）"), max_digits=6, decimal_places=1, default=20)
    no_bad_rating = models.BooleanField(_("当月无不满意评价"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("金牌网格员评选规则")
        verbose_name_plural = _("金牌网格员评选规则")

    def __str__(self):
        return str(_("金牌网格员评选规则"))


class ScoreEntry(ScopedModel):
    kind = models.CharField(_("对象类型"), max_length=12, choices=Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "regions.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区域编码"), max_length=MAX_CODE_LENGTH)
    month = models.DateField(_("月份"))
    metric = models.CharField(_("考核项"), max_length=32, choices=metrics.CHOICES)
    quantity = models.FloatField(_("数量"), default=1)
    points = models.DecimalField(_("得分"), max_digits=8, decimal_places=2)
    source = models.CharField(_("来源"), max_length=40)
    source_id = models.CharField(_("来源编号"), max_length=64)
    at = models.DateTimeField(_("发生时间"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("得分明细")
        verbose_name_plural = _("得分明细")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "metric", "source", "source_id"],
                condition=Q(kind="worker"),
                name="scoring_entry_worker_once",
            ),
            models.UniqueConstraint(
                fields=["department", "metric", "source", "source_id"],
                condition=Q(kind="department"),
                name="scoring_entry_department_once",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "month", "at"], name="scoring_entry_user_month"),
            models.Index(fields=["department", "month", "at"], name="scoring_entry_dept_month"),
            models.Index(fields=["month", "region_code"], name="scoring_entry_month_region"),
        ]

    def __str__(self):
        return f"{self.metric} {self.points}"


class MonthlyTally(ScopedModel):
    kind = models.CharField(_("对象类型"), max_length=12, choices=Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "regions.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("区域编码"), max_length=MAX_CODE_LENGTH)
    month = models.DateField(_("月份"))
    metric = models.CharField(_("考核项"), max_length=32, choices=metrics.CHOICES)
    count = models.PositiveIntegerField(_("次数"), default=0)
    quantity = models.FloatField(_("数量"), default=0)
    points = models.DecimalField(_("得分"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("月度分项")
        verbose_name_plural = _("月度分项")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "month", "metric"], condition=Q(kind="worker"), name="scoring_tally_worker_once"
            ),
            models.UniqueConstraint(
                fields=["department", "month", "metric"],
                condition=Q(kind="department"),
                name="scoring_tally_department_once",
            ),
        ]
        indexes = [models.Index(fields=["kind", "month", "region_code"], name="scoring_tally_month_region")]


class MonthlyScore(ScopedModel):
    kind = models.CharField(_("对象类型"), max_length=12, choices=Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "regions.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("层级"), null=True, blank=True)
    # A worker's: the grid of their latest scored work; a department's: its service region; a
    # region's: its own code.
    region_code = models.CharField(_("区域编码"), max_length=MAX_CODE_LENGTH)
    month = models.DateField(_("月份"))
    points = models.DecimalField(_("得分"), max_digits=10, decimal_places=2, default=0)
    entries = models.PositiveIntegerField(_("明细条数"), default=0)

    class Meta:
        verbose_name = _("月度得分")
        verbose_name_plural = _("月度得分")
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], condition=Q(kind="worker"), name="scoring_month_worker"),
            models.UniqueConstraint(
                fields=["department", "month"], condition=Q(kind="department"), name="scoring_month_department"
            ),
            models.UniqueConstraint(
                fields=["region", "month"], condition=Q(kind="region"), name="scoring_month_region"
            ),
        ]
        indexes = [
            # The ranking: one month's rows of a kind (and level), best first, within a subtree.
            models.Index("kind", "month", "level", models.F("points").desc(), "region_code", name="scoring_rank"),
            models.Index(fields=["kind", "month", "level", "region_code"], name="scoring_month_subtree"),
        ]

    def __str__(self):
        return f"{self.kind} {self.month:%Y-%m} {self.points}"
