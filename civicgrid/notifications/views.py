from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicgrid.notifications import actions
from civicgrid.notifications.forms import PreferenceForm
from civicgrid.notifications.models import Notification, NotificationPreference


@login_required
@require_GET
def inbox(request):
    rows = Notification.objects.filter(recipient=request.user).select_related("case")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.unread()
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for row in page:
        row.url = actions.link_for(row, request.user.pk)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": Notification.objects.filter(recipient=request.user).unread().count(),
        },
    )


@login_required
@require_POST
def mark_read(request, pk):
    row = actions.mark_read(request.user, pk)
    if row is None:
        raise Http404
    url = actions.link_for(row, request.user.pk) if request.POST.get("open") else ""
    return redirect(url or "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = actions.mark_all_read(request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return redirect("notifications:inbox")


@login_required
@require_GET
def unread_badge(request):
    """The navbar badge, for an htmx poll."""
    actions.forget_unread([request.user.pk])
    return render(request, "notifications/_badge.html", {"unread_count": actions.unread_count(request.user)})


@login_required
def preferences(request):
    pref = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(user=request.user)
    form = PreferenceForm(request.POST or None, pref=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("消息偏好已保存。"))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
