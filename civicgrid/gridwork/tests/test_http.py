"""The JSON endpoints over HTTP: batches, bad bodies, 404 for others' patrols (nothing changed);
and two uploads of the same batch at once on PostgreSQL."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from civicgrid import testing
from civicgrid.gridwork import actions
from civicgrid.gridwork.models import Patrol, TrackPoint
from civicgrid.gridwork.tests.conftest import points


def _post(client, name, pk, body):
    url = reverse(name, args=[pk]) if pk is not None else reverse(name)
    return client.post(url, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_start_upload_end_over_http(client, world):
    client.force_login(world.people.grid)
    started = _post(client, "gridwork:patrol_start", None, {"key": "k1"}).json()
    pk = started["id"]
    Patrol.objects.filter(pk=pk).update(started_at=Patrol.objects.get(pk=pk).started_at - timedelta(hours=1))
    patrol = Patrol.objects.get(pk=pk)
    batch = points(world.tree["S1C1G1"], 1, 50, start=patrol.started_at)
    first = _post(client, "gridwork:patrol_points", pk, {"points": batch}).json()
    again = _post(client, "gridwork:patrol_points", pk, {"points": batch}).json()
    assert (first["accepted"], again["accepted"], again["duplicates"]) == (50, 0, 50)
    assert _post(client, "gridwork:patrol_points", pk, "{not json").status_code == 400
    assert (
        _post(client, "gridwork:patrol_points", pk, {"points": points(world.tree["S1C1G1"], 100, 201)}).status_code
        == 413
    )
    assert _post(client, "gridwork:patrol_points", pk, "x" * 300_000).status_code == 400
    page = client.get(reverse("gridwork:patrol"))
    assert page.status_code == 200 and "patrol-config" in page.content.decode()
    ended = client.post(reverse("gridwork:patrol_end", args=[pk]), HTTP_ACCEPT="application/json").json()
    assert ended["ok"] and TrackPoint.objects.count() == 50
    assert client.get(reverse("gridwork:patrol_detail", args=[pk])).status_code == 200


@pytest.mark.django_db
def test_others_get_404_and_nothing_changes(client, world):
    patrol = actions.start_patrol(world.people.grid)
    batch = points(world.tree["S1C1G1"], 1, 3, start=patrol.started_at)
    for user in (world.people.neighbour_grid, world.people.community, world.people.resident):
        client.force_login(user)
        assert _post(client, "gridwork:patrol_points", patrol.pk, {"points": batch}).status_code == 404
        assert client.post(reverse("gridwork:patrol_end", args=[patrol.pk])).status_code == 404
    client.force_login(world.people.neighbour_staff)
    assert client.get(reverse("gridwork:patrol_detail", args=[patrol.pk])).status_code == 404
    assert client.get(reverse("gridwork:supervise_data")).json()["patrols"] == []
    client.force_login(world.people.community)
    live = client.get(reverse("gridwork:supervise_data")).json()
    assert [p["id"] for p in live["patrols"]] == [patrol.pk] and "phone" not in json.dumps(live)
    patrol.refresh_from_db()
    assert patrol.status == "active" and TrackPoint.objects.count() == 0


pg = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


@pg
def test_two_uploads_of_the_same_batch_at_once_store_it_once(transactional_db, monkeypatch):
    from civicgrid.core import clock
    from civicgrid.gridwork.tests.conftest import build_world

    world = build_world(with_people=False)
    patrol = actions.start_patrol(world.people.grid)
    Patrol.objects.filter(pk=patrol.pk).update(started_at=patrol.started_at - timedelta(hours=1))
    batch = points(world.tree["S1C1G1"], 1, 50, start=patrol.started_at - timedelta(minutes=50))
    results = testing.race(
        monkeypatch,
        lambda: actions.add_points(world.people.grid, patrol.pk, batch),
        lambda: actions.add_points(world.people.grid, patrol.pk, batch),
        linger=(clock, "now"),
    )
    assert sorted(r.accepted for r in results) == [0, 50], results
    assert TrackPoint.objects.filter(patrol=patrol).count() == 50
    assert Patrol.objects.get(pk=patrol.pk).points == 50


@pg
def test_two_starts_at_once_open_one_patrol(transactional_db, monkeypatch):
    from civicgrid.core import clock
    from civicgrid.gridwork.tests.conftest import build_world

    world = build_world(with_people=False)
    results = testing.race(
        monkeypatch,
        lambda: actions.start_patrol(world.people.grid, key="a"),
        lambda: actions.start_patrol(world.people.grid, key="b"),
        linger=(clock, "now"),
    )
    assert results[0] == results[1] and Patrol.objects.count() == 1
