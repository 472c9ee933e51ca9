"""邻里议事板: residents of a community see its public cases, comment, say "me too", offer help and
report abuse; community staff moderate. Refused requests change nothing."""

import pytest
from django.urls import reverse

from civicgrid.cases.models import (
    AbuseReport,
    BoardComment,
    BoardHiddenCase,
    BoardModeration,
    BoardReaction,
    Status,
)
from civicgrid.cases.tests.conftest import accepted, fresh, make_case, report
from civicgrid.testing import make_user


def fresh_status(case):
    return fresh(case).status


def _snapshot():
    return (
        BoardComment.objects.count(),
        BoardReaction.objects.count(),
        AbuseReport.objects.count(),
        BoardHiddenCase.objects.count(),
        BoardModeration.objects.count(),
        BoardComment.objects.filter(is_hidden=True).count(),
    )


@pytest.fixture
def board(world, client):
    case = accepted(world, report(world, user=world.people.resident2))
    code = world.tree["S1C1"].code
    client.force_login(world.people.resident)
    urls = {
        "board": reverse("cases:board", args=[code]),
        "case": reverse("cases:board_case", args=[code, case.number]),
        "comment": reverse("cases:board_comment", args=[code, case.number]),
        "me_too": reverse("cases:board_react", args=[code, case.number, "me_too"]),
        "help": reverse("cases:board_react", args=[code, case.number, "help"]),
        "abuse": reverse("cases:board_abuse", args=[code, case.number]),
        "hide": reverse("cases:board_hide_case", args=[code, case.number]),
    }
    return case, code, urls


def test_board_lists_public_cases_of_the_community_only(client, world, board):
    case, code, urls = board
    private = report(world, user=world.people.resident2, is_public=False)
    elsewhere = report(world, where="S1C2G1M1", user=world.people.resident2)
    elsewhere = accepted(world, elsewhere, by=world.people.community_neighbour)
    response = client.get(urls["board"])
    numbers = [c.number for c in response.context["cases"]]
    assert numbers == [case.number]
    assert private.number not in response.content.decode() and elsewhere.number not in numbers
    assert client.get(reverse("cases:board_home")).status_code == 302


def test_resident_of_another_community_gets_404(client, world, board):
    case, code, urls = board
    outsider = make_user("outsider", "resident", world.tree["S1C2"])
    client.force_login(outsider)
    before = _snapshot()
    for name in ("board", "case"):
        assert client.get(urls[name]).status_code == 404
    for name in ("comment", "me_too", "help", "abuse", "hide"):
        assert client.post(urls[name], {"text": "x", "reason": "x"}).status_code == 404
    assert _snapshot() == before


def test_private_and_rejected_cases_are_not_on_the_board(client, world, board):
    case, code, _urls = board
    private = report(world, user=world.people.resident2, is_public=False)
    assert client.get(reverse("cases:board_case", args=[code, private.number])).status_code == 404
    rejected = make_case(world)
    from civicgrid.cases import actions

    actions.reject_case(rejected, world.people.community, version=rejected.version, reason="重复")
    assert fresh_status(rejected) == Status.REJECTED
    assert client.get(reverse("cases:board_case", args=[code, rejected.number])).status_code == 404


def test_comment(client, world, board):
    case, _code, urls = board
    assert client.post(urls["comment"], {"text": "我家楼下也是，晚上很危险"}).status_code == 302
    comment = BoardComment.objects.get()
    assert comment.author == world.people.resident and comment.case == case
    assert "晚上很危险" in client.get(urls["case"]).content.decode()
    client.post(urls["comment"], {"text": "   "})
    assert BoardComment.objects.count() == 1


def test_me_too_is_idempotent_and_help_is_recorded(client, world, board):
    case, _code, urls = board
    client.post(urls["me_too"])
    client.post(urls["me_too"])
    assert BoardReaction.objects.filter(case=case, kind="me_too").count() == 1
    client.post(urls["help"], {"note": "我会修灯，有梯子"})
    reaction = BoardReaction.objects.get(kind="help")
    assert reaction.note == "我会修灯，有梯子" and reaction.user == world.people.resident
    page = client.get(urls["case"])
    assert page.context["me_too"] == 1 and page.context["helpers"] == 1 and page.context["i_me_too"]
    # Unknown kinds are 404.
    assert client.post(urls["me_too"].replace("me_too", "nope")).status_code == 404


