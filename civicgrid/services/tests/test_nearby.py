"""Shops near home: sorted by distance, within the chosen walking distance, by category; the home is
the resident's house from base data (matched by phone), else the community's centre."""

import math

from civicgrid.people import actions as people_actions
from civicgrid.people.models import Enterprise
from civicgrid.people.testing import add_person, make_building
from civicgrid.services import selectors


def metres_east(lon, lat, metres):
    return lon + metres / (111_320 * math.cos(math.radians(lat)))


def shop(world, name, lon, lat, kind="merchant", industry="零售", code=None):
    grid = world.tree["S1C1G1M1"]
    building = make_building(grid, code=code or f"SHOP-{name}", lon=lon, lat=lat, floors=1, per_floor=1)
    return people_actions.save_enterprise(
        world.users.community,
        Enterprise(),
        name=name,
        grid=world.tree["S1C1G1"],
        building=building,
        kind=kind,
        industry=industry,
        phone="",
    )


def test_the_home_is_the_residents_house_from_base_data(world):
    grid = world.tree["S1C1G1M1"]
    home = make_building(grid, code="HOME", lon=113.61, lat=34.71)
    add_person(world.users.community, home.houses.first(), name="居民甲", phone="13800000011")
    found = selectors.home_for(world.users.resident)
    assert found["exact"] and (found["lon"], found["lat"]) == (113.61, 34.71)
    assert "HOME号楼" in found["address"]


def test_without_base_data_the_home_is_the_community_centre(world):
    found = selectors.home_for(world.users.resident_b)
    assert not found["exact"] and found["lat"] == world.b.centroid_lat


def test_shops_are_listed_nearest_first_within_the_distance(world):
    lon, lat = 113.62, 34.72
    far = shop(world, "远店", metres_east(lon, lat, 900), lat)
    near = shop(world, "近店", metres_east(lon, lat, 120), lat)
    middle = shop(world, "中店", lon, lat + 400 / 111_320)
    shop(world, "太远", metres_east(lon, lat, 1500), lat)
    office = shop(world, "公司", metres_east(lon, lat, 50), lat, kind="enterprise")
    rows = selectors.shops_near(lon, lat, 1000)
    assert [r["name"] for r in rows] == [office.name, near.name, middle.name, far.name]
    assert all(abs(r["distance"] - m) <= 2 for r, m in zip(rows, [50, 120, 400, 900], strict=True))
    assert [r["name"] for r in selectors.shops_near(lon, lat, 1000, kind="merchant")] == ["近店", "中店", "远店"]
    assert [r["name"] for r in selectors.shops_near(lon, lat, 500)] == ["公司", "近店", "中店"]


def test_the_shop_list_shows_no_contact_data(client, world):
    grid = world.tree["S1C1G1M1"]
    home = make_building(grid, code="HOME", lon=113.61, lat=34.71)
    add_person(world.users.community, home.houses.first(), name="居民甲", phone="13800000011")
    building = make_building(grid, code="S1", lon=113.611, lat=34.71, floors=1, per_floor=1)
    people_actions.save_enterprise(
        world.users.community,
        Enterprise(),
        name="<b>好邻居</b>便利店",
        grid=world.tree["S1C1G1"],
        building=building,
        contact="店主老张",
        phone="13912345678",
    )
    client.force_login(world.users.resident)
    page = client.get("/services/nearby/").content.decode()
    assert "&lt;b&gt;好邻居&lt;/b&gt;便利店" in page and "<b>好邻居" not in page
    assert "店主老张" not in page and "1391234" not in page
    assert "91 m" in page
