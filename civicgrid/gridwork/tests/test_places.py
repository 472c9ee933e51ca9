"""重点部位: staff keep their grids' key places (inside the grid, a sane radius, a clean name);
switched off, a place takes no more check-ins; out of scope is not found and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange
from civicgrid.gridwork import actions
from civicgrid.gridwork.models import KeyPlace

URL = reverse("gridwork:key_places")


def _inside(grid, step=0.0):
    return grid.centroid_lat + step, grid.centroid_lon + step


def test_staff_add_a_place_inside_their_grid_and_it_is_logged(world):
    grid = world.tree["S1C1G1"]
    lat, lng = _inside(grid, 0.0001)
    place = actions.save_key_place(
        world.people.community, KeyPlace(), grid=grid, name=" 小区北门 ", lat=str(lat), lng=str(lng), radius_m="80"
    )
    assert (place.name, place.radius_m, place.region_code, place.is_active) == ("小区北门", 80, grid.code, True)
    assert [c.action for c in changes_for(place)] == [ObjectChange.Action.CREATE]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "北门\x00"}, "name"),
        ({"name": "长" * 61}, "name"),
        ({"radius_m": "5"}, "radius_m"),
        ({"radius_m": "abc"}, "radius_m"),
        ({"radius_m": "100000000000000000000"}, "radius_m"),
        ({"lat": "NaN"}, "lat"),
        ({"lat": "91"}, "lat"),
        ({"lat": ""}, "lat"),
        ({"lat": "1", "lng": "1"}, "lat"),  # far outside the grid
    ],
)
def test_bad_input_is_refused_and_writes_nothing(world, fields, field):
    grid = world.tree["S1C1G1"]
    lat, lng = _inside(grid)
    values = {"name": "北门", "lat": lat, "lng": lng, "radius_m": 60, **fields}
    before = KeyPlace.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.save_key_place(world.people.community, KeyPlace(), grid=grid, **values)
    assert field in refused.value.message_dict
    assert KeyPlace.objects.count() == before


def test_a_point_in_the_neighbouring_grid_is_refused(world):
    grid, other = world.tree["S1C1G1"], world.tree["S1C1G2"]
    with pytest.raises(ValidationError):
        actions.save_key_place(
            world.people.community,
            KeyPlace(),
            grid=grid,
            name="错位",
            lat=other.centroid_lat,
            lng=other.centroid_lon,
            radius_m=60,
        )


@pytest.mark.parametrize("who", ["neighbour_staff", "grid", "resident"])
def test_out_of_scope_or_without_the_right_nothing_is_written(world, who):
    grid = world.tree["S1C1G1"]
    lat, lng = _inside(grid)
    before = KeyPlace.objects.count()
    with pytest.raises(ValidationError):
        actions.save_key_place(
            getattr(world.people, who), KeyPlace(), grid=grid, name="北门", lat=lat, lng=lng, radius_m=60
        )
    with pytest.raises(KeyPlace.DoesNotExist):
        actions.set_key_place_active(getattr(world.people, who), world.place.pk, False)
    assert KeyPlace.objects.count() == before and KeyPlace.objects.get(pk=world.place.pk).is_active


def test_a_switched_off_place_takes_no_check_in(world):
    place = actions.set_key_place_active(world.people.street, world.place.pk, False)
    assert place.is_active is False
    assert actions.set_key_place_active(world.people.street, world.place.pk, False).is_active is False  # idempotent
    assert [c.action for c in changes_for(place)] == [ObjectChange.Action.UPDATE]
    patrol = actions.start_patrol(world.people.grid, key="walk-1")
    with pytest.raises(ValidationError):
        actions.check_in(world.people.grid, patrol.pk, place.pk, lat=place.lat, lng=place.lng)
    actions.set_key_place_active(world.people.street, world.place.pk, True)
    actions.check_in(world.people.grid, patrol.pk, place.pk, lat=place.lat, lng=place.lng)


def test_the_page_lists_adds_and_switches(world, client):
    grid = world.tree["S1C1G1"]
    client.force_login(world.people.community)
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "东门消防通道" in body and 'id="places-config"' in body
    lat, lng = _inside(grid, 0.0001)
    response = client.post(URL, {"grid": grid.pk, "name": "幼儿园门口", "lat": lat, "lng": lng, "radius_m": 50})
    assert response.status_code == 302 and response.url == f"{URL}?grid={grid.pk}"
    assert KeyPlace.objects.filter(name="幼儿园门口", grid=grid).exists()
    bad = client.post(URL, {"grid": grid.pk, "name": "远处", "lat": "1", "lng": "1", "radius_m": 50})
    assert bad.status_code == 400 and "不在" in bad.content.decode()
    assert not KeyPlace.objects.filter(name="远处").exists()
    switched = client.post(reverse("gridwork:key_place_switch", args=[world.place.pk]), {"active": "0"})
    assert switched.status_code == 302 and not KeyPlace.objects.get(pk=world.place.pk).is_active


def test_the_page_is_not_found_out_of_scope_and_changes_nothing(world, client):
    grid = world.tree["S1C1G1"]
    for who in ("grid", "resident", "neighbour_staff"):
        client.force_login(getattr(world.people, who))
        if who == "neighbour_staff":
            assert client.get(f"{URL}?grid={grid.pk}").status_code == 404
            assert client.get(URL).status_code == 200  # their own grids
        else:
            assert client.get(URL).status_code == 404
        assert (
            client.post(reverse("gridwork:key_place_switch", args=[world.place.pk]), {"active": "0"}).status_code == 404
        )
        client.post(
            URL, {"grid": grid.pk, "name": "越权", "lat": grid.centroid_lat, "lng": grid.centroid_lon, "radius_m": 50}
        )
    assert KeyPlace.objects.get(pk=world.place.pk).is_active and not KeyPlace.objects.filter(name="越权").exists()
    client.force_login(world.people.community)
    assert client.get(f"{URL}?grid=99999999999999999999").status_code == 404
