"""Smart intake's tables: the category model's versions, kept with the installation (weights as
arrays, never pickled), and the human-in-the-loop records (issue 16, item 5): what was suggested for
each case when it was reported, and every dispatcher's correction of its category, so the accuracy
page can compare suggestions with final categories week by week."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel


class ModelVersion(models.Model):
    """One trained category model. Exactly one (or none) is active: every process answers with it
    and notices a change within SUGGEST_RELOAD_SECONDS (hot swap); activating an older row restores it."""

    label = models.CharField(_("版本"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("训练时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("训练人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # {"corpus": n, "categories": n, "cases": n, "classes": n, "features": n}
    trained_on = models.JSONField(_("训练数据"), default=dict, blank=True)
    # {"seconds": s, "heldout_top1_major": %, ...} when measured
    metrics = models.JSONField(_("指标"), default=dict, blank=True)
    is_active = models.BooleanField(_("启用"), default=False)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    # numpy .npz (allow_pickle=False): vocabulary and classes as JSON, idf, coefficients, intercepts
    weights = models.BinaryField(_("模型参数"))
    seed = models.PositiveIntegerField(_("随机种子"), default=2026)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("分类模型版本")
        verbose_name_plural = _("分类模型版本")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="suggest_one_active_model")
        ]

    def __str__(self):
        return self.label


class SuggestionRecord(ScopedModel):
    """The top category suggestion a case's words got when it was reported, and where the case ended."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="suggestion_record"
    )
    suggested_code = models.CharField(_("建议类别"), max_length=16, blank=True)
    score = models.FloatField(_("置信度"), null=True, blank=True)
    model_version = models.CharField(_("模型版本"), max_length=40, blank=True)
    reported_code = models.CharField(_("上报类别"), max_length=16)
    final_code = models.CharField(_("最终类别"), max_length=16)
    urgent = models.BooleanField(_("判定紧急"), default=False)
    corrections = models.PositiveSmallIntegerField(_("更正次数"), default=0)
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("类别建议记录")
        verbose_name_plural = _("类别建议记录")
        indexes = [models.Index(fields=["region_code", "reported_at"], name="suggest_record_period")]

    def __str__(self):
        return f"{self.case_id} · {self.suggested_code} → {self.final_code}"

    @property
    def hit(self):
        return bool(self.suggested_code) and self.suggested_code == self.final_code


class CategoryCorrection(ScopedModel):
    """One dispatcher's correction of a case's category, against the suggestion that was shown."""

    record = models.ForeignKey(
        SuggestionRecord, verbose_name=_("建议记录"), on_delete=models.CASCADE, related_name="correction_rows"
    )
    from_code = models.CharField(_("原类别"), max_length=16)
    to_code = models.CharField(_("更正为"), max_length=16)
    suggested_code = models.CharField(_("当时的建议"), max_length=16, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更正人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case_event_id = models.PositiveBigIntegerField(_("案件事件"), unique=True)
    corrected_at = models.DateTimeField(_("更正时间"), default=timezone.now)

    class Meta:
        ordering = ["-corrected_at", "-id"]
        verbose_name = _("类别更正记录")
        verbose_name_plural = _("类别更正记录")

    def __str__(self):
        return f"{self.record.case_id} · {self.from_code} → {self.to_code}"
