"""The resident's phone pages: 议事协商 (open polls of my community, closed ones with results), a
poll (vote, or what my household voted and the result once published), and 我的意见 (my opinions
with the staff's replies)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.consult import actions, selectors
from civicgrid.consult.eligibility import is_voting
from civicgrid.consult.errors import AlreadyVoted, ConsultError
from civicgrid.consult.models import QuestionKind
from civicgrid.consult.views.common import needs, refused

MAX_FIELDS = 200


@needs("consult.view_poll")
def polls(request):
    open_polls, done = selectors.resident_polls(request.user)
    return render(request, "consult/resident/polls.html", {"open_polls": open_polls, "done": done})


def _context(request, poll, answers=None):
    refusal, ballot = selectors.voter_view(poll, request.user)
    questions = selectors.question_order(poll)
    return {
        "poll": poll,
        "questions": questions,
        "voting": is_voting(poll),
        "refusal": refusal,
        "ballot": ballot,
        "chosen": set(ballot.choices.values_list("option_id", flat=True)) if ballot else set(),
        "results": selectors.results(poll) if poll.results_published else None,
        "answers": answers or {},
    }


@needs("consult.view_poll")
def poll(request, pk):
    poll = selectors.resident_poll(request.user, pk)
    return render(request, "consult/resident/poll.html", _context(request, poll))


def _answers(request, poll):
    answers = {}
    if len(request.POST) > MAX_FIELDS:
        return None
    for question in poll.questions.all():
        key = f"q{question.pk}"
        if question.kind == QuestionKind.TEXT:
            answers[question.pk] = request.POST.get(key, "")
        elif question.kind == QuestionKind.SINGLE:
            value = request.POST.get(key, "")
            answers[question.pk] = [value] if value else []
        else:
            answers[question.pk] = request.POST.getlist(key)[:100]
    return answers


@require_POST
@needs("consult.view_poll")
def vote(request, pk):
    poll = selectors.resident_poll(request.user, pk)
    answers = _answers(request, poll)
    try:
        if answers is None:
            raise ConsultError(_("提交的内容过多。"))
        actions.cast_vote(poll, request.user, answers=answers)
    except AlreadyVoted as error:
        messages.info(request, error.message)
        return redirect("consult:poll", pk=poll.pk)
    except ConsultError as error:
        refused(request, error)
        context = _context(request, poll, answers)
        return render(request, "consult/resident/poll.html", context, status=400)
    messages.success(request, _("投票成功，感谢您的参与！"))
    return redirect("consult:poll", pk=poll.pk)


@needs("consult.view_poll")
def mine(request):
    return render(request, "consult/resident/mine.html", {"opinions": selectors.my_opinions(request.user)})
