"""Files sent as soon as they are chosen (cases.pending): the report pages' upload endpoint, the
preview only their owner sees, and the preview's remove button.

POST /cases/uploads/ (multipart: `file`, `kind` = photo | video | audio) answers JSON
``{"token", "kind", "name", "size", "preview", "remove"}`` or ``{"error"}`` with status 400. The
token goes into the report form (hidden input `upload`); the file becomes the case's attachment
when the report is filed. Someone else's token is answered 404, like a token that never existed.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from civicgrid.cases import pending, uploads
from civicgrid.cases.models import AttachmentKind
from civicgrid.core.forms import Form


class UploadForm(Form):
    file = forms.FileField(
        label=gettext_lazy("文件"), error_messages={"required": gettext_lazy("没有收到文件，请重新选择。")}
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[(kind.value, kind.label) for kind in pending.KINDS],
        error_messages={
            "required": gettext_lazy("请选择照片、视频或语音文件。"),
            "invalid_choice": gettext_lazy("请选择照片、视频或语音文件。"),
        },
    )


def describe(row):
    """What the page needs to show one pending upload (JSON answer, previews after an error)."""
    return {
        "token": row.token,
        "kind": row.kind,
        "kind_label": str(AttachmentKind(row.kind).label),
        "name": row.original_name,
        "size": row.size,
        "preview": reverse("cases:upload_preview", args=[row.token]) if row.thumbnail else "",
        "remove": reverse("cases:upload_discard", args=[row.token]),
    }


@login_required
@require_POST
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        message = next(iter(e for errors in form.errors.values() for e in errors), _("请重新选择文件。"))
        return JsonResponse({"error": str(message)}, status=400)
    try:
        row = pending.store(request.user, form.cleaned_data["file"], form.cleaned_data["kind"])
    except uploads.UploadError as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse(describe(row), status=201)


@login_required
@require_GET
def preview(request, token):
    """The cleaned photo's thumbnail, to its owner only (nobody else learns the token exists)."""
    row = pending.live(request.user).filter(token=token).first()
    if row is None or not row.thumbnail:
        raise Http404()
    try:
        handle = uploads.attachment_storage().open(row.thumbnail, "rb")
    except (FileNotFoundError, OSError):
        raise Http404() from None
    response = FileResponse(handle, content_type="image/png" if row.content_type == "image/png" else "image/jpeg")
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def discard(request, token):
    if not pending.discard(request.user, token):
        raise Http404()
    return JsonResponse({"removed": token})


def posted_tokens(request):
    """The well-formed tokens a report form sent back (hidden inputs `upload`)."""
    return pending.clean_tokens(request.POST.getlist("upload"))


def keep_posted(request, form, fields):
    """After a validation error: the files the form sent the plain way (no JavaScript) are checked
    and kept as pending uploads, so the page shown again still has them. `fields` maps a file field
    to its kind. Refused files get an error on their field. Returns the page's pending uploads
    (those sent back by token first), described for the template."""
    tokens = posted_tokens(request)
    rows = pending.owned(request.user, tokens)
    for field, kind in fields.items():
        for item in request.FILES.getlist(field):
            try:
                rows.append(pending.store(request.user, item, kind))
            except uploads.UploadError as error:
                if error.message in form.non_field_errors():
                    continue  # already said by the report that refused it
                if field in form.fields:
                    form.add_error(field, error.message)
                else:  # pragma: no cover - every caller names its own fields
                    form.add_error(None, error.message)
    return [describe(row) for row in rows]


def page_config(tokens_field="upload"):
    """The upload script's settings and words (json_script on the report pages)."""
    from django.conf import settings

    return {
        "url": reverse("cases:upload"),
        "field": tokens_field,
        "max": {
            "photo": settings.CASES_MAX_PHOTOS,
            "video": settings.CASES_MAX_VIDEOS,
            "audio": settings.CASES_MAX_AUDIOS,
        },
        "strings": {
            "uploading": _("正在上传…"),
            "uploaded": _("已上传"),
            "failed": _("上传失败，请重试。"),
            "remove": _("删除"),
            "removeNamed": _("删除“%(name)s”"),
            "tooMany": _("%(label)s最多 %(n)s 个，多出的没有上传。"),
            "wait": _("文件还在上传，完成后会自动提交。"),
            "photo": str(AttachmentKind.PHOTO.label),
            "video": str(AttachmentKind.VIDEO.label),
            "audio": str(AttachmentKind.AUDIO.label),
        },
    }
