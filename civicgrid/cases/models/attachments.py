"""Photos, videos and voice clips of a case, in a private storage (civicgrid.cases.uploads)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.cases.models.case import Case
from civicgrid.cases.models.chain import CaseEvent


def _attachment_storage():
    from civicgrid.cases.uploads import attachment_storage

    return attachment_storage()


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("语音")


class AttachmentVisibility(models.TextChoices):
    """Who may see one attachment, among those who can read its case (cases.access)."""

    # With the case wherever it is shown: the board, its followers, its reporter, staff.
    PUBLIC = "public", _("公开")
    # The case's reporter, the uploader and the staff who read the case in full; not followers or
    # neighbours (the files of a private report, and the handling photos of one).
    PARTIES = "parties", _("仅上报人与工作人员")
    # The uploader and the staff who read the case in full.
    STAFF = "staff", _("仅工作人员")


class Attachment(models.Model):
    """A photo, video or voice clip of a case, checked by content (cases.uploads).

    Files live in a private storage (settings.CASES_ATTACHMENT_ROOT) under random names and are
    only served by the attachment view, which checks this attachment's own `visibility` against how
    much of the case the user may read (cases.access). Photos are re-encoded without any EXIF (no
    GPS) before they are stored; no original is kept.
    """

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("案件事件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=AttachmentKind)
    file = models.FileField(_("文件"), storage=_attachment_storage, upload_to="cases/%Y/%m/", max_length=200)
    thumbnail = models.FileField(
        _("缩略图"), storage=_attachment_storage, upload_to="cases/%Y/%m/", max_length=200, blank=True
    )
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("内容类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    # Set when the file is stored (public for a public case, parties-only for a private one).
    visibility = models.CharField(
        _("可见范围"), max_length=8, choices=AttachmentVisibility, default=AttachmentVisibility.PUBLIC
    )

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["case", "kind"], name="attachment_case_kind")]

    def __str__(self):
        return f"{self.case_id} · {self.get_kind_display()} · {self.original_name}"


class PendingUpload(models.Model):
    """A file checked and stored as soon as it was chosen, before its report is sent (cases.pending).

    Only its owner sees it (its preview) or attaches it, by its opaque `token`, once: attaching turns
    it into an Attachment of the new case and deletes this row (the file stays where it is). Rows
    not attached by `expires_at` are deleted with their files by the `purge_pending_uploads` job.
    """

    token = models.CharField(_("凭据"), max_length=64, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=AttachmentKind)
    file = models.CharField(_("文件"), max_length=200)
    thumbnail = models.CharField(_("缩略图"), max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("内容类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"), db_index=True)

    class Meta:
        ordering = ["owner_id", "created_at", "id"]
        verbose_name = _("待提交附件")
        verbose_name_plural = _("待提交附件")
        indexes = [models.Index(fields=["owner", "expires_at"], name="pending_upload_owner")]

    def __str__(self):
        return f"{self.owner_id} · {self.get_kind_display()} · {self.original_name}"
