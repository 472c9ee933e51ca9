"""Issue 16, item 2: the routing suggestion beside the dispatch form, from the installation's history
and, without one, the category's default route."""

from types import SimpleNamespace

import pytest

from civicgrid.cases.models import HandlingLevel, Status
from civicgrid.cases.tests.conftest import advance, make_case, report
from civicgrid.suggest import routing_hint


def closed_by_department(world, n, code="S05001"):
    for _ in range(n):
        advance(world, report(world, code=code), Status.CLOSED, HandlingLevel.DEPARTMENT, world.cg)


def test_the_history_of_the_community_names_the_unit_that_closed_such_cases(world):
    closed_by_department(world, 3)
    advance(world, report(world), Status.CLOSED, HandlingLevel.GRID)
    case = make_case(world, Status.REGISTERED)
    hint = routing_hint.suggest_route(world.people.community, case)
    assert (hint.source, hint.level, hint.department_id) == ("history", HandlingLevel.DEPARTMENT, world.cg.pk)
    assert hint.closed == 3 and hint.on_time == 3
    assert "本社区近 90 天同类案件 3 件由区城管局办结" in hint.reason


def test_without_history_the_category_default_answers(world):
    case = make_case(world, Status.REGISTERED)
    hint = routing_hint.suggest_route(world.people.community, case)
    assert hint.source == "default"
    assert hint.level == case.handling_level  # the route the case took at report time
    assert "按类别默认" in hint.reason


def test_other_categories_and_other_places_do_not_count(world):
    closed_by_department(world, 3, code="S05002")
    # The neighbouring community's staff take its cases through intake and closure.
    neighbour = SimpleNamespace(**vars(world))
    neighbour.people = SimpleNamespace(**{**vars(world.people), "community": world.people.community_neighbour})
    for _ in range(3):
        advance(neighbour, report(world, where="S1C2G1M1"), Status.CLOSED, HandlingLevel.DEPARTMENT, world.cg)
    case = make_case(world, Status.REGISTERED)
    # The street's history has the neighbouring community's three cases: the street answers.
    hint = routing_hint.suggest_route(world.people.street, case)
    assert hint.source == "history" and "本街道" in hint.reason
    # The community's dispatcher cannot see the neighbour's cases: the default answers.
    assert routing_hint.suggest_route(world.people.community, case).source == "default"


def test_the_endpoint_answers_dispatchers_in_scope_only(world, client):
    closed_by_department(world, 3)
    case = make_case(world, Status.REGISTERED)
    client.force_login(world.people.community)
    data = client.get(f"/intake/cases/{case.number}/route/").json()
    assert data["department_id"] == world.cg.pk and data["level"] == "department"
    assert data["reason"].startswith("本社区")
    for who in ("resident", "community_neighbour", "street_neighbour"):
        client.force_login(getattr(world.people, who))
        assert client.get(f"/intake/cases/{case.number}/route/").status_code == 404
    client.logout()
    assert client.get(f"/intake/cases/{case.number}/route/").status_code == 302


@pytest.mark.parametrize(("who", "shown"), [("community", True), ("grid", False)])
def test_the_dispatch_form_carries_the_hint(world, client, who, shown):
    case = make_case(world, Status.REGISTERED)
    client.force_login(getattr(world.people, who))
    page = client.get(f"/cases/staff/{case.number}/").content.decode()
    assert (f"/intake/cases/{case.number}/route/" in page) is shown
