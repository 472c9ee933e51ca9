"""Evaluations (好差评), approval requests (延期, 作废) and projects (议题转项目) with their milestones."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.cases.models.case import Case
from civicgrid.cases.models.vocabulary import LimitUnit


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
