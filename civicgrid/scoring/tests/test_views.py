"""The pages: a grid worker sees their own score and the public ranking of their street, never
another worker's entries, the workload or the rules' forms; staff see their subtree; a department
sees the departments' ranking; out of scope answers 404 and changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from civicgrid.scoring.models import ScoreRule
from civicgrid.scoring.tests.conftest import patrol, snapshot, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world):
    patrol(world.people.grid, world.tree["S1C1G1"], patrol_id=1, hours=3)
    patrol(world.people.grid_c2, world.tree["S1C2G1"], patrol_id=2, hours=1)
    patrol(world.people.grid_s2, world.tree["S2C1G1"], patrol_id=3, hours=5)
    visit(world.people.grid, world.tree["S1C1G1"], visit_id=1)
    return world


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_grid_worker_sees_own_score_with_sources(client, scored):
    response = page(client, scored.people.grid, "scoring:mine")
    assert response.status_code == 200
    text = response.content.decode()
    assert "gridwork.patrol #1" in text and "gridwork.visit #1" in text
    assert "gridwork.patrol #2" not in text
    assert response.context["rank"] == 1 and response.context["of"] == 2  # street S1: two workers


def test_grid_workers_public_ranking_is_their_street(client, scored):
    response = page(client, scored.people.grid, "scoring:ranking")
    assert response.status_code == 200
    names = [row.user.username for row in response.context["rows"]]
    assert names == ["grid", "grid_c2"]  # not grid_s2 of street S2
    assert reverse("scoring:worker", args=[scored.people.grid_c2.pk]) not in response.content.decode()
    # Narrowing to another street does not widen the scope.
    response = page(client, scored.people.grid, "scoring:ranking", region=scored.tree["S2"].code)
    assert [row.user.username for row in response.context["rows"]] == ["grid", "grid_c2"]


@pytest.mark.parametrize("name", ["scoring:workload"])
def test_grid_worker_has_no_staff_pages(client, scored, name):
    assert page(client, scored.people.grid, name).status_code == 404
    assert page(client, scored.people.grid, "scoring:worker", scored.people.grid_c2.pk).status_code == 404
    assert page(client, scored.people.resident, "scoring:ranking").status_code == 404
    assert page(client, scored.people.resident, "scoring:gold").status_code == 404


def test_rankings_at_every_level_within_the_staff_subtree(client, scored):
    street = scored.people.street
    rows = page(client, street, "scoring:ranking").context["rows"]
    assert [r.user.username for r in rows] == ["grid", "grid_c2"]
    rows = page(client, street, "scoring:ranking", level="community").context["rows"]
    assert [r.region.name for r in rows] == ["S1C1", "S1C2"]
    rows = page(client, scored.people.operator, "scoring:ranking", level="street").context["rows"]
    assert [r.region.name for r in rows] == ["S1", "S2"]  # S1: 9 + 4 points, S2: 12
    rows = page(client, scored.people.operator, "scoring:ranking", level="grid", region=scored.tree["S1"].code).context[
        "rows"
    ]
    assert [r.region.name for r in rows] == ["S1C1G1", "S1C2G1"]
    rows = page(client, scored.people.community, "scoring:ranking").context["rows"]
    assert [r.user.username for r in rows] == ["grid"]


def test_bad_month_and_level_fall_back_with_a_message(client, scored):
    for params in ({"month": "2026-13"}, {"month": "abcd"}, {"month": "1990-01"}, {"level": "<script>"}, {"page": "x"}):
        response = page(client, scored.people.street, "scoring:ranking", **params)
        assert response.status_code == 200, params
        assert "<script>" not in response.content.decode()


def test_worker_page_traces_points_and_404s_outside_scope(client, scored):
    response = page(client, scored.people.community, "scoring:worker", scored.people.grid.pk)
    assert response.status_code == 200
    assert "gridwork.patrol #1" in response.content.decode()
    assert page(client, scored.people.community_neighbour, "scoring:worker", scored.people.grid.pk).status_code == 404
    assert page(client, scored.people.street_neighbour, "scoring:worker", scored.people.grid.pk).status_code == 404
    assert page(client, scored.people.street, "scoring:worker", 999999).status_code == 404


def test_workload_and_gold_medals(client, scored):
    response = page(client, scored.people.street, "scoring:workload")
    rows = {r.user.username: r for r in response.context["rows"]}
    assert set(rows) == {"grid", "grid_c2"}
    assert (rows["grid"].patrols, rows["grid"].patrol_hours, rows["grid"].visits) == (1, 3.0, 1)
    from civicgrid.scoring import actions

    actions.update_medal_rule(scored.people.admin, per_street=1, min_points="1", min_patrol_hours="2")
    response = page(client, scored.people.operator, "scoring:gold")
    medals = {street.name: [r.user.username for r in rows] for street, rows in response.context["streets"]}
    assert medals == {"S1": ["grid"], "S2": ["grid_s2"]}
    assert "每个街道评选当月得分最高的 1 名网格员" in response.content.decode()


def test_rules_edit_by_street_staff_and_404_for_others(client, scored):
    client.force_login(scored.people.street)
    response = client.post(
        reverse("scoring:rules"), {"metric": "visit", "points": "1.5", "monthly_cap": "", "is_active": "on"}
    )
    assert response.status_code == 302
    assert str(ScoreRule.objects.get(metric="visit").points) == "1.50"
    response = client.post(reverse("scoring:rules"), {"metric": "visit", "points": "zzz"}, follow=True)
    assert "不是有效的数字" in response.content.decode()
    before = snapshot()
    for user in (scored.people.community, scored.people.grid, scored.people.resident):
        client.force_login(user)
        assert (
            client.post(reverse("scoring:rules"), {"metric": "visit", "points": "9", "is_active": "on"}).status_code
            == 404
        )
        assert (
            client.post(
                reverse("scoring:medal_rule"), {"per_street": "5", "min_points": "1", "min_patrol_hours": "1"}
            ).status_code
            == 404
        )
    assert snapshot() == before
    assert page(client, scored.people.community, "scoring:rules").status_code == 200  # shown, not editable


def test_department_ranking(client, world):
    from civicgrid.cases.models import HandlingLevel, Status
    from civicgrid.scoring.tests.conftest import advance, report

    advance(world, report(world), Status.HANDLED, level=HandlingLevel.DEPARTMENT, department=world.cg)
    response = page(client, world.people.dept_water, "scoring:departments")
    assert [(d.name, Decimal(p)) for d, p, _n in response.context["rows"]] == [("区城管局", Decimal(7))]
    assert page(client, world.people.street, "scoring:department", world.cg.pk).status_code == 200
    assert page(client, world.people.street_neighbour, "scoring:department", world.cg.pk).status_code == 404
    assert page(client, world.people.grid, "scoring:departments").status_code == 404
    response = page(client, world.people.operator, "scoring:departments", period=str(world.cg.created_at.year))
    assert len(response.context["rows"]) == 1
    assert page(client, world.people.operator, "scoring:departments", period="20x6").status_code == 200
