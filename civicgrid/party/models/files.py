"""The fields every stored file of party building carries (civicgrid.cases.uploads.save_checked writes them)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["FileKind", "StoredFile"]


class FileKind(models.TextChoices):
    PHOTO = "photo", _("图片")
    DOCUMENT = "document", _("文档")


class StoredFile(models.Model):
    """A picture (re-encoded, no metadata) or a PDF document under a random name in the private
    attachment storage; served only by its own view to those who may see what it belongs to."""

    kind = models.CharField(_("类型"), max_length=8, choices=FileKind, default=FileKind.PHOTO)
    file = models.CharField(_("文件"), max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("校验值"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name or self.file
