"""The read path of 议事协商: every query starts from `restrict(user, action)`, so a poll or meeting
outside the user's community or subtree is simply absent (404)."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from civicgrid.consult.eligibility import eligibility, my_ballot
from civicgrid.consult.errors import NotFound
from civicgrid.consult.models import (
    Ballot,
    Decision,
    Meeting,
    Opinion,
    Option,
    Poll,
    PollStatus,
    QuestionKind,
    Turnout,
)
from civicgrid.core import clock

RESIDENT_LIST = 50


def _get(queryset, pk):
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


# --- Residents ----------------------------------------------------------------------------------


def resident_polls(user):
    """(voting now, closed with published results) in the user's community, newest first."""
    at = clock.now()
    polls = Poll.objects.restrict(user, "view").exclude(status=PollStatus.DRAFT)
    voted = Turnout.objects.filter(poll=OuterRef("pk"), user=user)
    open_polls = polls.filter(status=PollStatus.OPEN, opens_at__lte=at, closes_at__gt=at).annotate(voted=Exists(voted))
    done = polls.filter(Q(status=PollStatus.CLOSED) | Q(closes_at__lte=at), results_published=True)
    return list(open_polls.order_by("closes_at")[:RESIDENT_LIST]), list(done.order_by("-closes_at")[:RESIDENT_LIST])


def unvoted_count(user):
    """The home tile's badge: open polls of the user's community the account has not voted in (one query)."""
    if not user.is_authenticated:
        return None
    at = clock.now()
    return (
        Poll.objects.restrict(user, "view")
        .filter(status=PollStatus.OPEN, opens_at__lte=at, closes_at__gt=at)
        .exclude(Exists(Turnout.objects.filter(poll=OuterRef("pk"), user=user)))
        .count()
        or None
    )


def resident_poll(user, pk):
    return _get(Poll.objects.restrict(user, "view").exclude(status=PollStatus.DRAFT).select_related("compound"), pk)


def voter_view(poll, user):
    """(eligibility refusal or None, the ballot counted for the user's household or them or None)."""
    _key, refusal = eligibility(poll, user)
    return refusal, (None if refusal else my_ballot(poll, user))


def my_opinions(user, limit=30):
    """The user's opinions with staff replies, in the polls of their community (anonymous polls by
    the user's own voter key: the ballot names no account)."""
    polls = list(
        Poll.objects.restrict(user, "view")
        .exclude(status=PollStatus.DRAFT)
        .filter(questions__kind=QuestionKind.TEXT)
        .distinct()
        .order_by("-opens_at")[:limit]
    )
    ballots = [b for b in (my_ballot(p, user) for p in polls) if b is not None]
    return list(
        Opinion.objects.filter(ballot__in=ballots).select_related("question__poll").order_by("-ballot__cast_at", "pk")
    )


# --- Results ------------------------------------------------------------------------------------


def results(poll):
    """[(question, [(option, votes, percent of ballots)], opinion count)] from the cached tallies."""
    questions = poll.questions.prefetch_related(Prefetch("options", queryset=Option.objects.order_by("seq")))
    ballots = poll.ballot_count
    rows = []
    for question in questions:
        options = [(o, o.votes, round(100 * o.votes / ballots, 1) if ballots else 0) for o in question.options.all()]
        top = max((v for _o, v, _p in options), default=0)
        rows.append(
            {
                "question": question,
                "options": [{"option": o, "votes": v, "percent": p, "top": top and v == top} for o, v, p in options],
                "opinions": question.opinions.count() if question.kind == QuestionKind.TEXT else 0,
            }
        )
    return rows


# --- Staff --------------------------------------------------------------------------------------


def staff_polls(user, status=""):
    polls = Poll.objects.restrict(user, "view").select_related("community", "compound")
    if status in PollStatus.values:
        polls = polls.filter(status=status)
    return polls


def staff_poll(user, pk, action="view"):
    return _get(Poll.objects.restrict(user, action).select_related("community", "compound", "case"), pk)


def may(user, obj, action):
    """Whether `user` may `action` ("change") this poll or meeting."""
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


def poll_opinions(poll):
    return Opinion.objects.filter(ballot__poll=poll).select_related("question", "replied_by").order_by("pk")


def tallies_from_rows(poll):
    """(ballots, {option id: votes}) counted from the rows (check_poll_counts compares them)."""
    from django.db.models import Count

    counted = dict(Option.objects.filter(question__poll=poll).annotate(n=Count("choices")).values_list("pk", "n"))
    return Ballot.objects.filter(poll=poll).count(), counted


def meetings(user):
    return Meeting.objects.restrict(user, "view").select_related("community")


def meeting(user, pk, action="view"):
    return _get(
        Meeting.objects.restrict(user, action)
        .select_related("community")
        .prefetch_related(
            "participants",
            "agenda__case",
            Prefetch("decisions", queryset=Decision.objects.select_related("case")),
        ),
        pk,
    )


def question_order(poll):
    return list(poll.questions.prefetch_related("options"))
