"""Round-table meetings (圆桌会 / 议事会), on the organiser's laptop: the list, calling a meeting, and
its page (participants, agenda cases, minutes, decisions followed to closure)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.consult import actions, selectors
from civicgrid.consult.errors import ConsultError, NotFound
from civicgrid.consult.forms import (
    AgendaForm,
    CloseDecisionForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    ParticipantForm,
)
from civicgrid.consult.views.common import holds_anywhere, needs, refused


@needs("consult.view_meeting")
def meeting_list(request):
    page = Paginator(selectors.meetings(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "consult/staff/meetings.html",
        {"page": page, "can_add": holds_anywhere(request.user, "consult.add_meeting")},
    )


@needs("consult.add_meeting")
def meeting_new(request):
    if request.method == "POST":
        form = MeetingForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                meeting = actions.call_meeting(request.user, **form.cleaned_data)
            except NotFound:
                raise Http404() from None
            except ConsultError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已召集圆桌会。"))
                return redirect("consult:meeting", pk=meeting.pk)
        return render(request, "consult/staff/meeting_form.html", {"form": form}, status=400)
    return render(request, "consult/staff/meeting_form.html", {"form": MeetingForm(user=request.user)})


@needs("consult.view_meeting")
def meeting(request, pk):
    meeting = selectors.meeting(request.user, pk)
    can_change = selectors.may(request.user, meeting, "change")
    context = {"meeting": meeting, "can_change": can_change}
    if can_change:
        context.update(
            # Each form its own ids (two of them have a "kind"): labels find their fields.
            participant_form=ParticipantForm(user=request.user, meeting=meeting, auto_id="participant_%s"),
            agenda_form=AgendaForm(auto_id="agenda_%s"),
            minutes_form=MinutesForm(initial={"minutes": meeting.minutes}, auto_id="minutes_%s"),
            decision_form=DecisionForm(auto_id="decision_%s"),
            close_form=CloseDecisionForm(auto_id="close_%s"),
        )
    return render(request, "consult/staff/meeting.html", context)


def _form_errors(request, form):
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


def _post(request, pk, form, call, done):
    """Validate `form`, call `call(cleaned_data)`; a refusal is a message, out of scope a 404."""
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            call(form.cleaned_data)
        except ConsultError as error:
            refused(request, error)
        else:
            messages.success(request, done)
    return redirect("consult:meeting", pk=pk)


@require_POST
@needs("consult.change_meeting")
def meeting_participant(request, pk):
    meeting = selectors.meeting(request.user, pk, "change")
    form = ParticipantForm(request.POST, user=request.user, meeting=meeting)
    return _post(request, pk, form, lambda d: actions.add_participant(meeting, request.user, **d), _("已添加参会方。"))


@require_POST
@needs("consult.change_meeting")
def meeting_agenda(request, pk):
    meeting = selectors.meeting(request.user, pk, "change")
    return _post(
        request,
        pk,
        AgendaForm(request.POST),
        lambda d: actions.add_agenda_case(meeting, request.user, **d),
        _("已加入议程。"),
    )


@require_POST
@needs("consult.change_meeting")
def meeting_minutes(request, pk):
    meeting = selectors.meeting(request.user, pk, "change")
    return _post(
        request,
        pk,
        MinutesForm(request.POST),
        lambda d: actions.record_minutes(meeting, request.user, **d),
        _("纪要已保存。"),
    )


@require_POST
@needs("consult.change_meeting")
def meeting_decision(request, pk):
    meeting = selectors.meeting(request.user, pk, "change")
    return _post(
        request,
        pk,
        DecisionForm(request.POST),
        lambda d: actions.add_decision(meeting, request.user, **d),
        _("已记录决定。"),
    )


@require_POST
@needs("consult.change_meeting")
def decision_close(request, pk, decision):
    if not selectors.meeting(request.user, pk, "change").decisions.filter(pk=decision).exists():
        raise Http404()
    return _post(
        request,
        pk,
        CloseDecisionForm(request.POST),
        lambda d: actions.close_decision(decision, request.user, **d),
        _("决定已办结。"),
    )
