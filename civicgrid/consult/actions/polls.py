"""Organising a poll: create and edit (a draft), open, close, publish the result, reply to opinions,
and 议题转项目 (the outcome filed as a case through the cases app's report action)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from civicgrid.cases import actions as case_actions
from civicgrid.cases.errors import CaseError
from civicgrid.cases.models import Source
from civicgrid.consult import events as consult_events
from civicgrid.consult.actions.common import MAX_TEXT, MAX_TITLE, community_for, text
from civicgrid.consult.errors import InputError, NotFound, WrongState
from civicgrid.consult.models import Electorate, Opinion, Option, Poll, PollStatus, Question, QuestionKind
from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.people.models import Compound

MAX_QUESTIONS = 20
MAX_OPTIONS = 20
MAX_OPTION = 100
MAX_QUESTION = 200
MAX_DURATION = timedelta(days=366)
LOGGED = ["title", "description", "electorate", "anonymous", "status", "opens_at", "closes_at", "compound"]


def _bool(value):
    return value in (True, "1", "on", "true", "True", 1)


def _int(value, label):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError(_("%(label)s应为整数。") % {"label": label}) from None


def clean_questions(questions):
    """The questions as rows to write: [(kind, text, min, max, required, [option texts])]."""
    if not isinstance(questions, list | tuple) or not questions:
        raise InputError(_("请至少设置一个问题。"))
    if len(questions) > MAX_QUESTIONS:
        raise InputError(_("问题不能超过 %(n)d 个。") % {"n": MAX_QUESTIONS})
    rows = []
    for number, question in enumerate(questions, start=1):
        if not isinstance(question, dict):
            raise InputError(_("第 %(n)d 题格式不正确。") % {"n": number})
        label = _("第 %(n)d 题") % {"n": number}
        kind = question.get("kind")
        if kind not in QuestionKind.values:
            raise InputError(_("%(label)s的题型不正确。") % {"label": label})
        body = text(question.get("text"), label, MAX_QUESTION)
        raw_options = question.get("options") or []
        if not isinstance(raw_options, list | tuple):
            raise InputError(_("%(label)s的选项格式不正确。") % {"label": label})
        options = [text(o, _("%(label)s的选项") % {"label": label}, MAX_OPTION) for o in raw_options]
        required = _bool(question.get("required", True))
        if kind == QuestionKind.TEXT:
            if options:
                raise InputError(_("%(label)s是意见题，不能设置选项。") % {"label": label})
            rows.append((kind, body, 0, 0, required, []))
            continue
        if len(options) < 2:
            raise InputError(_("%(label)s至少需要两个选项。") % {"label": label})
        if len(options) > MAX_OPTIONS:
            raise InputError(_("%(label)s的选项不能超过 %(n)d 个。") % {"label": label, "n": MAX_OPTIONS})
        if len(set(options)) != len(options):
            raise InputError(_("%(label)s有重复的选项。") % {"label": label})
        if kind == QuestionKind.SINGLE:
            low = high = 1
        else:
            low = _int(question.get("min", 1), _("最少选择"))
            high = _int(question.get("max", len(options)), _("最多选择"))
            if not 1 <= low <= high <= len(options):
                raise InputError(
                    _("%(label)s的最少、最多选择数应满足 1 ≤ 最少 ≤ 最多 ≤ 选项数（%(n)d）。")
                    % {"label": label, "n": len(options)}
                )
        rows.append((kind, body, low if required else 0, high, required, options))
    return rows


def _times(opens_at, closes_at, at):
    if opens_at is None or closes_at is None or not hasattr(opens_at, "tzinfo") or not hasattr(closes_at, "tzinfo"):
        raise InputError(_("请填写开始时间和截止时间。"))
    if closes_at <= opens_at:
        raise InputError(_("截止时间应晚于开始时间。"))
    if closes_at <= at:
        raise InputError(_("截止时间应晚于现在。"))
    if closes_at - opens_at > MAX_DURATION:
        raise InputError(_("投票时长不能超过一年。"))
    if opens_at < at - MAX_DURATION:
        raise InputError(_("开始时间不正确。"))
    return opens_at, closes_at


def _compound(compound, community):
    if compound in (None, ""):
        return None
    if not isinstance(compound, Compound):
        compound = Compound.objects.filter(pk=_int(compound, _("小区"))).first()
    if compound is None or compound.community_id != community.pk:
        raise InputError(_("所选小区不在该社区。"))
    return compound


def _write_questions(poll, rows):
    for seq, (kind, body, low, high, required, options) in enumerate(rows, start=1):
        question = Question.objects.create(
            poll=poll, seq=seq, kind=kind, text=body, min_choices=low, max_choices=high, required=required
        )
        Option.objects.bulk_create([Option(question=question, seq=i, text=o) for i, o in enumerate(options, start=1)])


@transaction.atomic
def create_poll(
    user,
    *,
    community,
    title,
    questions,
    opens_at,
    closes_at,
    description="",
    electorate=Electorate.HOUSEHOLD,
    anonymous=False,
    compound=None,
    origin="consult",
):
    """A draft poll for `community` (optionally one compound of it: another app — old-compound
    renovation — asks that compound's households). `questions`: [{"kind": single|multiple|text,
    "text", "options": [...], "min", "max", "required"}]. Open it with open_poll."""
    community = community_for(user, "consult.add_poll", community)
    title = text(title, _("标题"), MAX_TITLE)
    description = text(description, _("说明"), MAX_TEXT, required=False)
    if electorate not in Electorate.values:
        raise InputError(_("请选择投票资格。"))
    opens_at, closes_at = _times(opens_at, closes_at, clock.now())
    rows = clean_questions(questions)
    origin = text(origin, _("来源"), 32)
    poll = Poll.objects.create(
        title=title,
        description=description,
        community=community,
        compound=_compound(compound, community),
        region_code=community.code,
        electorate=electorate,
        anonymous=_bool(anonymous),
        opens_at=opens_at,
        closes_at=closes_at,
        origin=origin,
        created_by=user,
    )
    _write_questions(poll, rows)
    record_change(user, poll, ObjectChange.Action.CREATE, after=snapshot(poll, LOGGED))
    return poll


def _lock(poll, user, action="change"):
    pk = poll.pk if isinstance(poll, Poll) else poll
    try:
        return Poll.objects.restrict(user, action).select_for_update().get(pk=int(pk))
    except (Poll.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def _check_version(poll, version):
    if version is not None and str(version) != str(poll.version):
        raise WrongState(_("投票已被他人修改，请刷新后重试。"))


@transaction.atomic
def update_poll(
    poll,
    user,
    *,
    version=None,
    title,
    questions,
    opens_at,
    closes_at,
    description="",
    electorate,
    anonymous=False,
    compound=None,
):
    """Edit a draft (a poll once opened keeps its questions: ballots were cast on them)."""
    poll = _lock(poll, user)
    _check_version(poll, version)
    if poll.status != PollStatus.DRAFT:
        raise WrongState(_("投票已发布，不能再修改题目。"))
    before = snapshot(poll, LOGGED)
    poll.title = text(title, _("标题"), MAX_TITLE)
    poll.description = text(description, _("说明"), MAX_TEXT, required=False)
    if electorate not in Electorate.values:
        raise InputError(_("请选择投票资格。"))
    poll.electorate = electorate
    poll.anonymous = _bool(anonymous)
    poll.opens_at, poll.closes_at = _times(opens_at, closes_at, clock.now())
    poll.compound = _compound(compound, poll.community)
    rows = clean_questions(questions)
    poll.questions.all().delete()
    _write_questions(poll, rows)
    poll.version = F("version") + 1
    poll.save()
    poll.refresh_from_db()
    record_change(user, poll, ObjectChange.Action.UPDATE, before=before, after=snapshot(poll, LOGGED))
    return poll


def _event(cls, poll, user, **extra):
    return cls(
        poll_id=poll.pk, region_code=poll.region_code, actor_id=user.pk if user else None, origin=poll.origin, **extra
    )


def _transit(poll, user, status, note, **fields):
    before = snapshot(poll, LOGGED)
    poll.status = status
    for name, value in fields.items():
        setattr(poll, name, value)
    poll.version += 1
    poll.save(update_fields=["status", "version", "updated_at", *fields])
    record_change(user, poll, ObjectChange.Action.UPDATE, before=before, after=snapshot(poll, LOGGED), note=note)


@transaction.atomic
def open_poll(poll, user, *, version=None):
    """发布: the poll opens to its electorate (voting starts at its opening time)."""
    poll = _lock(poll, user)
    _check_version(poll, version)
    if poll.status != PollStatus.DRAFT:
        raise WrongState(_("只有草稿可以发布。"))
    if poll.closes_at <= clock.now():
        raise WrongState(_("截止时间已过，请先修改时间。"))
    if not poll.questions.exists():
        raise WrongState(_("请至少设置一个问题。"))
    _transit(poll, user, PollStatus.OPEN, _("发布"))
    events.publish(_event(consult_events.PollOpened, poll, user, closes_at=poll.closes_at))
    return poll


def _close(poll, user, at, note):
    _transit(poll, user, PollStatus.CLOSED, note, closes_at=min(poll.closes_at, at))
    events.publish(_event(consult_events.PollClosed, poll, user, ballots=poll.ballot_count))


@transaction.atomic
def close_poll(poll, user, *, version=None):
    """结束: voting ends now (or at its closing time, if that has passed)."""
    poll = _lock(poll, user)
    _check_version(poll, version)
    if poll.status != PollStatus.OPEN:
        raise WrongState(_("只有进行中的投票可以结束。"))
    _close(poll, user, clock.now(), _("结束投票"))
    return poll


def close_due_polls():
    """The periodic job: polls whose closing time has passed are closed (PollClosed, actor None)."""
    at = clock.now()
    closed = 0
    for pk in Poll.objects.filter(status=PollStatus.OPEN, closes_at__lte=at).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            poll = Poll.objects.select_for_update().filter(pk=pk, status=PollStatus.OPEN).first()
            if poll is not None:
                _close(poll, None, at, _("到期自动结束"))
                closed += 1
    return closed


@transaction.atomic
def publish_results(poll, user, *, version=None):
    """公布结果: the electorate sees the tallies (a closed poll only)."""
    poll = _lock(poll, user)
    _check_version(poll, version)
    if poll.status != PollStatus.CLOSED:
        raise WrongState(_("投票结束后才能公布结果。"))
    if poll.results_published:
        return poll
    poll.results_published = True
    poll.version += 1
    poll.save(update_fields=["results_published", "version", "updated_at"])
    record_change(
        user,
        poll,
        ObjectChange.Action.UPDATE,
        note=_("公布结果"),
        before={"results_published": False},
        after={"results_published": True},
    )
    events.publish(_event(consult_events.PollResultsPublished, poll, user))
    return poll


@transaction.atomic
def reply_opinion(opinion, user, *, reply):
    """答复意见: staff answer a free-text opinion; a named voter hears of it in the inbox."""
    pk = opinion.pk if isinstance(opinion, Opinion) else opinion
    polls = Poll.objects.restrict(user, "change")
    try:
        opinion = Opinion.objects.select_for_update().select_related("ballot").get(pk=int(pk), ballot__poll__in=polls)
    except (Opinion.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    reply = text(reply, _("答复"), MAX_TEXT)
    poll = Poll.objects.get(pk=opinion.ballot.poll_id)
    opinion.reply, opinion.replied_by, opinion.replied_at = reply, user, clock.now()
    opinion.save(update_fields=["reply", "replied_by", "replied_at"])
    record_change(user, poll, ObjectChange.Action.UPDATE, note=_("答复意见"), after={"opinion": opinion.pk})
    events.publish(_event(consult_events.OpinionReplied, poll, user, opinion_id=opinion.pk))
    if opinion.ballot.user_id:
        events.publish(
            events.MessageSent(
                user_ids=(opinion.ballot.user_id,),
                title=_("您的意见已收到答复：%(title)s") % {"title": poll.title},
                body=reply[:200],
                url=reverse("consult:mine"),
                topic="consult",
            )
        )
    return opinion


@transaction.atomic
def poll_to_case(poll, user, *, category, description, version=None):
    """议题转项目: file the poll's outcome as a case (工作人员代录, in the poll's community) through the
    cases app's report action, and link it back to the poll."""
    poll = _lock(poll, user)
    _check_version(poll, version)
    if poll.status != PollStatus.CLOSED:
        raise WrongState(_("投票结束后才能转为案件。"))
    if poll.case_id:
        raise WrongState(_("该投票已转为案件。"))
    description = text(description, _("案件描述"), 2000)
    try:
        case = case_actions.report_case(
            user,
            category=category,
            description=description,
            source=Source.STAFF_ENTRY,
            title=poll.title[:100],
            region=poll.community,
        ).case
    except CaseError as error:
        raise InputError(error.message) from None
    poll.case = case
    poll.version += 1
    poll.save(update_fields=["case", "version", "updated_at"])
    record_change(user, poll, ObjectChange.Action.UPDATE, note=_("转为案件"), after={"case": case.number})
    events.publish(_event(consult_events.PollConvertedToCase, poll, user, case_id=case.pk))
    return case
