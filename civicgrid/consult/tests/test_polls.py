"""Polls: creating (bad input refused, nothing written), eligibility from base data, one ballot per
household or adult (named and anonymous), closing, publishing, replies, 议题转项目, the recount."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from civicgrid.cases.models import Case
from civicgrid.consult import actions, selectors
from civicgrid.consult.errors import AlreadyVoted, InputError, NotEligible, NotFound, NotOpen, WrongState
from civicgrid.consult.models import Ballot, Electorate, Opinion, Option, Poll, PollStatus, Turnout
from civicgrid.consult.tests.conftest import QUESTIONS, answers_for, make_poll
from civicgrid.core import changelog, clock
from civicgrid.core.models import ObjectChange
from civicgrid.people.models import Compound

pytestmark = pytest.mark.django_db


def counts():
    return (Poll.objects.count(), Ballot.objects.count(), Opinion.objects.count(), Turnout.objects.count())


# --- Creating ---------------------------------------------------------------------------------------


def test_create_open_and_the_change_log(world):
    poll = make_poll(world)
    assert poll.status == PollStatus.OPEN and poll.region_code == world.tree["S1C1"].code
    assert [q.kind for q in poll.questions.all()] == ["single", "multiple", "text"]
    assert len(changelog.changes_for(poll)) == 2


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "请至少设置一个问题"),
        ([{"kind": "single", "text": "只有一个选项", "options": ["是"]}], "至少需要两个选项"),
        ([{"kind": "single", "text": "没有选项", "options": []}], "至少需要两个选项"),
        ([{"kind": "multiple", "text": "多选", "options": ["a", "b"], "min": 2, "max": 3}], "最少、最多"),
        ([{"kind": "multiple", "text": "多选", "options": ["a", "b"], "min": 0, "max": 1}], "最少、最多"),
        ([{"kind": "single", "text": "重复", "options": ["a", "a"]}], "重复"),
        ([{"kind": "vote", "text": "?", "options": ["a", "b"]}], "题型"),
        ([{"kind": "single", "text": "控制\x07字符", "options": ["a", "b"]}], "控制字符"),
        ([{"kind": "single", "text": "长" * 201, "options": ["a", "b"]}], "不能超过"),
        ([{"kind": "single", "text": "选项太多", "options": [str(i) for i in range(21)]}], "不能超过"),
        ([QUESTIONS[0]] * 21, "不能超过"),
        ([{"kind": "text", "text": "意见", "options": ["a"]}], "不能设置选项"),
        (["not a dict"], "格式不正确"),
    ],
)
def test_bad_questions_are_refused_and_nothing_is_written(world, questions, message):
    before = counts()
    with pytest.raises(InputError, match=message):
        make_poll(world, questions=questions, open_it=False)
    assert counts() == before


def test_bad_times_and_texts_are_refused(world):
    now = clock.now()
    before = counts()
    with pytest.raises(InputError, match="截止时间应晚于开始时间"):
        make_poll(world, opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=1), open_it=False)
    with pytest.raises(InputError, match="截止时间应晚于现在"):
        make_poll(world, opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1), open_it=False)
    with pytest.raises(InputError, match="一年"):
        make_poll(world, opens_at=now, closes_at=now + timedelta(days=400), open_it=False)
    with pytest.raises(InputError, match="控制字符"):
        make_poll(world, title="标题\x00", open_it=False)
    with pytest.raises(InputError, match="不能超过"):
        make_poll(world, title="长" * 101, open_it=False)
    with pytest.raises(InputError, match="投票资格"):
        make_poll(world, electorate="everyone", open_it=False)
    assert counts() == before


def test_only_organisers_in_scope_create_and_change(world):
    p = world.people
    before = counts()
    for user in (p.resident, p.grid, p.dept, p.community_neighbour):
        with pytest.raises(NotFound):
            actions.create_poll(
                user,
                community=world.tree["S1C1"],
                title="x",
                questions=QUESTIONS,
                opens_at=clock.now(),
                closes_at=clock.now() + timedelta(days=1),
            )
    assert counts() == before
    poll = make_poll(world, open_it=False)
    changes = ObjectChange.objects.count()
    for user in (p.resident, p.grid, p.dept, p.community_neighbour, p.street_neighbour):
        with pytest.raises(NotFound):
            actions.open_poll(poll, user)
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.DRAFT and ObjectChange.objects.count() == changes
    # Street staff above the community may.
    assert actions.open_poll(poll, p.street).status == PollStatus.OPEN


def test_a_compound_must_lie_in_the_community(world, voters):
    elsewhere = Compound.objects.create(name="邻社区小区", community=world.tree["S1C2"], region_code="410103001002")
    with pytest.raises(InputError, match="不在该社区"):
        make_poll(world, compound=elsewhere, open_it=False)


# --- Voting -----------------------------------------------------------------------------------------


def test_one_vote_per_household(world, voters):
    poll = make_poll(world)
    u = voters.users
    ballot = actions.cast_vote(poll, u.head, answers=answers_for(poll, text="建议装监控"))
    assert ballot.user == u.head and len(ballot.voter_key) == 64
    before = counts()
    with pytest.raises(AlreadyVoted):
        actions.cast_vote(poll, u.spouse, answers=answers_for(poll))  # the same household
    with pytest.raises(AlreadyVoted):
        actions.cast_vote(poll, u.head, answers=answers_for(poll))
    assert counts() == before
    actions.cast_vote(poll, u.kid, answers=answers_for(poll, single=1, multiple=(1, 2)))  # another household
    poll.refresh_from_db()
    assert poll.ballot_count == 2
    assert [o.votes for o in Option.objects.filter(question__poll=poll).order_by("question__seq", "seq")] == [
        1,
        1,
        1,
        1,
        1,
    ]
    assert selectors.unvoted_count(u.head) is None and selectors.unvoted_count(u.outsider) == 1


def test_adult_polls_count_each_adult_and_refuse_children(world, voters):
    poll = make_poll(world, electorate=Electorate.ADULT)
    u = voters.users
    actions.cast_vote(poll, u.head, answers=answers_for(poll))
    actions.cast_vote(poll, u.spouse, answers=answers_for(poll))
    with pytest.raises(NotEligible, match="18"):
        actions.cast_vote(poll, u.kid, answers=answers_for(poll))
    assert Poll.objects.get(pk=poll.pk).ballot_count == 2


def test_anonymous_ballots_name_nobody_but_still_count_once(world, voters):
    poll = make_poll(world, anonymous=True)
    u = voters.users
    ballot = actions.cast_vote(poll, u.head, answers=answers_for(poll, text="匿名意见"))
    assert ballot.user is None and not Ballot.objects.filter(user__isnull=False).exists()
    with pytest.raises(AlreadyVoted):
        actions.cast_vote(poll, u.spouse, answers=answers_for(poll))
    # The voter still finds their own opinion (by their key), and the badge knows they voted.
    assert [o.text for o in selectors.my_opinions(u.head)] == ["匿名意见"]
    assert selectors.unvoted_count(u.head) is None


def test_ineligible_voters_are_refused_and_nothing_changes(world, voters):
    poll = make_poll(world)
    u = voters.users
    before = counts()
    with pytest.raises(NotEligible):
        actions.cast_vote(poll, u.unknown, answers=answers_for(poll))  # no person with that phone
    with pytest.raises(NotEligible):
        actions.cast_vote(poll, world.people.community, answers=answers_for(poll))  # staff, no phone
    compound_poll = make_poll(world, compound=voters.compound)
    with pytest.raises(NotEligible):
        actions.cast_vote(compound_poll, u.outsider, answers=answers_for(compound_poll))  # not in the compound
    assert counts()[1:] == before[1:]
    actions.cast_vote(compound_poll, u.head, answers=answers_for(compound_poll))


def test_a_resident_of_another_community_gets_not_found(world, voters):
    poll = make_poll(world)
    before = counts()
    with pytest.raises(NotFound):
        actions.cast_vote(poll, voters.users.neighbour, answers=answers_for(poll))
    with pytest.raises(NotFound):
        selectors.resident_poll(voters.users.neighbour, poll.pk)
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a, q: a.update({q[0].pk: []}), "请选择一项"),
        (lambda a, q: a.update({q[1].pk: [o.pk for o in q[1].options.all()]}), "请选择 1 至 2 项"),
        (lambda a, q: a.update({q[1].pk: [q[0].options.all()[0].pk]}), "选项不正确"),
        (lambda a, q: a.update({q[1].pk: ["x"]}), "选项不正确"),
        (lambda a, q: a.update({q[1].pk: [q[1].options.all()[0].pk] * 2}), "重复"),
        (lambda a, q: a.update({q[2].pk: "意见\x1b"}), "控制字符"),
        (lambda a, q: a.update({q[2].pk: "长" * 2001}), "不能超过"),
        (lambda a, q: a.update({999999: ["1"]}), "不属于"),
    ],
)
def test_bad_ballots_are_refused_and_nothing_is_counted(world, voters, change, message):
    poll = make_poll(world)
    answers = answers_for(poll)
    change(answers, list(poll.questions.order_by("seq").prefetch_related("options")))
    before = counts()
    with pytest.raises(InputError, match=message):
        actions.cast_vote(poll, voters.users.head, answers=answers)
    assert counts() == before
    assert sum(Option.objects.filter(question__poll=poll).values_list("votes", flat=True)) == 0


def test_no_votes_before_opening_or_after_closing(world, voters):
    now = clock.now()
    draft = make_poll(world, open_it=False)
    with pytest.raises(NotFound):
        actions.cast_vote(draft, voters.users.head, answers=answers_for(draft))
    later = make_poll(world, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    with pytest.raises(NotOpen, match="尚未开始"):
        actions.cast_vote(later, voters.users.head, answers=answers_for(later))
    poll = make_poll(world)
    actions.close_poll(poll, world.people.community)
    with pytest.raises(NotOpen):
        actions.cast_vote(poll, voters.users.head, answers=answers_for(poll))
    assert Ballot.objects.count() == 0


# --- Closing, results, replies, cases --------------------------------------------------------------


def test_close_before_open_and_publish_before_close_are_refused(world):
    poll = make_poll(world, open_it=False)
    with pytest.raises(WrongState):
        actions.close_poll(poll, world.people.community)
    with pytest.raises(WrongState):
        actions.publish_results(poll, world.people.community)
    actions.open_poll(poll, world.people.community)
    with pytest.raises(WrongState):
        actions.open_poll(poll, world.people.community)
    with pytest.raises(WrongState):
        actions.publish_results(poll, world.people.community)
    closed = actions.close_poll(poll, world.people.community)
    assert closed.closes_at <= clock.now()
    assert actions.publish_results(poll, world.people.community).results_published


def test_the_job_closes_polls_whose_time_is_up(world, monkeypatch):
    poll = make_poll(world)
    later = clock.now() + timedelta(days=4)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert actions.close_due_polls() == 1
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.CLOSED


def test_results_show_to_residents_only_when_published(world, voters):
    poll = make_poll(world)
    actions.cast_vote(poll, voters.users.head, answers=answers_for(poll))
    open_polls, done = selectors.resident_polls(voters.users.head)
    assert [p.pk for p in open_polls] == [poll.pk] and done == []
    actions.close_poll(poll, world.people.community)
    assert selectors.resident_polls(voters.users.head) == ([], [])
    actions.publish_results(poll, world.people.community)
    assert [p.pk for p in selectors.resident_polls(voters.users.head)[1]] == [poll.pk]
    rows = selectors.results(Poll.objects.get(pk=poll.pk))
    assert rows[0]["options"][0]["votes"] == 1 and rows[0]["options"][0]["percent"] == 100.0


def test_staff_reply_to_opinions_and_the_voter_hears(world, voters):
    from civicgrid.notifications.models import Notification

    poll = make_poll(world)
    ballot = actions.cast_vote(poll, voters.users.head, answers=answers_for(poll, text="路灯太暗"))
    opinion = ballot.opinions.get()
    with pytest.raises(NotFound):
        actions.reply_opinion(opinion, world.people.community_neighbour, reply="x")
    with pytest.raises(InputError):
        actions.reply_opinion(opinion, world.people.community, reply="")
    with pytest.raises(InputError):
        actions.reply_opinion(opinion, world.people.community, reply="\x07")
    assert Opinion.objects.get(pk=opinion.pk).reply == ""
    actions.reply_opinion(opinion, world.people.community, reply="已安排更换")
    assert selectors.my_opinions(voters.users.head)[0].reply == "已安排更换"
    assert selectors.my_opinions(voters.users.head)[0].replied_by == world.people.community
    assert Notification is not None


def test_a_closed_poll_becomes_a_case_once(world, voters):
    poll = make_poll(world)
    category = world.cats["S05001"]
    with pytest.raises(WrongState):
        actions.poll_to_case(poll, world.people.community, category=category.pk, description="立项")
    actions.close_poll(poll, world.people.community)
    cases = Case.objects.count()
    with pytest.raises(NotFound):
        actions.poll_to_case(poll, world.people.community_neighbour, category=category.pk, description="立项")
    with pytest.raises(InputError):
        actions.poll_to_case(poll, world.people.community, category=999999, description="立项")
    assert Case.objects.count() == cases
    case = actions.poll_to_case(poll, world.people.community, category=category.pk, description="建设充电棚")
    assert Poll.objects.get(pk=poll.pk).case == case and case.region_code.startswith(world.tree["S1C1"].code)
    with pytest.raises(WrongState):
        actions.poll_to_case(poll, world.people.community, category=category.pk, description="再来一次")


def test_check_poll_counts_recounts_and_fails_on_a_difference(world, voters, capsys):
    poll = make_poll(world)
    actions.cast_vote(poll, voters.users.head, answers=answers_for(poll))
    actions.cast_vote(poll, voters.users.kid, answers=answers_for(poll))
    call_command("check_poll_counts")
    assert "0 differences" in capsys.readouterr().out
    Option.objects.filter(question__poll=poll).update(votes=7)
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_poll_counts")
    assert exit_info.value.code == 1
    assert "cached 7" in capsys.readouterr().out
