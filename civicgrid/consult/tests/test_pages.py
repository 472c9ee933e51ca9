"""The pages through the test client: a resident votes and reads results; an outsider gets 404 and
changes nothing; staff create, open, close, publish, reply, export and turn a poll into a case;
meetings record decisions. Text from users is escaped, never markup."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.consult import actions
from civicgrid.consult.models import Ballot, Decision, Meeting, Poll, PollStatus
from civicgrid.consult.tests.conftest import answers_for, make_poll
from civicgrid.core import clock

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.force_login(user)
    return client


def test_resident_votes_through_the_page(client, world, voters):
    poll = make_poll(world, title="<b>标题</b>")
    c = client_for(client, voters.users.head)
    page = c.get(reverse("consult:polls"))
    assert page.status_code == 200 and "&lt;b&gt;标题&lt;/b&gt;" in page.content.decode()
    assert c.get(reverse("consult:poll", args=[poll.pk])).status_code == 200
    q = list(poll.questions.order_by("seq").prefetch_related("options"))
    data = {f"q{q[0].pk}": q[0].options.all()[0].pk, f"q{q[1].pk}": [q[1].options.all()[0].pk], f"q{q[2].pk}": "好"}
    response = c.post(reverse("consult:vote", args=[poll.pk]), data)
    assert response.status_code == 302 and Ballot.objects.filter(poll=poll).count() == 1
    again = c.post(reverse("consult:vote", args=[poll.pk]), data)
    assert again.status_code == 302 and Ballot.objects.filter(poll=poll).count() == 1
    assert "已参与" in c.get(reverse("consult:poll", args=[poll.pk])).content.decode()
    assert "好" in c.get(reverse("consult:mine")).content.decode()


def test_a_bad_ballot_answers_400_and_counts_nothing(client, world, voters):
    poll = make_poll(world)
    c = client_for(client, voters.users.head)
    q = list(poll.questions.order_by("seq"))
    response = c.post(reverse("consult:vote", args=[poll.pk]), {f"q{q[0].pk}": "abc"})
    assert response.status_code == 400 and Ballot.objects.count() == 0
    response = c.post(reverse("consult:vote", args=[poll.pk]), {f"q{q[2].pk}": "x\x00"})
    assert response.status_code == 400 and Ballot.objects.count() == 0


def test_outsiders_get_404_and_nothing_changes(client, world, voters):
    poll = make_poll(world)
    c = client_for(client, voters.users.neighbour)
    for name in ("consult:poll", "consult:vote"):
        method = c.post if name == "consult:vote" else c.get
        assert method(reverse(name, args=[poll.pk]), {}).status_code == 404
    c = client_for(client, world.people.dept)
    assert c.get(reverse("consult:poll_list")).status_code == 404
    assert c.get(reverse("consult:meetings")).status_code == 404
    c = client_for(client, world.people.community_neighbour)
    assert c.get(reverse("consult:poll_manage", args=[poll.pk])).status_code == 404
    assert c.post(reverse("consult:poll_close", args=[poll.pk])).status_code == 404
    assert c.get(reverse("consult:poll_export", args=[poll.pk])).status_code == 404
    c = client_for(client, voters.users.head)
    assert c.get(reverse("consult:poll_manage", args=[poll.pk])).status_code == 404
    assert c.post(reverse("consult:poll_close", args=[poll.pk])).status_code == 404
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.OPEN


def _form(world, **extra):
    now = timezone.localtime(clock.now())
    return {
        "community": world.tree["S1C1"].code,
        "title": "新投票",
        "electorate": "household",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "questions": "[单选] 是否同意？\n同意\n不同意\n\n[多选 1-2] 配套\n监控\n照明\n灭火器\n\n[意见] 其他意见",
        **extra,
    }


def test_staff_run_a_poll_through_the_pages(client, world, voters):
    c = client_for(client, world.people.community)
    assert c.get(reverse("consult:poll_new")).status_code == 200
    bad = c.post(reverse("consult:poll_new"), _form(world, questions="是否同意？\n同意"))
    assert bad.status_code == 400 and Poll.objects.count() == 0
    bad = c.post(reverse("consult:poll_new"), _form(world, questions="[多选 3-4] 配套\n监控\n照明"))
    assert bad.status_code == 400 and Poll.objects.count() == 0
    response = c.post(reverse("consult:poll_new"), _form(world))
    poll = Poll.objects.get()
    assert response.status_code == 302 and [q.max_choices for q in poll.questions.all()] == [1, 2, 0]
    assert c.get(reverse("consult:poll_edit", args=[poll.pk])).status_code == 200
    c.post(reverse("consult:poll_open", args=[poll.pk]), {"version": poll.version})
    actions.cast_vote(poll, voters.users.head, answers=answers_for(poll, text='=HYPERLINK("x")'))
    c.post(reverse("consult:poll_close", args=[poll.pk]))
    c.post(reverse("consult:poll_publish", args=[poll.pk]))
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED and poll.results_published
    page = c.get(reverse("consult:poll_manage", args=[poll.pk])).content.decode()
    assert "<progress" in page and "到期" not in page
    opinion = Ballot.objects.get().opinions.get()
    c.post(reverse("consult:opinion_reply", args=[poll.pk, opinion.pk]), {"reply": "收到"})
    opinion.refresh_from_db()
    assert opinion.reply == "收到"
    export = c.get(reverse("consult:poll_export", args=[poll.pk]))
    book = load_workbook(io.BytesIO(export.content))
    cells = [cell for row in book.worksheets[1].iter_rows(values_only=True) for cell in row]
    assert '\'=HYPERLINK("x")' in cells
    c.post(
        reverse("consult:poll_to_case", args=[poll.pk]), {"category": world.cats["S05001"].pk, "description": "立项"}
    )
    assert Poll.objects.get(pk=poll.pk).case is not None


def test_meeting_pages_record_a_decision_as_a_case(client, world):
    c = client_for(client, world.people.community)
    when = timezone.localtime(clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = c.post(
        reverse("consult:meeting_new"),
        {"community": world.tree["S1C1"].code, "title": "圆桌会", "starts_at": when, "place": "会议室"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert c.get(reverse("consult:meeting", args=[meeting.pk])).status_code == 200
    c.post(reverse("consult:meeting_participant", args=[meeting.pk]), {"kind": "owners", "name": "业委会"})
    c.post(reverse("consult:meeting_minutes", args=[meeting.pk]), {"minutes": "<script>x</script>"})
    due = (clock.now() + timedelta(days=9)).date().isoformat()
    c.post(
        reverse("consult:meeting_decision", args=[meeting.pk]),
        {"text": "修路灯", "owner": "社区", "due_date": due, "kind": "case", "category": world.cats["S05001"].pk},
    )
    decision = Decision.objects.get()
    assert decision.case is not None and meeting.participants.count() == 1
    page = c.get(reverse("consult:meeting", args=[meeting.pk])).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and decision.case.number in page
    c.get(reverse("consult:meetings"))
    other = client_for(client.__class__(), world.people.community_neighbour)
    assert other.get(reverse("consult:meeting", args=[meeting.pk])).status_code == 404
    assert other.post(reverse("consult:meeting_minutes", args=[meeting.pk]), {"minutes": "x"}).status_code == 404
    assert Meeting.objects.get().minutes == "<script>x</script>"
