"""A notice's pictures and video/audio attachments: checked exactly as case uploads are
(civicgrid.cases.uploads.check_photo / check_media: content sniffing, size, pixels, no metadata) and
kept in the same private storage under random names; only views.file serves them."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases import uploads
from civicgrid.notices import conf
from civicgrid.notices.models import FileKind, NoticeFile


def _media_kind(upload):
    head = upload.read(uploads.SNIFF_BYTES)
    upload.seek(0)
    found = uploads.sniff_media(head)
    return found[0] if found else "video"


def check(photos=(), media=(), existing=()):
    """The checked files (cases.uploads.CheckedFile), or a ValidationError naming the first refused."""
    photos, media = [f for f in photos or () if f], [f for f in media or () if f]
    kept = list(existing)
    kept_photos = sum(1 for f in kept if f.kind == FileKind.PHOTO)
    if kept_photos + len(photos) > conf.get("NOTICES_MAX_PHOTOS"):
        raise ValidationError({"photos": _("图片最多 %(n)d 张。") % {"n": conf.get("NOTICES_MAX_PHOTOS")}})
    if len(kept) - kept_photos + len(media) > conf.get("NOTICES_MAX_MEDIA"):
        raise ValidationError({"media": _("音视频附件最多 %(n)d 个。") % {"n": conf.get("NOTICES_MAX_MEDIA")}})
    checked = []
    try:
        checked += [uploads.check_photo(f) for f in photos]
    except uploads.UploadError as exc:
        raise ValidationError({"photos": str(exc)}) from None
    try:
        checked += [uploads.check_media(f, _media_kind(f)) for f in media]
    except uploads.UploadError as exc:
        raise ValidationError({"media": str(exc)}) from None
    return checked


def store(notice, checked, user):
    """Write the checked files and their rows (in the caller's transaction); a failure half-way
    removes the files already written."""
    uploads.save_checked(
        checked, "notices", timezone.now(), user, lambda **fields: NoticeFile.objects.create(notice=notice, **fields)
    )


def remove(notice, pks):
    storage = uploads.attachment_storage()
    for row in notice.files.filter(pk__in=[int(pk) for pk in pks]):
        row.delete()
        storage.delete(row.file)


def open_file(row):
    return uploads.attachment_storage().open(row.file, "rb")
