"""A community chooses when residents' reports appear on its board (邻里议事板) and in public Open311:
only once accepted (the default, also for a community that never chose) or at once. Private
cases never show. Only the board's moderators change the choice, and each change is logged."""

import pytest
from django.test import Client
from django.urls import reverse

from civicgrid.cases import board_actions
from civicgrid.cases.errors import ActionNotAllowed, CaseInputError
from civicgrid.cases.models import BoardSetting, Case, Status
from civicgrid.cases.tests.conftest import accepted, report
from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange

OPEN311 = "/open311/v2"


def _shown(client, world, case):
    """Where `case` shows: its community's board list and page, the public Open311 list and request."""
    code = world.tree["S1C1"].code
    board = client.get(reverse("cases:board", args=[code]))
    page = client.get(reverse("cases:board_case", args=[code, case.number]))
    listed = Client().get(f"{OPEN311}/requests.json").json()
    detail = Client().get(f"{OPEN311}/requests/{case.number}.json")
    return {
        "board": case.number in [c.number for c in board.context["cases"]],
        "page": page.status_code == 200,
        "open311_list": case.number in [r["service_request_id"] for r in listed],
        "open311_detail": detail.status_code == 200,
    }


NOWHERE = {"board": False, "page": False, "open311_list": False, "open311_detail": False}
EVERYWHERE = {"board": True, "page": True, "open311_list": True, "open311_detail": True}


@pytest.fixture
def neighbour(client, world):
    client.force_login(world.people.resident2)
    return client


def test_by_default_a_new_report_waits_for_acceptance(neighbour, world):
    case = report(world)
    assert board_actions.board_policy(world.tree["S1C1"]) == "after_acceptance"
    assert not BoardSetting.objects.exists()
    assert _shown(neighbour, world, case) == NOWHERE
    case = accepted(world, case)
    assert case.status == Status.REGISTERED
    assert _shown(neighbour, world, case) == EVERYWHERE


def test_at_once_shows_a_new_report_in_that_community_only(neighbour, world):
    board_actions.set_board_policy(world.people.community, world.tree["S1C1"], "at_once")
    case = report(world)
    assert _shown(neighbour, world, case) == EVERYWHERE
    elsewhere = report(world, where="S1C2G1M1")
    assert not Case.objects.on_board().filter(pk=elsewhere.pk).exists()
    assert Case.objects.on_board().filter(pk=case.pk).exists()
    # Back to the default: the unaccepted report leaves the board again.
    board_actions.set_board_policy(world.people.community, world.tree["S1C1"], "after_acceptance")
    assert _shown(neighbour, world, case) == NOWHERE


@pytest.mark.parametrize("policy", ["after_acceptance", "at_once"])
def test_a_private_report_never_shows(neighbour, world, policy):
    board_actions.set_board_policy(world.people.community, world.tree["S1C1"], policy)
    private = report(world, is_public=False)
    assert _shown(neighbour, world, private) == NOWHERE
    private = accepted(world, private)
    assert _shown(neighbour, world, private) == NOWHERE


def test_the_staff_follow_and_duplicate_paths_use_the_same_rule(world):
    """Following a case (关注) offers only what the board shows."""
    from civicgrid.cases import actions
    from civicgrid.cases.errors import CaseNotFound

    case = report(world)
    with pytest.raises(CaseNotFound):
        actions.follow_case(case, world.people.grid_neighbour)
    actions.follow_case(accepted(world, case), world.people.grid_neighbour)
    assert case.participants.filter(role="follower", user=world.people.grid_neighbour).exists()


def _state():
    return list(BoardSetting.objects.values_list("community_id", "show_reports")), ObjectChange.objects.count()


@pytest.mark.parametrize("who", ["resident", "grid", "community_neighbour", "street_neighbour", "dept"])
def test_only_the_boards_moderators_may_change_it(client, world, who):
    url = reverse("cases:board_settings", args=[world.tree["S1C1"].code])
    user = getattr(world.people, who)
    before = _state()
    client.force_login(user)
    response = client.post(url, {"show_reports": "at_once"})
    # Those who read the board (its residents and grid workers) are refused; others do not find it.
    assert response.status_code == (403 if who in ("resident", "grid") else 404)
    expected = ActionNotAllowed if who in ("resident", "grid") else Exception
    with pytest.raises(expected):
        board_actions.set_board_policy(user, world.tree["S1C1"], "at_once")
    assert _state() == before


@pytest.mark.parametrize("who", ["community", "street", "operator"])
def test_moderators_change_it_and_the_change_is_logged(client, world, who):
    community = world.tree["S1C1"]
    url = reverse("cases:board_settings", args=[community.code])
    user = getattr(world.people, who)
    client.force_login(user)
    assert client.post(url, {"show_reports": "at_once"}).status_code == 302
    setting = BoardSetting.objects.get(community=community)
    assert setting.show_reports == "at_once" and setting.updated_by == user
    client.post(url, {"show_reports": "at_once"})  # the same again: nothing new to log
    assert client.post(url, {"show_reports": "after_acceptance"}).status_code == 302
    rows = list(changes_for(setting).order_by("at", "id"))
    assert [(r.action, r.before, r.after, r.user_id) for r in rows] == [
        ("create", {"show_reports": "after_acceptance"}, {"show_reports": "at_once"}, user.pk),
        ("update", {"show_reports": "at_once"}, {"show_reports": "after_acceptance"}, user.pk),
    ]


def test_a_bad_choice_is_refused_and_changes_nothing(client, world):
    community = world.tree["S1C1"]
    url = reverse("cases:board_settings", args=[community.code])
    before = _state()
    client.force_login(world.people.community)
    for value in ("", "sometimes", "at_once\x00"):
        response = client.post(url, {"show_reports": value}, follow=True)
        assert response.status_code == 200
        assert "请选择居民上报何时出现在议事板上" in response.content.decode()
    with pytest.raises(CaseInputError):
        board_actions.set_board_policy(world.people.community, community, "sometimes")
    assert _state() == before


def test_the_form_is_shown_to_moderators_only(client, world):
    url = reverse("cases:board", args=[world.tree["S1C1"].code])
    client.force_login(world.people.resident)
    page = client.get(url).content.decode()
    assert 'id="board-settings"' not in page and "在社区受理后显示" in page
    client.force_login(world.people.community)
    page = client.get(url).content.decode()
    assert 'id="board-settings"' in page and reverse("cases:board_settings", args=[world.tree["S1C1"].code]) in page
