"""The public map layers (people.views.layers): grids and buildings with their names for anyone
with a role in an area, residents included, and never anything about the people inside."""

import json

import pytest
from django.urls import reverse

from civicgrid.accounts.models import Role
from civicgrid.people.testing import add_person, make_building
from civicgrid.testing import build_tree, make_department, make_user

pytestmark = pytest.mark.django_db
URL = reverse("people:map_layers")


@pytest.fixture
def tree():
    tree = build_tree(fanout=2, depth=3)
    worker = make_user("网格员王芳", Role.GRID_WORKER, tree["S1C1G1"])
    house = make_building(tree["S1C1G1"], code="A1", name="1号楼").houses.first()
    add_person(worker, house, name="刘大爷", phone="13700009999")
    make_building(tree["S1C2G1"], code="B1", name="9号楼")  # another community
    tree["worker"] = worker
    return tree


def layers(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_a_resident_sees_the_grids_and_buildings_of_the_community_and_nobody_in_them(client, tree):
    resident = make_user("居民陈红", Role.RESIDENT, tree["S1C1"])
    response = layers(client, resident)
    assert response.status_code == 200
    data = response.json()
    assert data["area"]["code"] == tree["S1C1"].code
    grids = data["grids"]["features"]
    assert sorted(f["properties"]["code"] for f in grids) == [tree["S1C1G1"].code, tree["S1C1G2"].code]
    assert {f["properties"]["community"] for f in grids} == {tree["S1C1"].name}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in grids)
    assert data["buildings"] == [
        {"name": "1号楼", "compound": "", "lon": tree["S1C1G1"].centroid_lon, "lat": tree["S1C1G1"].centroid_lat}
    ]
    text = json.dumps(data, ensure_ascii=False)
    assert "刘大爷" not in text and "13700009999" not in text and "9号楼" not in text
    assert "persons" not in text and "houses" not in text


def test_a_grid_worker_sees_the_whole_community_around_the_grid(client, tree):
    data = layers(client, tree["worker"]).json()
    assert data["area"]["code"] == tree["S1C1"].code
    assert len(data["grids"]["features"]) == 2


def test_an_area_outside_the_users_is_refused(client, tree):
    resident = make_user("居民陈红", Role.RESIDENT, tree["S1C1"])
    assert layers(client, resident, region=tree["S1C2"].code).status_code == 404
    assert layers(client, resident, region=tree["S1"].code).status_code == 404  # above the community
    assert layers(client, resident, region="no-such-code").status_code == 404
    assert layers(client, resident, region=tree["S1C1G2"].code).status_code == 200  # inside it


def test_staff_choose_an_area_inside_theirs(client, tree):
    street = make_user("街道李强", Role.STREET_STAFF, tree["S1"])
    data = layers(client, street, region=tree["S1C2"].code).json()
    assert [f["properties"]["code"] for f in data["grids"]["features"]] == [tree["S1C2G1"].code, tree["S1C2G2"].code]
    assert [b["name"] for b in data["buildings"]] == ["9号楼"]
    data = layers(client, street).json()
    assert len(data["grids"]["features"]) == 4 and len(data["communities"]["features"]) == 2
    assert layers(client, street, region=tree["S2"].code).status_code == 404
    department = make_user("部门", Role.DEPARTMENT_STAFF, department=make_department(tree["S1"]))
    assert layers(client, department).json()["area"]["code"] == tree["S1"].code


def test_no_role_or_no_login_gets_nothing(client, tree):
    assert client.get(URL).status_code == 302  # to the login page
    assert layers(client, make_user("nobody")).status_code == 404
