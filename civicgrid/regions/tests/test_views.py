"""Region pages: tree browser, detail, map and GeoJSON — scoped, bounded in queries, 404 outside scope."""

import json

import pytest
from django.urls import reverse

from civicgrid.accounts.actions import grant_role
from civicgrid.accounts.models import Role
from civicgrid.regions.models import Level, Region, RegionLevel
from civicgrid.testing import build_tree, make_department, make_user

pytestmark = pytest.mark.django_db

TREE = reverse("regions:tree")
MAP = reverse("regions:map")
GEOJSON = reverse("regions:geojson")


def detail_url(node):
    return reverse("regions:detail", args=[node.code])


def children_url(node):
    return reverse("regions:children", args=[node.code])


@pytest.fixture
def tree():
    return build_tree()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def worker(tree):
    """A grid worker on grid S1C1G1; its neighbour grid is S1C1G2."""
    return make_user("网格员小王", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678")


@pytest.fixture
def street_staff(tree):
    return make_user("街道老李", Role.STREET_STAFF, tree["S1"], phone="13900001111")


def codes_in(response):
    return {feature["properties"]["code"] for feature in response.json()["features"]}


def subtree_codes(node, level):
    return set(Region.objects.subtree(node).filter(level=level).values_list("code", flat=True))


# --- tree browser --------------------------------------------------------------------------------


def test_tree_shows_the_scope_root_with_its_children(login, tree, street_staff):
    html = login(street_staff).get(TREE).content.decode()
    assert "S1" in html and tree["S1"].code in html
    for child in ("S1C1", "S1C2"):
        assert f'data-code="{tree[child].code}"' in html
        assert reverse("regions:children", args=[tree[child].code]) in html  # expandable by htmx
    assert tree["S2"].code not in html
    assert "社区 2" in html  # the street's child count, labelled with the child level


def test_tree_root_for_every_staff_role(client, tree):
    dept = make_department(tree["S2"])
    cases = [
        (Role.GRID_WORKER, "S1C1G2", None),
        (Role.MICROGRID_MEMBER, "S2C2G1M1", None),
        (Role.COMMUNITY_STAFF, "S2C1", None),
        (Role.STREET_STAFF, "S2", None),
        (Role.COMMAND_OPERATOR, "D", None),
        (Role.SYSTEM_ADMIN, "S1", None),
        (Role.DEPARTMENT_STAFF, None, dept),
    ]
    for i, (role, key, department) in enumerate(cases):
        region = tree[key] if key else None
        user = make_user(f"user{i}", role, region, department=department)
        client.force_login(user)
        response = client.get(TREE)
        assert response.status_code == 200, role
        root = region or dept.region
        assert f'<li class="tree-node" data-code="{root.code}">' in response.content.decode(), role


def test_tree_uses_configured_level_names(login, tree, street_staff):
    RegionLevel.objects.update_or_create(
        level=Level.COMMUNITY, defaults={"name": "二级网格", "name_en": "Level-2 grid", "code_digits": 3}
    )
    html = login(street_staff).get(TREE).content.decode()
    assert "二级网格 2" in html


def test_children_partial_is_scoped(login, tree, street_staff):
    client = login(street_staff)
    response = client.get(children_url(tree["S1C1"]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert tree["S1C1G1"].code in html and tree["S1C1G2"].code in html
    assert "<html" not in html  # a fragment, not a page
    # Another street's node: 404, as if it did not exist.
    assert client.get(children_url(tree["S2C1"]), headers={"HX-Request": "true"}).status_code == 404
    # Opened without htmx, the URL leads to the node's page.
    response = client.get(children_url(tree["S1C1"]))
    assert response.status_code == 302 and response["Location"] == detail_url(tree["S1C1"])


def test_tree_search_by_name_and_code_stays_in_scope(login, tree, worker):
    client = login(worker)
    html = client.get(TREE, {"q": "G1"}).content.decode()
    # The worker's own grid and its micro-grids match "G1"; S2C1G1 (elsewhere) does not appear.
    assert f'data-code="{tree["S1C1G1"].code}"' in html
    assert f'data-code="{tree["S1C1G1M1"].code}"' in html
    assert tree["S2C1G1"].code not in html and tree["S1C1G2"].code not in html
    html = client.get(TREE, {"q": tree["S1C1G1M2"].code}).content.decode()
    assert f'data-code="{tree["S1C1G1M2"].code}"' in html
    html = client.get(TREE, {"q": tree["S2"].code}).content.decode()
    assert "没有找到" in html


def test_tree_search_by_htmx_returns_the_results_fragment(login, tree, street_staff):
    response = login(street_staff).get(TREE, {"q": "C2"}, headers={"HX-Request": "true", "HX-Target": "tree-body"})
    html = response.content.decode()
    assert "<html" not in html and tree["S1C2"].code in html
    assert "HX-Request" in response["Vary"]


def test_tree_for_a_user_without_roles_is_an_empty_state(login, tree):
    html = login(make_user("nobody")).get(TREE).content.decode()
    assert 'id="tree-empty"' in html


def test_tree_query_count_does_not_grow_with_the_tree(client, django_assert_max_num_queries):
    tree = build_tree(fanout=3)
    staff = make_user("staff", Role.STREET_STAFF, tree["S1"])
    client.force_login(staff)
    client.get(reverse("site:home"))  # the first request of a session records its start
    # session, user, role assignments, level names, roots, the roots' children
    with django_assert_max_num_queries(6):
        assert client.get(TREE).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(children_url(tree["S1C1"]), headers={"HX-Request": "true"}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(TREE, {"q": "C"}).status_code == 200


# --- detail --------------------------------------------------------------------------------------


def test_detail_page_shows_codes_breadcrumb_children_people_and_departments(login, tree, street_staff, worker):
    community = tree["S1C1"]
    make_department(tree["S1"], code="D-YL", name="园林所")
    make_department(tree["S2"], code="D-SW", name="水务所")  # serves another street
    make_user("社区干部", Role.COMMUNITY_STAFF, community, phone="13700002222")
    make_user("居民甲", Role.RESIDENT, community, phone="13600003333")
    html = login(street_staff).get(detail_url(community)).content.decode()
    assert community.code in html
    assert community.statistical_code in html and len(community.statistical_code) == 12
    # Breadcrumb: the district is above the user's scope (plain text), the street is a link.
    assert f'href="{detail_url(tree["S1"])}">S1</a>' in html
    assert "<span>二七区</span>" in html and detail_url(tree["D"]) not in html
    # Children, with their own child counts.
    assert detail_url(tree["S1C1G1"]) in html and detail_url(tree["S1C1G2"]) in html
    # People on this node, phones masked; residents are never listed.
    assert "社区干部" in html and "137****2222" in html and "13700002222" not in html
    assert "居民甲" not in html
    # Departments serving the node (on an ancestor in scope), not those of another street.
    assert "园林所" in html and "水务所" not in html
    # The small boundary map gets its geometry and configuration as JSON, not as script.
    assert 'id="node-boundary"' in html and 'id="map-config"' in html


def test_detail_lists_the_grid_worker_on_its_grid(login, tree, worker, street_staff):
    html = login(street_staff).get(detail_url(tree["S1C1G1"])).content.decode()
    assert "网格员小王" in html and "138****5678" in html


def test_detail_outside_scope_is_404_like_a_missing_code(login, tree, worker):
    client = login(worker)
    neighbour = tree["S1C1G2"]
    response = client.get(detail_url(neighbour))
    assert response.status_code == 404
    html = response.content.decode()
    # Nothing about the node, except the path the user asked for (in the language switch's "next").
    assert neighbour.name not in html and neighbour.code not in html.replace(detail_url(neighbour), "")
    missing = client.get(reverse("regions:detail", args=["410103999999"]))
    assert missing.status_code == 404
    assert 'id="error-404"' in html and 'id="error-404"' in missing.content.decode()
    # An ancestor above the worker's grid is out of scope too.
    assert client.get(detail_url(tree["S1C1"])).status_code == 404


def test_resident_sees_its_community_but_not_the_departments(login, tree):
    make_department(tree["S1C1"], code="D-WY", name="物业办")
    resident = make_user("居民乙", Role.RESIDENT, tree["S1C1"])
    html = login(resident).get(detail_url(tree["S1C1"])).content.decode()
    assert "物业办" not in html  # residents hold no view_department permission


def test_detail_query_count_is_bounded(client, django_assert_max_num_queries):
    tree = build_tree(fanout=3)
    staff = make_user("staff", Role.STREET_STAFF, tree["S1"])
    for i in range(3):
        make_user(f"gw{i}", Role.GRID_WORKER, tree["S1C1G1"])
    client.force_login(staff)
    client.get(reverse("site:home"))
    with django_assert_max_num_queries(12):
        assert client.get(detail_url(tree["S1C1"])).status_code == 200


# --- GeoJSON -------------------------------------------------------------------------------------


def test_geojson_returns_exactly_the_scoped_level(login, tree, street_staff):
    client = login(street_staff)
    response = client.get(GEOJSON, {"level": "grid"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert codes_in(response) == subtree_codes(tree["S1"], Level.GRID)
    feature = data["features"][0]
    assert set(feature["properties"]) == {"code", "name", "level"}
    assert feature["properties"]["level"] == Level.GRID
    assert feature["geometry"]["type"] == "Polygon"
    # Levels by name or number; the parent narrows to a subtree.
    assert codes_in(client.get(GEOJSON, {"level": "4", "parent": tree["S1C2"].code})) == subtree_codes(
        tree["S1C2"], Level.MICROGRID
    )
    assert codes_in(client.get(GEOJSON, {"level": "community"})) == {tree["S1C1"].code, tree["S1C2"].code}
    # Without a level: the parent's children.
    assert codes_in(client.get(GEOJSON, {"parent": tree["S1C1"].code})) == {tree["S1C1G1"].code, tree["S1C1G2"].code}


def test_geojson_for_a_grid_worker_holds_its_own_grid_only(login, tree, worker):
    client = login(worker)
    assert codes_in(client.get(GEOJSON, {"level": "grid"})) == {tree["S1C1G1"].code}
    assert codes_in(client.get(GEOJSON, {"level": "street"})) == set()


def test_geojson_rounds_coordinates_to_six_decimals(login, tree, worker):
    grid = tree["S1C1G1"]
    grid.boundary = {
        "type": "Polygon",
        "coordinates": [[[113.1234567891, 34.1], [113.2, 34.1], [113.2, 34.2], [113.1234567891, 34.1]]],
    }
    grid.save()
    data = login(worker).get(GEOJSON, {"level": "grid"}).json()
    ring = data["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == [113.123457, 34.1]


def test_geojson_outside_scope_is_404_and_reveals_nothing(login, tree, worker):
    client = login(worker)
    for code in (tree["S1C1G2"].code, tree["S2"].code, "410103999"):
        response = client.get(GEOJSON, {"level": "microgrid", "parent": code})
        assert response.status_code == 404
        body = response.content.decode()
        assert "features" not in body and "S1C1G2" not in body and "S2" not in body


def test_geojson_rejects_an_unknown_level(login, tree, worker):
    response = login(worker).get(GEOJSON, {"level": "planet"})
    assert response.status_code == 400
    assert "grid" in response.json()["error"]


def test_geojson_needs_a_login(client, tree):
    response = client.get(GEOJSON, {"level": "grid"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_geojson_query_count_does_not_grow_with_the_features(client, django_assert_max_num_queries):
    tree = build_tree(fanout=3)
    admin = make_user("operator", Role.COMMAND_OPERATOR, tree["D"])
    client.force_login(admin)
    client.get(reverse("site:home"))
    # session, user, role assignments, features
    with django_assert_max_num_queries(4):
        response = client.get(GEOJSON, {"level": "microgrid"})
    assert len(response.json()["features"]) == 81
    with django_assert_max_num_queries(5):
        client.get(GEOJSON, {"level": "microgrid", "parent": tree["S2"].code})


def test_geojson_is_compressed_for_clients_that_accept_it(login, tree, street_staff):
    response = login(street_staff).get(GEOJSON, {"level": "microgrid"}, headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"


# --- map page ------------------------------------------------------------------------------------


def map_config(response):
    html = response.content.decode()
    start = html.index('<script id="map-config" type="application/json">') + len(
        '<script id="map-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_map_page_offers_the_levels_of_the_users_scope(login, tree, street_staff, worker, client):
    response = login(street_staff).get(MAP)
    assert response.status_code == 200
    config = map_config(response)
    assert list(config["levels"]) == ["street", "community", "grid", "microgrid"]
    assert config["level"] == "grid"  # the default
    assert config["scopeLevel"] == Level.STREET  # communities are drawn as outlines over the grids
    assert config["geojsonUrl"] == GEOJSON and config["tileUrl"] == ""
    assert "{code}" in config["detailUrl"]
    client.force_login(worker)
    config = map_config(client.get(MAP))
    assert list(config["levels"]) == ["grid", "microgrid"] and config["level"] == "grid"


def test_map_page_with_a_parent_and_a_level(login, tree, street_staff):
    client = login(street_staff)
    config = map_config(client.get(MAP, {"parent": tree["S1C2"].code}))
    assert config["parent"] == tree["S1C2"].code and config["level"] == "grid"
    assert config["scopeLevel"] == Level.COMMUNITY
    config = map_config(client.get(MAP, {"parent": tree["S1C2"].code, "level": "microgrid"}))
    assert config["level"] == "microgrid"
    assert client.get(MAP, {"parent": tree["S2C1"].code}).status_code == 404


def test_map_uses_an_intranet_tile_server_only_when_configured(login, tree, street_staff, settings):
    client = login(street_staff)
    html = client.get(MAP).content.decode()
    assert "tile.openstreetmap" not in html and "http://" not in map_config(client.get(MAP))["tileUrl"]
    settings.MAP_TILE_URL = "http://tiles.intranet.gov/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "区测绘院"
    config = map_config(client.get(MAP))
    assert config["tileUrl"] == settings.MAP_TILE_URL and config["tileAttribution"] == "区测绘院"


def test_map_page_for_a_user_without_roles(login, tree):
    html = login(make_user("nobody")).get(MAP).content.decode()
    assert 'id="map-empty"' in html and "map-config" not in html


def test_disabled_level_is_not_offered(login, tree, street_staff):
    RegionLevel.objects.update_or_create(
        level=Level.MICROGRID, defaults={"name": "微网格", "code_digits": 3, "enabled": False}
    )
    config = map_config(login(street_staff).get(MAP))
    assert "microgrid" not in config["levels"]


def test_user_with_two_assignments_sees_both_subtrees_on_the_map(login, tree, worker):
    grant_role(worker, Role.GRID_WORKER, region=tree["S2C2G2"])
    codes = codes_in(login(worker).get(GEOJSON, {"level": "grid"}))
    assert codes == {tree["S1C1G1"].code, tree["S2C2G2"].code}


def test_detail_map_draws_the_children_or_only_the_outline(login, tree, worker):
    client = login(worker)
    config = map_config(client.get(detail_url(tree["S1C1G1"])))
    assert config["level"] == "microgrid" and config["parent"] == tree["S1C1G1"].code
    config = map_config(client.get(detail_url(tree["S1C1G1M1"])))
    assert config["level"] is None  # a micro-grid has no children: its own outline only
