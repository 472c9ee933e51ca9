"""Files sent as soon as they are chosen, before the report they belong to (issue 14, item 4).

The report pages send each photo, video or voice clip on its own (views.uploads, with a progress
bar) as soon as the person picks it. `store` runs exactly the checks of a plain multipart report
(cases.uploads.check_photo / check_media: content sniffing, size, pixels, EXIF stripped), writes
the cleaned file to the private attachment storage and keeps a PendingUpload owned by the person,
answering an opaque random token. The form then carries tokens in hidden inputs, so a validation
error re-renders the page with every file already there.

`claim` (inside the report's transaction) locks the rows of the tokens sent and refuses the lot
when one is not the sender's, has expired or was used already: nothing is written then.
`attach` turns the claimed rows into the new case's Attachments (the files stay where they are)
and deletes them, so a token is used once; two reports sending the same token at once cannot both
win (the row lock makes the second one find it gone).

Each person may hold CASES_PENDING_UPLOAD_MAX_COUNT files of CASES_PENDING_UPLOAD_MAX_MB together;
`purge_expired` (job `purge_pending_uploads`) deletes rows and files older than
CASES_PENDING_UPLOAD_HOURS.

Pending uploads belong to one person and are only ever looked up by their owner (`owner=user` in
every query below): they have no region, so no scope applies to them.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases import uploads
from civicgrid.cases.models import Attachment, AttachmentKind, PendingUpload

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KINDS = (AttachmentKind.PHOTO, AttachmentKind.VIDEO, AttachmentKind.AUDIO)
MB = 1024 * 1024


class PendingUploadGone(uploads.UploadError):
    """A token that is not the sender's, has expired or was used already."""


def _gone():
    return PendingUploadGone(_("有附件已失效或已经提交过，请删除后重新添加照片、视频或语音。"))


def new_token():
    return secrets.token_urlsafe(24)


def _check(upload, kind):
    if kind not in KINDS:
        raise uploads.UploadError(_("请选择照片、视频或语音文件。"))
    if upload is None:
        raise uploads.UploadError(_("没有收到文件，请重新选择。"))
    if kind == AttachmentKind.PHOTO:
        return uploads.check_photo(upload)
    return uploads.check_media(upload, kind)


def _lock_owner(user):
    # One person's uploads are counted one at a time, so two at once cannot both slip under the limit.
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def live(user, now=None):
    """The person's pending uploads that have not expired."""
    return PendingUpload.objects.filter(owner=user, expires_at__gt=now or timezone.now())


def store(user, upload, kind):
    """Check `upload` as a `kind` file and keep it for `user`; returns the PendingUpload. Raises
    UploadError (nothing kept) when the file is refused or the person holds too many already."""
    checked = _check(upload, kind)  # before any lock: decoding a photo takes a while
    with transaction.atomic():
        _lock_owner(user)
        now = timezone.now()
        held = live(user, now).aggregate(count=Count("id"), size=Sum("size"))
        if held["count"] >= settings.CASES_PENDING_UPLOAD_MAX_COUNT:
            raise uploads.UploadError(
                _("您已有 %(n)d 个文件尚未随上报提交，请先提交上报或删除一些再添加。")
                % {"n": settings.CASES_PENDING_UPLOAD_MAX_COUNT}
            )
        if (held["size"] or 0) + len(checked.content) > settings.CASES_PENDING_UPLOAD_MAX_MB * MB:
            raise uploads.UploadError(
                _("尚未提交的文件合计不能超过 %(mb)d MB，请先提交上报或删除一些再添加。")
                % {"mb": settings.CASES_PENDING_UPLOAD_MAX_MB}
            )
        if checked.kind == AttachmentKind.PHOTO and not checked.thumbnail:
            # Made now, in the upload's own request: the report that attaches it has nothing to make.
            checked.thumbnail = uploads.thumbnail_bytes(checked.content)
        names = uploads.write_checked(checked, now)
        try:
            return PendingUpload.objects.create(
                token=new_token(),
                owner=user,
                kind=checked.kind,
                file=names[0],
                thumbnail=names[1] if len(names) > 1 else "",
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=checked.sha256,
                width=checked.width,
                height=checked.height,
                created_at=now,
                expires_at=now + timedelta(hours=settings.CASES_PENDING_UPLOAD_HOURS),
            )
        except Exception:
            _delete_files(names)
            raise


