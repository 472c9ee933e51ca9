"""Thin pages: residents' and staff's own notices (list, reading), and the staff pages (list, write,
approve, publish, withdraw, pin, receipts, remind). Out of scope or out of audience: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.core.editing import ObjectEditView
from civicgrid.notices import actions, files, selectors
from civicgrid.notices.forms import FilterForm, NoticeForm
from civicgrid.notices.models import Notice, NoticeFile, Status

PAGE = 20


def _page(request, rows):
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    return Paginator(rows, PAGE).get_page(max(1, min(number, 10_000)))


# --- Readers -----------------------------------------------------------------------------------


@login_required
def mine(request):
    page = _page(request, selectors.with_read_state(request.user, selectors.mine(request.user)))
    unread = selectors.unread_count(request.user)
    return render(request, "notices/mine.html", {"page": page, "notices": page.object_list, "unread": unread})


@login_required
def read(request, pk):
    notice = selectors.readable(request.user, pk)
    if notice is None:
        raise Http404
    if notice.status == Status.PUBLISHED and selectors.mine(request.user).filter(pk=notice.pk).exists():
        actions.mark_read(request.user, notice)
    rows = list(notice.files.all())
    context = {
        "notice": notice,
        "photos": [f for f in rows if f.kind == "photo"],
        "media": [f for f in rows if f.kind != "photo"],
        "staff": selectors.can(request.user, "view", notice),
    }
    return render(request, "notices/read.html", context)


@login_required
def file(request, pk):
    row = NoticeFile.objects.select_related("notice").filter(pk=pk).first()
    if row is None or selectors.readable(request.user, row.notice_id) is None:
        raise Http404
    try:
        handle = files.open_file(row)
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=row.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Staff -------------------------------------------------------------------------------------


@login_required
def staff_list(request):
    if not selectors.places(request.user).exists() and not _reads_any(request.user):
        raise Http404
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.staff_list(
        request.user, kind=filters.get("kind", ""), status=filters.get("status", ""), query=filters.get("q", "")
    )
    page = _page(request, rows)
    context = {
        "form": form,
        "page": page,
        "notices": page.object_list,
        "can_write": selectors.places(request.user).exists(),
    }
    return render(request, "notices/staff_list.html", context)


def _reads_any(user):
    from civicgrid.accounts.scopes import scope_codes

    return scope_codes(user, "notices.view_notice") != []


class NoticeEditView(ObjectEditView):
    model = Notice
    template_name = "notices/edit.html"
    form_id = "notice-form"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.places(request.user).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        initial = {}
        if not self.adding:
            n = self.object
            initial = {
                "region": n.region_id,
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "audience_roles": n.roles,
                "audience_tag": n.audience_tag_id,
                "publish_at": n.publish_at,
                "pinned": n.pinned,
                "version": n.version,
            }
        data = (self.request.POST, self.request.FILES) if self.request.method == "POST" else ()
        return NoticeForm(*data, initial=initial, user=self.request.user, notice=self.object)

    def save(self, form):
        d = form.cleaned_data
        return actions.save_notice(
            self.request.user,
            self.object,
            region=d["region"],
            kind=d["kind"],
            title=d["title"],
            body=d["body"],
            audience_roles=d["audience_roles"],
            audience_tag=d["audience_tag"],
            publish_at=d["publish_at"],
            pinned=d["pinned"],
            photos=d["photos"] or (),
            media=d["media"] or (),
            remove_files=d.get("remove_files") or (),
            version=d.get("version") if not self.adding else None,
        )

    def success_url(self, result):
        return reverse("notices:manage", args=[result.pk])

    def success_message(self, result):
        return _("已保存为草稿。")

    def cancel_url(self):
        return reverse("notices:manage", args=[self.object.pk]) if not self.adding else reverse("notices:staff_list")

    def title(self):
        return _("撰写通知") if self.adding else _("修改通知")

    def submit_label(self):
        return _("保存草稿")


@login_required
def manage(request, pk):
    notice = get_object_or_404(selectors.staff_notices(request.user).select_related("region", "author"), pk=pk)
    user = request.user
    rows = list(notice.files.all())
    context = {
        "notice": notice,
        "photos": [f for f in rows if f.kind == "photo"],
        "media": [f for f in rows if f.kind != "photo"],
        "can_change": selectors.can(user, "change", notice),
        "can_approve": selectors.can(user, "approve", notice) and notice.author_id != user.pk,
        "tag": notice.audience_tag,
        "role_labels": [dict(selectors.Role.choices).get(r, r) for r in notice.roles],
    }
    return render(request, "notices/manage.html", context)


ACTIONS = {
    "publish": actions.publish_notice,
    "approve": actions.approve_notice,
    "return": actions.return_notice,
    "withdraw": actions.withdraw_notice,
    "pin": lambda u, n: actions.pin_notice(u, n, True),
    "unpin": lambda u, n: actions.pin_notice(u, n, False),
    "remind": actions.remind_unread,
}
MESSAGES = {
    "publish": lambda n: (
        _("已提交审核。")
        if n.status == Status.PENDING
        else (_("已定时发布。") if n.status == Status.SCHEDULED else _("已发布。"))
    ),
    "approve": lambda n: _("已审核通过。"),
    "return": lambda n: _("已退回修改。"),
    "withdraw": lambda n: _("已撤回。"),
    "pin": lambda n: _("已置顶。"),
    "unpin": lambda n: _("已取消置顶。"),
    "remind": lambda n: _("已向未读的人发送提醒。"),
}


@require_POST
@login_required
def act(request, pk, action):
    notice = get_object_or_404(selectors.staff_notices(request.user), pk=pk)
    version = request.POST.get("version", "")
    if version.isdigit() and len(version) < 10:
        notice.version = int(version)
    function = ACTIONS[action]
    try:
        result = function(request.user, notice)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("notices:manage", pk=notice.pk)
    shown = result if isinstance(result, Notice) else notice
    messages.success(request, MESSAGES[action](shown))
    if action == "remind":
        return redirect("notices:receipts", pk=notice.pk)
    return redirect("notices:manage", pk=notice.pk)


@login_required
def receipts(request, pk):
    notice = get_object_or_404(selectors.staff_notices(request.user).select_related("region"), pk=pk)
    if not selectors.can(request.user, "view", notice):
        raise Http404
    context = {
        "notice": notice,
        "r": selectors.receipts(notice),
        "can_remind": notice.status == Status.PUBLISHED and selectors.can(request.user, "change", notice),
    }
    return render(request, "notices/receipts.html", context)