def test_abuse_report_on_case_and_comment(client, world, board):
    case, _code, urls = board
    comment = BoardComment.objects.create(case=case, author=world.people.resident2, text="广告：低价装修")
    client.post(urls["abuse"], {"reason": "与问题无关"})
    client.post(urls["abuse"], {"reason": "与问题无关"})
    client.post(urls["abuse"], {"reason": "广告", "comment": comment.pk})
    assert AbuseReport.objects.filter(comment__isnull=True).count() == 1
    assert AbuseReport.objects.get(comment=comment).reason == "广告"
    client.post(urls["abuse"], {"reason": ""})
    assert AbuseReport.objects.count() == 2


def test_staff_moderation_hides_comment_and_case_with_a_logged_reason(client, world, board):
    case, code, urls = board
    comment = BoardComment.objects.create(case=case, author=world.people.resident2, text="广告：低价装修")
    AbuseReport.objects.create(case=case, comment=comment, reporter=world.people.resident, reason="广告")
    hide_comment = reverse("cases:board_hide_comment", args=[code, case.number, comment.pk])

    # A resident may not moderate: nothing changes.
    before = _snapshot()
    assert client.post(hide_comment, {"reason": "广告"}).status_code == 404
    assert client.post(urls["hide"], {"reason": "广告"}).status_code == 404
    assert _snapshot() == before

    client.force_login(world.people.community)
    client.post(hide_comment, {"reason": "商业广告"})
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "商业广告" and comment.hidden_by == world.people.community
    assert AbuseReport.objects.get().resolved_at is not None
    client.force_login(world.people.resident)
    assert "低价装修" not in client.get(urls["case"]).content.decode()

    client.force_login(world.people.community)
    assert client.post(urls["hide"], {"reason": ""}).status_code == 302
    assert not BoardHiddenCase.objects.exists()
    client.post(urls["hide"], {"reason": "涉及个人隐私"})
    assert BoardHiddenCase.objects.get(case=case).reason == "涉及个人隐私"
    log = list(BoardModeration.objects.order_by("created_at", "pk").values_list("action", "reason", "moderator"))
    assert log == [
        ("hide_comment", "商业广告", world.people.community.pk),
        ("hide_case", "涉及个人隐私", world.people.community.pk),
    ]
    client.force_login(world.people.resident)
    assert client.get(urls["case"]).status_code == 404
    assert case.number not in client.get(urls["board"]).content.decode()


def test_neighbouring_community_staff_cannot_moderate(client, world, board):
    case, code, urls = board
    client.force_login(world.people.community_neighbour)
    before = _snapshot()
    assert client.post(urls["hide"], {"reason": "x"}).status_code == 404
    assert _snapshot() == before


def test_street_staff_above_may_read_and_moderate(client, world, board):
    case, _code, urls = board
    client.force_login(world.people.street)
    assert client.get(urls["case"]).context["can_moderate"]
    client.force_login(world.people.street_neighbour)
    assert client.get(urls["case"]).status_code == 404


def test_board_list_query_count_does_not_grow_with_cases(client, world, board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _case, _code, urls = board
    client.get(urls["board"])  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(urls["board"]).status_code == 200
    for i in range(5):
        extra = accepted(world, report(world, user=world.people.resident2, description=f"问题 {i}"))
        BoardComment.objects.create(case=extra, author=world.people.resident, text="同感")
        BoardReaction.objects.create(case=extra, user=world.people.resident, kind="me_too")
    with CaptureQueriesContext(connection) as six:
        response = client.get(urls["board"])
    assert len(response.context["cases"]) == 6
    assert len(six) == len(one)
    assert {c.me_too for c in response.context["cases"]} == {0, 1}


def test_control_characters_are_refused_everywhere_on_the_board(client, world, board):
    _case, _code, urls = board
    before = _snapshot()
    response = client.post(urls["comment"], {"text": "楼下\x01也是"}, follow=True)
    assert "控制字符" in response.content.decode()
    client.post(urls["help"], {"note": "有\x0b梯子"})
    client.post(urls["abuse"], {"reason": "广告\x1f内容"})
    assert _snapshot() == before
    assert not BoardComment.objects.exists() and not BoardReaction.objects.exists()
    assert not AbuseReport.objects.exists()
