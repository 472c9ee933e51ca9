"""The in-app inbox (one row per recipient and message), per-user channel preferences, and the
record of deadline reminders already sent (so the periodic job is idempotent)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.cases import notifications as notices

# One enumeration of what a notification is about: the case loop's notice vocabulary (which also
# names the deadline reminders and the command screen's warnings).
Kind = notices.Kind


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event_id = models.PositiveIntegerField(_("案件事件"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    # Where a message that is not about a case leads (a local path; core.events.MessageSent).
    link = models.CharField(_("链接"), max_length=300, blank=True)
    body = models.TextField(_("内容"), blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=False)
    # Set when the message went out in a daily digest (recipients who chose the digest).
    digested_at = models.DateTimeField(_("摘要发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # The navbar badge: a count over this partial index only.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["digested_at", "created_at"], name="notification_digest"),
        ]

    def __str__(self):
        return f"{self.recipient_id} · {self.title}"


class DeliveryMode(models.TextChoices):
    INSTANT = "instant", _("逐条发送")
    DIGEST = "digest", _("每日摘要")


class NotificationPreference(models.Model):
    """Which external channels (beyond the inbox, always on) a user wants per kind, or a daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notification_pref"
    )
    # {kind: [channel, …]}; a kind missing here uses DEFAULT_CHANNELS.
    channels = models.JSONField(_("渠道"), default=dict, blank=True)
    mode = models.CharField(_("发送方式"), max_length=16, choices=DeliveryMode, default=DeliveryMode.INSTANT)
    last_digest_at = models.DateTimeField(_("上次摘要时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息偏好")
        verbose_name_plural = _("消息偏好")

    def __str__(self):
        return str(self.user)


class DeadlineReminder(models.Model):
    """One row per case, step window and colour reminded: the unique constraint makes the reminder
    job idempotent (running it twice, or on two workers at once, sends nothing new)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="+")
    step = models.CharField(_("环节"), max_length=16)
    step_started_at = models.DateTimeField(_("环节开始时间"))
    colour = models.CharField(_("灯色"), max_length=8)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("时限提醒")
        verbose_name_plural = _("时限提醒")
        constraints = [
            models.UniqueConstraint(fields=["case", "step", "step_started_at", "colour"], name="deadline_reminder_once")
        ]

    def __str__(self):
        return f"{self.case_id} {self.step} {self.colour}"
