"""投票: one ballot per eligible voter, even when two requests race.

Eligibility comes from base data through the people app's public selector: the account's phone
(by its keyed hash) must belong to a current resident of the poll's community (or compound); a
household poll counts that resident's household once, an adult poll each resident aged 18 or more.
The ballot stores a keyed hash of (poll, household or person) — unique per poll — so a second ballot
from the same household, even from another account or at the same instant, fails on the database's
unique constraint and is answered "already voted". Tallies move with F() in the same transaction.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from civicgrid.consult import events as consult_events
from civicgrid.consult.actions.common import MAX_TEXT, text
from civicgrid.consult.eligibility import eligibility, is_voting
from civicgrid.consult.errors import AlreadyVoted, InputError, NotFound, NotOpen
from civicgrid.consult.models import Ballot, Choice, Opinion, Option, Poll, PollStatus, QuestionKind, Turnout
from civicgrid.core import clock, events


def _clean_answers(poll, answers):
    """(option ids, [(question, text)]) from {question id: [option ids] | text}."""
    if not isinstance(answers, dict):
        raise InputError(_("提交的内容格式不正确。"))
    questions = list(poll.questions.prefetch_related("options"))
    known = {str(q.pk) for q in questions}
    if any(str(key) not in known for key in answers):
        raise InputError(_("提交了不属于本次投票的问题。"))
    chosen, opinions = [], []
    for number, question in enumerate(questions, start=1):
        value = answers.get(question.pk, answers.get(str(question.pk)))
        label = _("第 %(n)d 题") % {"n": number}
        if question.kind == QuestionKind.TEXT:
            body = text(
                value if isinstance(value, str) or value is None else None, label, MAX_TEXT, required=question.required
            )
            if body:
                opinions.append((question, body))
            continue
        values = [] if value in (None, "") else value if isinstance(value, list | tuple) else [value]
        option_ids = {o.pk for o in question.options.all()}
        picked = set()
        for raw in values:
            try:
                option = int(raw)
            except (TypeError, ValueError):
                raise InputError(_("%(label)s的选项不正确。") % {"label": label}) from None
            if option not in option_ids:
                raise InputError(_("%(label)s的选项不正确。") % {"label": label})
            picked.add(option)
        if len(picked) != len(values):
            raise InputError(_("%(label)s有重复的选项。") % {"label": label})
        if not picked and not question.required:
            continue
        if not question.min_choices <= len(picked) <= question.max_choices:
            if question.kind == QuestionKind.SINGLE:
                raise InputError(_("%(label)s请选择一项。") % {"label": label})
            raise InputError(
                _("%(label)s请选择 %(low)d 至 %(high)d 项。")
                % {"label": label, "low": max(question.min_choices, 1), "high": question.max_choices}
            )
        chosen.extend(sorted(picked))
    if not chosen and not opinions:
        raise InputError(_("请至少回答一个问题。"))
    return chosen, opinions


@transaction.atomic
def cast_vote(poll, user, *, answers):
    """投票: count `user`'s answers once for their household (or themselves). Raises NotFound out of
    scope, NotOpen, NotEligible, InputError or AlreadyVoted — and then writes nothing."""
    pk = poll.pk if isinstance(poll, Poll) else poll
    try:
        poll = Poll.objects.restrict(user, "view").exclude(status=PollStatus.DRAFT).get(pk=int(pk))
    except (Poll.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    at = clock.now()
    if not is_voting(poll, at):
        raise NotOpen(_("投票尚未开始。") if poll.status == PollStatus.OPEN and at < poll.opens_at else None)
    key, refusal = eligibility(poll, user)
    if refusal is not None:
        raise refusal
    chosen, opinions = _clean_answers(poll, answers)
    ballot = count_ballot(poll, key, user, chosen, opinions, at)
    events.publish(
        consult_events.VoteCast(
            poll_id=poll.pk,
            region_code=poll.region_code,
            actor_id=None if poll.anonymous else user.pk,
            origin=poll.origin,
            ballot_id=ballot.pk,
            voter_id=None if poll.anonymous else user.pk,
        )
    )
    return ballot


def count_ballot(poll, key, user, chosen, opinions, at):
    """Write one ballot under `key` and move the tallies (inside the caller's transaction);
    AlreadyVoted when a ballot under that key exists — also one committed a moment ago by a racing
    request (the unique constraint decides; the savepoint keeps the transaction usable)."""
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(poll=poll, voter_key=key, user=None if poll.anonymous else user, cast_at=at)
    except IntegrityError:
        raise AlreadyVoted() from None
    if user is not None:
        Turnout.objects.get_or_create(poll=poll, user=user)
    Choice.objects.bulk_create([Choice(ballot=ballot, option_id=o) for o in chosen])
    Opinion.objects.bulk_create([Opinion(ballot=ballot, question=q, text=body) for q, body in opinions])
    if chosen:
        Option.objects.filter(pk__in=chosen).update(votes=F("votes") + 1)
    Poll.objects.filter(pk=poll.pk).update(ballot_count=F("ballot_count") + 1)
    return ballot