def _delete_files(names):
    storage = uploads.attachment_storage()
    for name in names:
        if name:
            storage.delete(name)


def discard(user, token):
    """Delete one of the person's pending uploads (the preview's remove button). False when there is
    no such upload of theirs."""
    with transaction.atomic():
        row = PendingUpload.objects.select_for_update().filter(owner=user, token=token).first()
        if row is None:
            return False
        names = [row.file, row.thumbnail]
        row.delete()
        transaction.on_commit(lambda: _delete_files(names))
    return True


def clean_tokens(values):
    """The well-formed tokens of a form, in order, each once."""
    seen = []
    for value in values:
        value = (value or "").strip()
        if TOKEN_PATTERN.match(value) and value not in seen:
            seen.append(value)
    return seen


def owned(user, tokens):
    """The person's live pending uploads among `tokens`, in their order (to draw the previews again)."""
    rows = {row.token: row for row in live(user).filter(token__in=list(tokens))}
    return [rows[token] for token in tokens if token in rows]


def claim(user, tokens):
    """Lock and return the pending uploads of `tokens` (in the caller's transaction). Raises
    PendingUploadGone when any of them is not the user's, has expired or was attached already."""
    tokens = clean_tokens(tokens)
    if not tokens:
        return []
    now = timezone.now()
    rows = {row.token: row for row in PendingUpload.objects.select_for_update().filter(token__in=tokens)}
    for token in tokens:
        row = rows.get(token)
        if row is None or row.owner_id != user.pk or row.expires_at <= now:
            raise _gone()
    return [rows[token] for token in tokens]


def attach(case, rows, user, *, event=None, visibility=None):
    """The claimed rows become Attachments of `case` (same files), and are deleted."""
    from civicgrid.cases.access import default_visibility

    if not rows:
        return []
    visibility = visibility or default_visibility(case)
    at = timezone.now()
    made = [
        Attachment.objects.create(
            case=case,
            event=event,
            kind=row.kind,
            file=row.file,
            thumbnail=row.thumbnail,
            original_name=row.original_name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            width=row.width,
            height=row.height,
            uploaded_by=user,
            created_at=at,
            visibility=visibility,
        )
        for row in rows
    ]
    deleted, _count = PendingUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()
    if deleted != len(rows):  # pragma: no cover - the rows are locked by claim
        raise _gone()
    return made


def file_with_event(case, user, event_type, checked, tokens):
    """Store the checked files and the pending uploads of `tokens` on the case's latest event of
    `event_type` (in the caller's transaction, after the action wrote that event)."""
    from civicgrid.cases.models import CaseEvent

    rows = claim(user, tokens)
    check_counts(checked, rows)
    if checked or rows:
        event = CaseEvent.objects.filter(case=case, type=event_type).order_by("-seq").first()
        uploads.save_attachments(case, checked, user, event=event)
        attach(case, rows, user, event=event)


def check_counts(checked, rows):
    """Files per report, counting both those sent with the form and those attached by token."""
    limits = (
        (AttachmentKind.PHOTO, settings.CASES_MAX_PHOTOS, _("照片")),
        (AttachmentKind.VIDEO, settings.CASES_MAX_VIDEOS, _("视频")),
        (AttachmentKind.AUDIO, settings.CASES_MAX_AUDIOS, _("语音")),
    )
    for kind, limit, label in limits:
        count = sum(1 for item in checked if item.kind == kind) + sum(1 for row in rows if row.kind == kind)
        if count > limit:
            raise uploads.UploadError(_("%(label)s最多 %(n)d 个。") % {"label": label, "n": limit})


def purge_expired(now=None):
    """Delete expired pending uploads and their files (job purge_pending_uploads); returns how many."""
    now = now or timezone.now()
    count = 0
    while True:
        with transaction.atomic():
            rows = list(
                PendingUpload.objects.select_for_update(skip_locked=True)
                .filter(expires_at__lte=now)
                .order_by("pk")[:200]
                .values_list("pk", "file", "thumbnail")
            )
            if not rows:
                return count
            PendingUpload.objects.filter(pk__in=[pk for pk, _f, _t in rows]).delete()
        _delete_files([name for _pk, file, thumb in rows for name in (file, thumb)])
        count += len(rows)
