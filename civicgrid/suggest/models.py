"""The category model's versions, kept with the installation (weights as arrays, never pickled)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
