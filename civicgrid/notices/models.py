"""Notices and who has read them.

A notice is written for one region node (`region_code`: a street, a community, a grid) and reaches
the accounts holding a role in that node's subtree — all of them, or only some roles
(`audience_roles`), or only residents whose person in base data carries a tag (`audience_tag`). The
audience rule is stored on the notice; nothing is written per reader when it is published. A reader
gets a `NoticeRead` row when they first open it, so "unread" is (the notices of my audience) minus
(my NoticeRead rows): publishing to 300,000 residents writes one row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel


class Kind(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    NEWS = "news", _("新闻资讯")
    POLICY = "policy", _("政策解读")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    SCHEDULED = "scheduled", _("定时发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Notice(ScopedModel, TimeStampedModel):
    region = models.ForeignKey("regions.Region", verbose_name=_("发布范围"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind, default=Kind.NOTICE)
    title = models.CharField(_("标题"), max_length=100)
    # Plain text; blank lines separate paragraphs. Never HTML: pages escape it.
    body = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.DRAFT)
    # ",resident,grid_worker," (the role values, comma-bounded so one LIKE finds a role); "" = every role.
    audience_roles = models.CharField(_("面向角色"), max_length=200, blank=True)
    audience_tag = models.ForeignKey(
        "people.Tag",
        verbose_name=_("面向人群"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pinned = models.BooleanField(_("置顶"), default=False)
    publish_at = models.DateTimeField(_("定时发布时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撰写人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("上次提醒时间"), null=True, blank=True)
    # Set when the inbox step of publishing ran (delivery.announce) and when the last reminder went out.
    announced_at = models.DateTimeField(_("消息推送时间"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("提醒发送时间"), null=True, blank=True)
    # Bumped by every write: an edit form sent after somebody else's change is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-pinned", "-published_at", "-pk"]
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        permissions = [("approve_notice", _("审核通知公告"))]
        indexes = [
            # The audience query: published notices of a handful of region codes (the reader's
            # nodes and their ancestors), newest first.
            models.Index(
                fields=["region_code", "published_at"],
                name="notice_audience",
                condition=Q(status="published"),
            ),
            models.Index(fields=["status", "publish_at"], name="notice_due"),
        ]

    def __str__(self):
        return self.title

    @property
    def roles(self):
        return [value for value in self.audience_roles.split(",") if value]

    @property
    def is_live(self):
        return self.status == Status.PUBLISHED


class NoticeRead(ScopedModel):
    """One reader's first opening of one notice (the receipt)."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("阅读人"), on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField(_("阅读时间"), default=timezone.now)

    class Meta:
        ordering = ["-read_at", "-pk"]
        verbose_name = _("阅读记录")
        verbose_name_plural = _("阅读记录")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="notice_read_once")]

    def __str__(self):
        return f"{self.notice_id}:{self.user_id}"


class FileKind(models.TextChoices):
    PHOTO = "photo", _("图片")
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")


class NoticeFile(models.Model):
    """A picture or a video/audio attachment of a notice, checked as case uploads are
    (civicgrid.cases.uploads) and kept in the same private storage; served only to the notice's
    readers and its staff."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("类型"), max_length=8, choices=FileKind)
    file = models.CharField(_("文件"), max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("内容类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("通知附件")
        verbose_name_plural = _("通知附件")

    def __str__(self):
        return self.original_name or self.file
