"""Case attachments: checked by content, never by name or by what the browser claims.

- Photos are opened with Pillow and refused from their header alone when they declare more pixels,
  a longer side or more frames than CASES_PHOTO_MAX_MEGAPIXELS / _SIDE / _FRAMES allow (a
  decompression bomb is a few kB of PNG that decodes to gigabytes). Then they are verified, turned
  upright by their EXIF orientation, and re-encoded (JPEG, or PNG when they have transparency)
  with no metadata at all: no EXIF, no GPS. The original upload is not kept, so no copy with the
  location exists.
- Videos and voice clips are recognised by their container's magic bytes (MP4/MOV/M4A ``ftyp``,
  WebM/Matroska EBML, Ogg, MP3 with or without ID3, WAV RIFF, AAC ADTS).
- Size limits per kind and counts per report come from settings (CASES_*).

Files go to a private storage (settings.CASES_ATTACHMENT_ROOT) under random names; only
`views.resident.attachment` serves them, after checking that the user may see the case.
"""

import hashlib
import io
import logging
import os
import re
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL.Image import DecompressionBombError, DecompressionBombWarning

from civicgrid.cases.errors import CaseInputError
from civicgrid.core import background

SNIFF_BYTES = 64
logger = logging.getLogger("civicgrid.cases")


class UploadError(CaseInputError):
    """A file that cannot be accepted; `message` says why, in words for the person who sent it."""


