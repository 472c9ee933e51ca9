"""The organiser's poll pages (laptop): the list, create/edit a draft, the poll's page (results as
bars, opinions with reply forms, open/close/publish, export, 议题转项目)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.consult import actions, export, selectors
from civicgrid.consult.errors import ConsultError, NotFound
from civicgrid.consult.forms import PollForm, ReplyForm, ToCaseForm, questions_text
from civicgrid.consult.models import PollStatus
from civicgrid.consult.views.common import holds_anywhere, needs, refused


@needs("consult.view_poll", staff=True)
def poll_list(request):
    status = request.GET.get("status", "")
    page = Paginator(selectors.staff_polls(request.user, status), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "consult/staff/polls.html",
        {
            "page": page,
            "status": status,
            "statuses": PollStatus.choices,
            "can_add": holds_anywhere(request.user, "consult.add_poll"),
        },
    )


def _initial(poll):
    return {
        "community": poll.community.code,
        "compound": str(poll.compound_id or ""),
        "title": poll.title,
        "description": poll.description,
        "electorate": poll.electorate,
        "anonymous": poll.anonymous,
        "opens_at": timezone.localtime(poll.opens_at),
        "closes_at": timezone.localtime(poll.closes_at),
        "questions": questions_text(poll),
    }


@needs("consult.add_poll")
def poll_edit(request, pk=None):
    poll = selectors.staff_poll(request.user, pk, "change") if pk else None
    if poll is not None and poll.status != PollStatus.DRAFT:
        messages.error(request, _("投票已发布，不能再修改题目。"))
        return redirect("consult:poll_manage", pk=poll.pk)
    if request.method == "POST":
        form = PollForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "title": data["title"],
                "description": data["description"],
                "electorate": data["electorate"],
                "anonymous": data["anonymous"],
                "opens_at": data["opens_at"],
                "closes_at": data["closes_at"],
                "questions": data["questions"],
                "compound": data["compound"] or None,
            }
            try:
                if poll is None:
                    poll = actions.create_poll(request.user, community=data["community"], **fields)
                else:
                    poll = actions.update_poll(poll, request.user, version=request.POST.get("version"), **fields)
            except ConsultError as error:
                if isinstance(error, NotFound):
                    raise Http404() from None
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已保存草稿。确认无误后请点“发布”。"))
                return redirect("consult:poll_manage", pk=poll.pk)
    else:
        form = PollForm(initial=_initial(poll) if poll else {}, user=request.user)
    status = 400 if request.method == "POST" else 200
    return render(request, "consult/staff/poll_form.html", {"form": form, "poll": poll}, status=status)


@needs("consult.view_poll", staff=True)
def poll_manage(request, pk):
    poll = selectors.staff_poll(request.user, pk)
    can_change = selectors.may(request.user, poll, "change")
    return render(
        request,
        "consult/staff/poll.html",
        {
            "poll": poll,
            "results": selectors.results(poll),
            "opinions": selectors.poll_opinions(poll)[:500],
            "can_change": can_change,
            "reply_form": ReplyForm(),
            "case_form": (
                ToCaseForm(initial={"description": poll.title})
                if can_change and poll.status == PollStatus.CLOSED and not poll.case_id
                else None
            ),
        },
    )


def _step(request, pk, action, done):
    try:
        action(pk, request.user, version=request.POST.get("version"))
    except ConsultError as error:
        refused(request, error)
    else:
        messages.success(request, done)
    return redirect("consult:poll_manage", pk=pk)


@require_POST
@needs("consult.change_poll")
def poll_open(request, pk):
    return _step(request, pk, actions.open_poll, _("投票已发布。"))


@require_POST
@needs("consult.change_poll")
def poll_close(request, pk):
    return _step(request, pk, actions.close_poll, _("投票已结束。"))


@require_POST
@needs("consult.change_poll")
def poll_publish(request, pk):
    return _step(request, pk, actions.publish_results, _("结果已公布，居民可以查看。"))


@require_POST
@needs("consult.change_poll")
def opinion_reply(request, pk, opinion):
    poll = selectors.staff_poll(request.user, pk, "change")
    if not selectors.poll_opinions(poll).filter(pk=opinion).exists():
        raise Http404()
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("consult:poll_manage", pk=pk)
    try:
        actions.reply_opinion(opinion, request.user, reply=form.cleaned_data["reply"])
    except ConsultError as error:
        refused(request, error)
    else:
        messages.success(request, _("已答复。"))
    return redirect("consult:poll_manage", pk=pk)


@require_POST
@needs("consult.change_poll")
def poll_to_case(request, pk):
    poll = selectors.staff_poll(request.user, pk, "change")
    form = ToCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("consult:poll_manage", pk=pk)
    try:
        case = actions.poll_to_case(
            poll, request.user, category=form.cleaned_data["category"], description=form.cleaned_data["description"]
        )
    except ConsultError as error:
        refused(request, error)
    else:
        messages.success(request, _("已转为案件 %(number)s。") % {"number": case.number})
    return redirect("consult:poll_manage", pk=pk)


@needs("consult.view_poll", staff=True)
def poll_export(request, pk):
    poll = selectors.staff_poll(request.user, pk)
    response = HttpResponse(
        export.poll_workbook(poll, request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}.xlsx"'
    return response
