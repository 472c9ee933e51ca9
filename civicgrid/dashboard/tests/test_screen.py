"""The big screen's page and endpoints: scope (a node outside the viewer's subtree is a 404, the
district is not shown to a street), bad input (a clear 400), the people panel without the base-data
app, and the counters."""

import pytest
from django.urls import reverse

from civicgrid.dashboard.models import NeedsSnapshot

ENDPOINTS = ("summary", "trend", "categories", "rankings", "areas", "map", "markers", "population", "warnings", "needs")


def test_street_operator_sees_own_street_only(cases, client):
    world = cases
    client.force_login(world.people.street)
    page = client.get(reverse("dashboard:screen"))
    assert page.status_code == 200
    assert page.context["node"] == world.tree["S1"]
    for name in ENDPOINTS:
        response = client.get(reverse(f"dashboard:{name}"))
        assert response.status_code == 200, name
        assert response.json()["region"] == world.tree["S1"].code
    # Drill down inside the street works; the neighbouring street and the district are 404.
    assert client.get(reverse("dashboard:summary"), {"region": world.tree["S1C1G1"].code}).status_code == 200
    assert client.get(reverse("dashboard:summary"), {"region": world.tree["S2"].code}).status_code == 404
    assert client.get(reverse("dashboard:summary"), {"region": world.tree["D"].code}).status_code == 404
    assert client.get(reverse("dashboard:screen"), {"region": world.tree["S2"].code}).status_code == 404
    crumbs = client.get(reverse("dashboard:summary")).json()["breadcrumbs"]
    assert [c["code"] for c in crumbs] == [world.tree["S1"].code]


def test_summary_counts_the_scope(cases, client):
    world = cases
    client.force_login(world.people.street)
    data = client.get(reverse("dashboard:summary")).json()
    # S1 holds 6 of the 7 cases reported today (one is in S2); two are open (one registered, one reported in S1C2).
    assert data["counters"]["today_received"] == 6
    assert data["counters"]["today_closed"] == 2
    assert data["counters"]["open"] == 2
    assert data["period"]["received"] == 6
    neighbour = client.get(reverse("dashboard:summary"), {"region": world.tree["S1C1"].code}).json()
    assert neighbour["period"]["received"] == 5
    params = {"region": world.tree["S1C1"].code}
    areas = client.get(reverse("dashboard:areas"), params).json()["areas"]
    assert {a["code"] for a in areas} == {world.tree["S1C1G1"].code, world.tree["S1C1G2"].code}
    assert all(a["boundary"] and a["drill"] for a in areas)
    live = {a["code"]: a["open"] for a in client.get(reverse("dashboard:map"), params).json()["areas"]}
    assert live == {world.tree["S1C1G1"].code: 1, world.tree["S1C1G2"].code: 0}
    assert len(client.get(reverse("dashboard:markers"), params).json()["markers"]) == 1


def test_residents_and_departments_get_no_screen(cases, client):
    for user in (cases.people.resident, cases.people.dept):
        client.force_login(user)
        assert client.get(reverse("dashboard:screen")).status_code == 403
        assert client.get(reverse("dashboard:summary")).status_code == 403
    client.logout()
    assert client.get(reverse("dashboard:summary")).status_code == 302


def test_bad_period_is_a_clear_error(cases, client):
    client.force_login(cases.people.street)
    response = client.get(reverse("dashboard:summary"), {"from": "2026-13-45"})
    assert response.status_code == 400
    assert "2026-13-45" in response.json()["errors"]["from"]


def test_population_panel_counts_the_base_data_of_the_viewers_region(cases, client):
    from civicgrid.people import actions as people_actions
    from civicgrid.people.testing import add_person, make_building

    worker = cases.people.grid
    house = make_building(cases.tree["S1C1G1"], code="P1").houses.first()
    elder = add_person(worker, house, name="王奶奶")
    add_person(worker, house, name="王小明")  # joins the same household
    people_actions.set_tags(worker, elder, ["elderly_alone"])
    client.force_login(cases.people.street)
    data = client.get(reverse("dashboard:population")).json()
    assert data["enabled"] and (data["persons"], data["households"]) == (2, 1)
    assert data["houses"] == house.building.houses.count()
    community = next(row for row in data["by_child"] if row["code"] == cases.tree["S1C1"].code)
    assert community["persons"] == 2
    # 独居老人 is a sensitive tag: street staff do not see it, community staff do.
    assert "elderly_alone" not in {g["code"] for g in data["special_groups"]}
    client.force_login(cases.people.community)
    groups = {g["code"]: g["count"] for g in client.get(reverse("dashboard:population")).json()["special_groups"]}
    assert groups["elderly_alone"] == 1


def test_needs_analytics(cases, client):
    client.force_login(cases.people.street)
    data = client.get(reverse("dashboard:needs")).json()
    terms = {t["term"] for t in data["topics"]["top"]}
    assert "纸箱" in terms or "家具" in terms
    assert data["topics"]["rising"]
    assert data["seasons"]["series"] and data["areas"]["series"]
    assert data["profile"][0]["posts"] >= 1
    assert NeedsSnapshot.objects.filter(region_code=cases.tree["S1"].code).exists()


@pytest.fixture
def redis_broker():
    """The machine's real Redis as the Celery broker (a district's set-up), on a database of its own."""
    import redis

    from civicgrid.celery import app

    url = "redis://127.0.0.1:6379/13"
    redis.Redis.from_url(url).flushdb()
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=url)
    app._pool = None
    app.amqp._producer_pool = None
    yield redis.Redis.from_url(url)
    redis.Redis.from_url(url).flushdb()
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def test_with_a_worker_a_missing_needs_snapshot_is_computed_there_not_in_the_request(
    cases, client, redis_broker, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from civicgrid.dashboard import needs

    cache.clear()
    client.force_login(cases.people.street)
    code = cases.tree["S1"].code
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(reverse("dashboard:needs")).json()
        again = client.get(reverse("dashboard:needs")).json()
    assert first["pending"] is again["pending"] is True and "topics" not in first
    assert not NeedsSnapshot.objects.filter(region_code=code).exists()
    assert redis_broker.llen("celery") == 1  # handed over once, not once per refresh
    needs.compute_missing(code)  # what the worker does with the message
    data = client.get(reverse("dashboard:needs")).json()
    assert "pending" not in data and data["topics"]["top"]


def test_the_job_makes_the_snapshots_the_screens_will_ask_for(cases):
    from civicgrid.dashboard import needs
    from civicgrid.regions.models import Level, Region

    assert not NeedsSnapshot.objects.exists()
    result = needs.refresh_stale()
    expected = set(Region.objects.filter(level__lte=Level.COMMUNITY).values_list("code", flat=True))
    assert set(NeedsSnapshot.objects.values_list("region_code", flat=True)) == expected
    assert result == {"refreshed": 0, "made": len(expected)}
    assert needs.refresh_stale() == {"refreshed": 0, "made": 0}
