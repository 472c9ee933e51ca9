"""Issue 16, item 4: abusive or personal-data-laden texts on the neighbourhood board wait for a
moderator (civicgrid.cases.moderation, with the check smart intake registers)."""

import pytest

from civicgrid.cases import board_actions, moderation
from civicgrid.cases.models import BoardComment, BoardHiddenCase, BoardModeration
from civicgrid.cases.tests.conftest import accepted, report


@pytest.fixture
def board(world, django_capture_on_commit_callbacks):
    """An accepted public report (a community shows new reports on its board once accepted)."""
    case = accepted(world, report(world, description="小区东门的路灯坏了一个多月，晚上很黑"))
    return world.tree["S1C1"], case


def comment_url(board, suffix=""):
    community, case = board
    return f"/cases/board/{community.code}/{case.number}/{suffix}"


def test_a_comment_with_a_phone_number_is_held_and_only_its_author_and_moderators_see_it(world, board, client):
    client.force_login(world.people.resident2)
    response = client.post(comment_url(board, "comment/"), {"text": "有事打我电话13812345678"}, follow=True)
    assert "审核后显示" in response.content.decode()
    comment = BoardComment.objects.get()
    assert comment.is_held and comment.is_hidden and "手机号码" in comment.hidden_reason
    assert "13812345678" in client.get(comment_url(board)).content.decode()  # its author sees it, marked
    client.force_login(world.people.resident)
    assert "13812345678" not in client.get(comment_url(board)).content.decode()
    client.force_login(world.people.community)
    page = client.get(comment_url(board)).content.decode()
    assert "13812345678" in page and "审核通过" in page


def test_a_plain_comment_shows_at_once(world, board, client):
    client.force_login(world.people.resident2)
    client.post(comment_url(board, "comment/"), {"text": "同意，这个路灯确实坏了很久"})
    comment = BoardComment.objects.get()
    assert not comment.is_held and not comment.is_hidden
    client.force_login(world.people.resident)
    assert "确实坏了很久" in client.get(comment_url(board)).content.decode()


def test_a_moderator_releases_a_held_comment(world, board, client):
    community, case = board
    held = board_actions.add_comment(world.people.resident2, community, case.number, "物业就是一群废物")
    assert held.is_held
    client.force_login(world.people.community)
    client.post(comment_url(board, f"comments/{held.pk}/release/"))
    held.refresh_from_db()
    assert not held.is_held and not held.is_hidden
    log = BoardModeration.objects.get(action=BoardModeration.Action.RELEASE_COMMENT)
    assert log.moderator == world.people.community and log.comment == held
    client.force_login(world.people.resident)
    assert "一群废物" in client.get(comment_url(board)).content.decode()


@pytest.mark.parametrize("who", ["resident", "resident2", "grid", "community_neighbour", "dept"])
def test_others_cannot_release_and_nothing_changes(world, board, client, who):
    community, case = board
    held = board_actions.add_comment(world.people.resident2, community, case.number, "你个傻逼")
    client.force_login(getattr(world.people, who))
    response = client.post(comment_url(board, f"comments/{held.pk}/release/"))
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.is_held and held.is_hidden
    assert not BoardModeration.objects.exists()


def test_releasing_a_comment_a_moderator_hid_is_refused(world, board):
    community, case = board
    plain = board_actions.add_comment(world.people.resident2, community, case.number, "广告：低价装修")
    board_actions.hide_comment(world.people.community, community, case.number, plain.pk, "广告")
    with pytest.raises(Exception) as refused:
        moderation.release_comment(world.people.community, community, case.number, plain.pk)
    assert refused.type.__name__ == "Http404"
    plain.refresh_from_db()
    assert plain.is_hidden


def test_a_report_with_personal_data_is_held_off_the_board_until_released(world, client):
    community = world.tree["S1C1"]
    case = report(world, description="车牌京A12345的车天天堵在消防通道，车主电话13912345678")
    case = accepted(world, case)  # accepted, so only the hold keeps it off the board
    hold = BoardHiddenCase.objects.get(case=case)
    assert hold.is_held and hold.hidden_by is None
    assert not board_actions.board_cases(community).filter(pk=case.pk).exists()
    client.force_login(world.people.resident2)
    assert case.number not in client.get(f"/cases/board/{community.code}/").content.decode()
    assert client.get(f"/cases/board/{community.code}/{case.number}/").status_code == 404
    # Someone not moderating cannot release it.
    assert client.post(f"/cases/board/{community.code}/{case.number}/release/").status_code == 404
    assert BoardHiddenCase.objects.filter(case=case).exists()
    client.force_login(world.people.community)
    page = client.get(f"/cases/board/{community.code}/").content.decode()
    assert 'id="held-cases"' in page and case.number in page
    client.post(f"/cases/board/{community.code}/{case.number}/release/")
    assert not BoardHiddenCase.objects.filter(case=case).exists()
    assert board_actions.board_cases(community).filter(pk=case.pk).exists()
    assert BoardModeration.objects.filter(case=case, action=BoardModeration.Action.RELEASE_CASE).exists()


def test_a_private_report_is_not_held(world):
    case = report(world, description="我的电话13912345678，楼上漏水", is_public=False)
    assert not BoardHiddenCase.objects.filter(case=case).exists()