class AttachmentStorage(FileSystemStorage):
    """Files under settings.CASES_ATTACHMENT_ROOT (read on every use, so tests can point it at a
    temporary directory). They have no URL: only the attachment view serves them."""

    @property
    def base_location(self):
        return str(settings.CASES_ATTACHMENT_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("case attachments are served by the attachment view, never by URL")


def attachment_storage():
    return AttachmentStorage()


@dataclass
class CheckedFile:
    kind: str
    content: bytes
    content_type: str
    extension: str
    original_name: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


# --- Sniffing -------------------------------------------------------------------------------

# Things that must never pass as media whatever their name: executables, scripts, markup.
DANGEROUS_PREFIXES = (
    b"\x7fELF",
    b"MZ",
    b"#!",
    b"<?php",
    b"<?xml",
    b"<svg",
    b"<!doctype",
    b"<html",
    b"<script",
    b"PK\x03\x04",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
    b"%PDF",
)

MP4_BRANDS_AUDIO = {b"M4A ", b"M4B ", b"F4A "}


def sniff_media(head):
    """(kind, content type, extension) of an audio/video container from its first bytes, or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in MP4_BRANDS_AUDIO:
            return "audio", "audio/mp4", "m4a"
        if brand == b"qt  ":
            return "video", "video/quicktime", "mov"
        return "video", "video/mp4", "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: WebM or Matroska; the doctype says which, the page tells video from audio only by
        # the field the file came in, so the kind is decided by the caller.
        return "video", "video/webm" if b"webm" in head else "video/x-matroska", "webm" if b"webm" in head else "mkv"
    if head.startswith(b"OggS"):
        return "audio", "audio/ogg", "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio", "audio/wav", "wav"
    if head.startswith(b"ID3"):
        return "audio", "audio/mpeg", "mp3"
    if len(head) >= 4 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0 and (head[2] >> 2) & 0x0F < 13:  # ADTS: sync, layer 0, valid rate
            return "audio", "audio/aac", "aac"
        bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0x03
        # MPEG audio frame: sync, layer I–III, a bitrate index and a sampling rate that exist.
        if (
            head[1] & 0xE0 == 0xE0
            and head[1] & 0x06
            and head[1] & 0x18 != 0x08
            and bitrate not in (0, 15)
            and rate != 3
        ):
            return "audio", "audio/mpeg", "mp3"
    return None


def _looks_dangerous(head):
    lowered = head.lstrip().lower()
    return any(lowered.startswith(prefix.lower()) for prefix in DANGEROUS_PREFIXES)


def _read(upload, limit_mb, label):
    limit = limit_mb * 1024 * 1024
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadError(
            _("“%(name)s”太大：%(label)s不能超过 %(mb)d MB。") % {"name": upload.name, "label": label, "mb": limit_mb}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadError(
            _("“%(name)s”太大：%(label)s不能超过 %(mb)d MB。") % {"name": upload.name, "label": label, "mb": limit_mb}
        )
    if not data:
        raise UploadError(_("“%(name)s”是空文件。") % {"name": upload.name})
    return data


def _refuse_type(upload, expected):
    return UploadError(
        _("“%(name)s”不是有效的%(expected)s文件，已拒绝。请上传真实的%(expected)s。")
        % {"name": upload.name, "expected": expected}
    )


def _refuse_size(upload):
    return UploadError(
        _("“%(name)s”像素过多：照片不能超过 %(limit)d 百万像素。请缩小后再上传。")
        % {"name": upload.name, "limit": settings.CASES_PHOTO_MAX_MEGAPIXELS}
    )


# --- Photos ---------------------------------------------------------------------------------


# Pillow's own guard (Image.MAX_IMAGE_PIXELS) raises above twice its limit but only warns between
# its limit and twice it; in this process that warning is an error, so no image over the limit is
# decoded whoever opens it. check_photo does not depend on it: it checks the header's dimensions
# against the settings itself, right after Image.open (which reads the header only).
warnings.simplefilter("error", DecompressionBombWarning)

PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "HEIF", "MPO")


def _photo_formats():
    """The accepted formats this Pillow can open (HEIF only with a plugin installed)."""
    from PIL import Image

    Image.init()
    return [name for name in PHOTO_FORMATS if name in Image.OPEN]


def _check_dimensions(upload, image):
    """Refuse an image whose header declares more pixels, a longer side or more frames than the
    settings allow. Only the header has been read: nothing is decoded yet."""
    width, height = image.size
    max_pixels = settings.CASES_PHOTO_MAX_MEGAPIXELS * 1_000_000
    max_side = settings.CASES_PHOTO_MAX_SIDE
    if width * height > max_pixels or max(width, height) > max_side:
        raise UploadError(
            _(
                "“%(name)s”像素过多（%(width)d × %(height)d）：照片不能超过 %(limit)d 百万像素，"
                "最长边不能超过 %(side)d 像素。请缩小后再上传。"
            )
            % {
                "name": upload.name,
                "width": width,
                "height": height,
                "limit": settings.CASES_PHOTO_MAX_MEGAPIXELS,
                "side": max_side,
            }
        )
    # Animated GIF/PNG/WebP: the frame count comes from the header (GIF: by skipping through the
    # frames without decoding them). Only the first frame is kept.
    frames = getattr(image, "n_frames", 1)
    if frames > settings.CASES_PHOTO_MAX_FRAMES:
        raise UploadError(
            _("“%(name)s”帧数过多（%(frames)d 帧）：动图不能超过 %(limit)d 帧。")
            % {"name": upload.name, "frames": frames, "limit": settings.CASES_PHOTO_MAX_FRAMES}
        )


def check_photo(upload):
    from PIL import Image, ImageOps, UnidentifiedImageError

    label = _("照片")
    data = _read(upload, settings.CASES_PHOTO_MAX_MB, label)
    if _looks_dangerous(data[:SNIFF_BYTES]):
        raise _refuse_type(upload, label)
    # Pillow's guard at the same limit (process-wide), behind the explicit check below.
    Image.MAX_IMAGE_PIXELS = settings.CASES_PHOTO_MAX_MEGAPIXELS * 1_000_000
    try:
        # Image.open reads the header only; the dimensions are checked before verify() and load().
        with Image.open(io.BytesIO(data), formats=_photo_formats()) as probe:
            _check_dimensions(upload, probe)
            probe.verify()
    except UploadError:
        raise
    except (DecompressionBombError, DecompressionBombWarning):
        raise _refuse_size(upload) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _refuse_type(upload, label) from None
    try:
        with Image.open(io.BytesIO(data), formats=_photo_formats()) as image:
            _check_dimensions(upload, image)
            image.load()
            # EXIF orientation first, so the stripped copy still stands the right way up.
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
            if has_alpha:
                clean = image.convert("RGBA")
                content_type, extension, fmt, options = "image/png", "png", "PNG", {"optimize": True}
            else:
                clean = image.convert("RGB")
                content_type, extension, fmt, options = "image/jpeg", "jpg", "JPEG", {"quality": 85, "optimize": True}
            # A fresh image carries pixels only: nothing of the original's metadata (EXIF, GPS, XMP,
            # comments, ICC) is copied over.
            bare = Image.new(clean.mode, clean.size)
            bare.paste(clean)
            out = io.BytesIO()
            bare.save(out, fmt, **options)
    except UploadError:
        raise
    except (DecompressionBombError, DecompressionBombWarning):
        raise _refuse_size(upload) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _refuse_type(upload, label) from None
    return CheckedFile(
        kind="photo",
        content=out.getvalue(),
        content_type=content_type,
        extension=extension,
        original_name=_safe_name(upload.name),
        width=bare.width,
        height=bare.height,
    )


# --- Thumbnails (after the commit: civicgrid.core.background) ------------------------------


def thumbnail_bytes(content):
    """A small copy of a stored (already checked and re-encoded) photo: PNG stays PNG, else JPEG."""
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        image.load()
        fmt = "PNG" if image.format == "PNG" else "JPEG"
        thumb = image.convert("RGBA" if fmt == "PNG" else "RGB")
        px = settings.CASES_THUMBNAIL_PX
        thumb.thumbnail((px, px))
        out = io.BytesIO()
        if fmt == "PNG":
            thumb.save(out, "PNG", optimize=True)
        else:
            thumb.save(out, "JPEG", quality=80)
    return out.getvalue()


@background.task
def make_thumbnail(attachment_id):
    """The thumbnail of one stored photo (a background task after the report's commit; idempotent)."""
    from civicgrid.cases.models import Attachment

    item = Attachment.objects.filter(pk=attachment_id, kind="photo", thumbnail="").first()
    if item is None:
        return False
    storage = attachment_storage()
    with storage.open(item.file.name, "rb") as handle:
        data = thumbnail_bytes(handle.read())
    extension = item.file.name.rsplit(".", 1)[-1]
    name = storage.save(_random_name(extension, item.created_at, "-thumb"), ContentFile(data))
    if not Attachment.objects.filter(pk=attachment_id, thumbnail="").update(thumbnail=name):
        storage.delete(name)  # another run made it first
        return False
    return True


def make_missing_thumbnails(limit=200, older_than=120):
    """The periodic re-drive (job `make_missing_thumbnails`): thumbnails of photos stored more than
    `older_than` seconds ago whose task never ran (a lost message). Returns how many it made."""
    from civicgrid.cases.models import Attachment

    before = timezone.now() - timezone.timedelta(seconds=older_than)
    rows = Attachment.objects.filter(kind="photo", thumbnail="", created_at__lte=before).order_by("pk")
    made = 0
    for pk in list(rows.values_list("pk", flat=True)[:limit]):
        try:
            made += bool(make_thumbnail(pk))
        except Exception:  # a file that cannot be read must not stop the others
            logger.exception("thumbnail of attachment %s failed", pk)
    return made


# --- Video and voice ------------------------------------------------------------------------


def check_media(upload, kind):
    if kind == "video":
        label, limit = _("视频"), settings.CASES_VIDEO_MAX_MB
    else:
        label, limit = _("语音"), settings.CASES_AUDIO_MAX_MB
    data = _read(upload, limit, label)
    head = data[:SNIFF_BYTES]
    found = None if _looks_dangerous(head) else sniff_media(head)
    if found is None:
        raise _refuse_type(upload, label)
    found_kind, content_type, extension = found
    if kind == "audio" and content_type.startswith("video/"):
        # A browser's voice recording is WebM (Chrome) or MP4 (Safari) holding audio only.
        content_type = content_type.replace("video/", "audio/")
        extension = {"mp4": "m4a", "mov": "m4a"}.get(extension, extension)
    elif kind == "video" and found_kind == "audio" and content_type != "audio/ogg":
        raise _refuse_type(upload, label)
    elif kind == "video" and content_type == "audio/ogg":
        content_type = "video/ogg"
    return CheckedFile(
        kind=kind,
        content=data,
        content_type=content_type,
        extension=extension,
        original_name=_safe_name(upload.name),
    )


# Active content a document served to others must not carry: scripts, launch actions, embedded files.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|AA)\b")


def check_document(upload, limit_mb):
    """A PDF document (lesson material, evidence), by content: its header and trailer, at most
    `limit_mb`, refused when it carries scripts, launch actions or embedded files. Such files are
    served as downloads, never shown inline."""
    data = _read(upload, limit_mb, _("文档"))
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:] or PDF_ACTIVE.search(data):
        raise _refuse_type(upload, _("PDF 文档"))
    return CheckedFile(
        kind="document",
        content=data,
        content_type="application/pdf",
        extension="pdf",
        original_name=_safe_name(upload.name),
    )


def is_pdf(upload):
    """Whether the upload says it is a PDF by its first bytes (to choose the check to run)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return head.startswith(b"%PDF-")


def _safe_name(name):
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200]


def check_uploads(photos=(), videos=(), audios=()):
    """Check every file of one report; raises UploadError on the first one refused."""
    photos, videos, audios = [f for f in photos if f], [f for f in videos if f], [f for f in audios if f]
    counts = (
        (photos, settings.CASES_MAX_PHOTOS, _("照片")),
        (videos, settings.CASES_MAX_VIDEOS, _("视频")),
        (audios, settings.CASES_MAX_AUDIOS, _("语音")),
    )
    for files, limit, label in counts:
        if len(files) > limit:
            raise UploadError(_("%(label)s最多 %(n)d 个。") % {"label": label, "n": limit})
    checked = [check_photo(f) for f in photos]
    checked += [check_media(f, "video") for f in videos]
    checked += [check_media(f, "audio") for f in audios]
    return checked


# --- Storing --------------------------------------------------------------------------------


def _random_name(extension, at, suffix=""):
    return f"cases/{at:%Y/%m}/{secrets.token_hex(16)}{suffix}.{extension}"


def write_checked(item, at):
    """Write one checked file (and its thumbnail) to the attachment storage under random names;
    returns the names written (file first)."""
    storage = attachment_storage()
    written = [storage.save(_random_name(item.extension, at), ContentFile(item.content))]
    try:
        if item.thumbnail:
            written.append(storage.save(_random_name(item.extension, at, "-thumb"), ContentFile(item.thumbnail)))
    except Exception:
        storage.delete(written[0])
        raise
    return written


def save_checked(checked, folder, at, user, create):
    """Write each checked file under <folder>/YYYY/MM/ with a random name and call `create(**fields)`
    for its row (the fields every stored file carries; in the caller's transaction). A failure
    half-way removes the files already written. Returns the names written. The other apps' files
    (notices, party building) are stored this way."""
    storage = attachment_storage()
    written = []
    try:
        for item in checked:
            name = storage.save(
                f"{folder}/{at:%Y/%m}/{secrets.token_hex(16)}.{item.extension}", ContentFile(item.content)
            )
            written.append(name)
            create(
                kind=item.kind,
                file=name,
                original_name=item.original_name,
                content_type=item.content_type,
                size=len(item.content),
                sha256=item.sha256,
                width=item.width,
                height=item.height,
                uploaded_by=user,
                created_at=at,
            )
    except Exception:
        for name in written:
            storage.delete(name)
        raise
    return written


def store_checked(checked):
    """Write the checked files to the attachment storage (before the transaction that records
    them, so no lock waits on the disk); returns each file's names, in order. On a failure half-way
    the files already written are removed again."""
    at = timezone.now()
    stored = []
    try:
        for item in checked:
            stored.append(write_checked(item, at))
    except Exception:
        remove_stored(stored)
        raise
    return stored


def remove_stored(stored):
    storage = attachment_storage()
    for names in stored:
        for name in names:
            storage.delete(name)


def save_attachments(case, checked, user, *, event=None, visibility=None, stored=None):
    """Write the checked files and their Attachment rows (inside the caller's transaction).

    Each file carries its own `visibility` (cases.access): by default public for a public case and
    the parties' only (its reporter and staff) for a private one. `stored` gives the names the files
    were written under already (store_checked); otherwise they are written here.

    If writing fails half-way, the files written here are removed again.
    """
    from civicgrid.cases.access import default_visibility
    from civicgrid.cases.models import Attachment

    visibility = visibility or default_visibility(case)
    storage = attachment_storage()
    at = timezone.now()
    written, rows = [], []
    try:
        for position, item in enumerate(checked):
            if stored is None:
                names = write_checked(item, at)
                written.extend(names)
            else:
                names = stored[position]
            name, thumb_name = names[0], (names[1] if len(names) > 1 else "")
            rows.append(
                Attachment(
                    case=case,
                    event=event,
                    kind=item.kind,
                    file=name,
                    thumbnail=thumb_name,
                    original_name=item.original_name,
                    content_type=item.content_type,
                    size=len(item.content),
                    sha256=item.sha256,
                    width=item.width,
                    height=item.height,
                    uploaded_by=user,
                    created_at=at,
                    visibility=visibility,
                )
            )
        rows = Attachment.objects.bulk_create(rows) if rows else []
    except Exception:
        for name in written:
            storage.delete(name)
        raise
    for row in rows:
        if row.kind == "photo" and not row.thumbnail:
            # Made after the commit, off the request when a worker runs (civicgrid.core.background).
            background.after_commit("civicgrid.cases.uploads.make_thumbnail", row.pk)
    return rows


def report_with_attachments(user, *, photos=(), videos=(), audios=(), tokens=(), **report_kwargs):
    """上报 with files: checks every file first (nothing is written when one is refused) and writes
    them to the storage, then — in one transaction — files the case through actions.file_case
    (report_case's work) and records the files on its "reported" event. Returns the ReportResult
    (with the nearby duplicates).

    The photos are checked, re-encoded and written before the transaction begins, so the report's
    locks (cases.actions.report) are held for the database rows only; their thumbnails are made after
    the commit (make_thumbnail, on the worker when a broker runs). A refusal removes the files again.

    `tokens` name files sent before (cases.pending): they must all be the user's, unexpired and
    unused, or the whole report is refused (PendingUploadGone) and nothing is written."""
    from civicgrid.cases import pending
    from civicgrid.cases.actions.report import file_case

    checked = check_uploads(photos, videos, audios)
    stored = store_checked(checked)
    try:
        with transaction.atomic():
            # In this transaction, without a savepoint of its own: a refusal rolls back everything.
            result = file_case(user, **report_kwargs)
            if not result.replayed:
                rows = pending.claim(user, tokens)
                pending.check_counts(checked, rows)
                save_attachments(result.case, checked, user, event=result.event, stored=stored)
                pending.attach(result.case, rows, user, event=result.event)
    except Exception:
        remove_stored(stored)
        raise
    if result.replayed:
        remove_stored(stored)  # the files came with the first submission
    return result
