"""The neighbourhood board (邻里议事板): comments, reactions, hidden cases, abuse reports and the moderation log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.cases.models.case import Case


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
    # Held by the automatic check (civicgrid.cases.moderation) until a moderator releases it; a held
    # comment is also hidden, so everything that leaves hidden comments out leaves it out.
    is_held = models.BooleanField(_("待审核"), default=False)

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
    # Empty with is_held: the automatic check held it (civicgrid.cases.moderation), not a person.
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("隐藏人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hidden_at = models.DateTimeField(_("隐藏时间"), default=timezone.now)
    is_held = models.BooleanField(_("待审核"), default=False)

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
        RELEASE_COMMENT = "release_comment", _("审核通过留言")
        RELEASE_CASE = "release_case", _("审核通过案件")

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


class BoardSetting(models.Model):
    """A community's choice of when residents' reports appear on its board. A community without a
    row uses the default: only once the case is accepted (受理)."""

    class ShowReports(models.TextChoices):
        AFTER_ACCEPTANCE = "after_acceptance", _("受理后公开")
        AT_ONCE = "at_once", _("提交后立即公开")

    community = models.OneToOneField(
        "regions.Region", verbose_name=_("社区"), on_delete=models.CASCADE, related_name="board_setting"
    )
    show_reports = models.CharField(
        _("居民上报何时上议事板"), max_length=20, choices=ShowReports, default=ShowReports.AFTER_ACCEPTANCE
    )
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("议事板设置")
        verbose_name_plural = _("议事板设置")

    def __str__(self):
        return f"{self.community_id} · {self.get_show_reports_display()}"
