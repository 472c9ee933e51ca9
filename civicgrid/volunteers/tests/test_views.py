"""The pages: what each role sees, bad input answered 400, out of scope 404 with nothing changed."""

import pytest

from civicgrid.volunteers import actions
from civicgrid.volunteers.models import Team, Volunteer, Wish

from .conftest import open_wish, shift, team, volunteer


def counts():
    return (Volunteer.objects.count(), Team.objects.count(), Wish.objects.count())


def test_resident_pages(world, client):
    p = world.people
    client.force_login(p.resident)
    assert client.get("/volunteers/").status_code == 200
    page = client.get("/volunteers/register/")
    assert page.status_code == 200
    answer = client.post("/volunteers/register/", {"availability": ["nope"]})
    assert answer.status_code == 400 and Volunteer.objects.count() == 0
    answer = client.post("/volunteers/register/", {"skills": ["elderly"], "availability": ["weekday_am"]})
    assert answer.status_code == 302 and Volunteer.objects.get().user == p.resident
    assert client.post("/volunteers/wishes/new/", {"title": "a\x00"}).status_code == 400
    assert client.post("/volunteers/wishes/new/", {"title": "一把雨伞"}).status_code == 302
    assert Wish.objects.get().title == "一把雨伞"


def test_staff_pages_and_scope(world, client):
    p = world.people
    v = volunteer(world, p.resident, verify=False)
    t = team(world)
    wish = open_wish(world)
    row = shift(world)
    client.force_login(p.community)
    for url in (
        "/volunteers/manage/",
        f"/volunteers/manage/volunteers/{v.pk}/",
        "/volunteers/manage/teams/",
        f"/volunteers/manage/teams/{t.pk}/",
        "/volunteers/manage/projects/",
        f"/volunteers/manage/projects/{row.project_id}/",
        f"/volunteers/manage/shifts/{row.activity_id}/",
        "/volunteers/manage/wishes/",
        f"/volunteers/manage/wishes/{wish.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.post("/volunteers/manage/teams/", {"name": "", "region": world.tree["S1C1"].pk}).status_code == 400
    bad_shift = {"starts_at": "soon", "ends_at": "", "signup_deadline": "", "place": "x", "capacity": "0"}
    assert client.post(f"/volunteers/manage/projects/{row.project_id}/", bad_shift).status_code == 400

    before = counts()
    client.force_login(p.neighbour_staff)
    for url in (f"/volunteers/manage/volunteers/{v.pk}/", f"/volunteers/manage/wishes/{wish.pk}/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "approve", "step": "approve"}).status_code == 404
    assert client.post(f"/volunteers/manage/teams/{t.pk}/", {"name": "x"}).status_code == 404
    client.force_login(p.resident2)
    assert client.get("/volunteers/manage/").status_code == 404
    assert client.get(f"/volunteers/manage/shifts/{row.activity_id}/").status_code == 404
    assert counts() == before
    assert Volunteer.objects.get(pk=v.pk).status == "pending"


@pytest.mark.parametrize("step", ["claim", "fulfil", "confirm", "nope"])
def test_an_outsider_cannot_touch_a_wish(world, client, step):
    p = world.people
    wish = open_wish(world)
    volunteer(world, p.resident)
    actions.claim_wish(p.resident, wish.pk)
    before = list(Wish.objects.values_list("status", "claimed_by"))
    client.force_login(p.outsider)
    assert client.post(f"/volunteers/wishes/{wish.pk}/{step}/").status_code == 404
    assert client.get(f"/volunteers/wishes/{wish.pk}/").status_code == 404
    assert client.get(f"/volunteers/wishes/{wish.pk}/photo/").status_code == 404
    assert list(Wish.objects.values_list("status", "claimed_by")) == before
