"""The UI shell in a real browser: login by phone, the map of one's own grid, phone layout,
English, lockout, logout."""

import base64
import os
import shutil

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.regions import demo
from civicgrid.regions.models import Level, Region
from civicgrid.testing import make_user

from .conftest import PHONE, ROOT, open_nav, snap, wait_for_map


def codes(tree, *keys):
    return {tree[key].code for key in keys}


def test_grid_worker_sees_its_own_grid_on_the_map_and_not_a_neighbours(page, login, district):
    login(page, "13812345678")  # by phone number
    expect(page.locator(".duty-card")).to_contain_text("S1C1G1")

    open_nav(page, "网格地图")
    page.wait_for_url("**/regions/map/")
    assert wait_for_map(page) == codes(district, "S1C1G1")
    assert district["S1C1G2"].code not in page.get_attribute("#region-map", "data-drawn-codes")
    expect(page.locator("#region-map path.leaflet-interactive")).to_have_count(1)
    expect(page.locator("#map-status")).to_contain_text("已显示 1 个网格")
    snap(page, "map-grid-worker")

    # Down to its micro-grids: still only its own.
    page.locator('.level-switch [data-level="microgrid"]').click()
    page.wait_for_selector('#region-map[data-state="ready"][data-drawn-level="microgrid"]')
    assert wait_for_map(page) == codes(district, "S1C1G1M1", "S1C1G1M2")
    assert page.url.endswith("?level=microgrid")

    # The list under the map, and from a polygon to its page.
    page.locator("#region-list summary").click()
    expect(page.locator("#region-list li")).to_have_count(2)
    page.locator("#region-map path.leaflet-interactive").first.click()
    page.locator(".region-popup").get_by_role("link", name="查看详情").click()
    expect(page.locator("h1")).to_have_text("S1C1G1M1")

    # Asking the server for the neighbour's grid directly: 404, nothing drawn from it.
    status = page.evaluate(
        "code => fetch('/regions/geojson/?level=microgrid&parent=' + code).then(r => r.status)",
        district["S1C1G2"].code,
    )
    assert status == 404


def test_street_staff_browses_the_tree_and_searches(page, login, district):
    login(page, "13900001111")
    open_nav(page, "区划网格")
    community = page.locator(f'li[data-code="{district["S1C1"].code}"]')
    expect(community).to_be_visible()
    expect(page.locator(f'li[data-code="{district["S2"].code}"]')).to_have_count(0)

    # Opening a community loads its grids with htmx.
    community.locator("summary").first.click()
    grid = community.locator(f'li[data-code="{district["S1C1G2"].code}"]')
    expect(grid).to_be_visible()
    expect(grid).to_contain_text("微网格 2")

    # Search as you type, scoped to the street.
    page.get_by_label("按名称或编码查找").fill("G2")
    expect(page.locator(".search-results")).to_be_visible()
    found = set(page.locator(".search-item").evaluate_all("items => items.map(i => i.dataset.code)"))
    assert district["S1C2G2"].code in found and district["S2C1G2"].code not in found
    assert "q=G2" in page.url
    snap(page, "tree-search")

    page.locator(".search-item a").first.click()
    expect(page.locator(".region-breadcrumb")).to_be_visible()


def test_phone_sized_screen_collapses_the_navigation_and_pages_stay_usable(new_page, login, district):
    page = new_page(viewport=PHONE)
    page.goto("/accounts/login/")
    assert_fits_the_screen(page)
    login(page, "13812345678")

    toggler = page.locator(".navbar-toggler")
    map_link = page.locator("#main-nav").get_by_role("link", name="网格地图")
    expect(toggler).to_be_visible()
    expect(map_link).to_be_hidden()
    toggler.click()
    expect(map_link).to_be_visible()
    expect(page.locator("#main-nav.show")).to_be_visible()  # the opening animation has finished
    snap(page, "phone-menu")
    map_link.click()
    page.wait_for_url("**/regions/map/")
    assert wait_for_map(page) == codes(district, "S1C1G1")
    box = page.locator("#region-map").bounding_box()
    assert box["width"] >= PHONE["width"] - 40 and box["height"] >= 300
    assert_fits_the_screen(page)
    snap(page, "phone-map")

    for url in ("/", "/regions/", f"/regions/{district['S1C1G1'].code}/"):
        page.goto(url)
        assert_fits_the_screen(page)
        expect(page.locator("#main-nav")).to_be_hidden()
    snap(page, "phone-detail")


def assert_fits_the_screen(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


def test_switching_to_english_and_back(page, login, district):
    login(page, "13812345678")
    page.locator("#language-menu-button").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#main-nav")).to_contain_text("Home")
    expect(page.locator("#main-nav")).to_contain_text("Grid map")
    open_nav(page, "Grid map")
    wait_for_map(page)
    expect(page.locator("#map-status")).to_contain_text("1")
    expect(page.locator(".level-switch")).to_contain_text("Micro-grid")
    snap(page, "map-english")

    page.locator("#language-menu-button").click()
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#main-nav")).to_contain_text("网格地图")
    assert "/regions/map/" in page.url  # the switch comes back to the same page


# A 1×1 transparent PNG, served for every tile.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_map_uses_an_intranet_tile_server_when_one_is_configured(page, login, district, live_server, settings):
    settings.MAP_TILE_URL = f"{live_server.url}/tiles/{{z}}/{{x}}/{{y}}.png"
    settings.MAP_TILE_ATTRIBUTION = "区测绘院"
    tiles = []

    def serve_tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE_PNG)

    page.route("**/tiles/**", serve_tile)
    login(page, "13812345678")
    page.goto("/regions/map/")
    assert wait_for_map(page) == codes(district, "S1C1G1")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    assert tiles and all(url.startswith(f"{live_server.url}/tiles/") for url in tiles)
    expect(page.locator(".leaflet-control-attribution")).to_have_text("区测绘院")


def test_five_wrong_passwords_lead_to_the_locked_out_page(page, login, district):
    for attempt in range(1, 5):
        login(page, "13812345678", f"Wrong@pass{attempt}", expect_success=False)
        expect(page.locator("#login-errors")).to_contain_text("连续失败 5 次后账号将被锁定 30 分钟")
    login(page, "13812345678", "Wrong@pass5", expect_success=False)
    expect(page.locator("#locked-out")).to_contain_text("账号已锁定")
    expect(page.locator("#locked-out")).to_contain_text("锁定 30 分钟")
    snap(page, "locked-out")
    # Even the right password is refused while the lockout lasts.
    login(page, "13812345678", expect_success=False)
    expect(page.locator("#locked-out")).to_be_visible()
    page.get_by_role("link", name="返回登录页").click()
    expect(page.get_by_label("手机号或用户名")).to_be_visible()


def test_user_menu_shows_roles_and_logs_out(page, login, district):
    login(page, "13812345678")
    page.locator("#user-menu-button").click()
    menu = page.locator(".user-menu .dropdown-menu")
    expect(menu).to_contain_text("网格员王芳")
    expect(menu).to_contain_text("138****5678")
    expect(menu).to_contain_text("网格员")
    expect(menu).to_contain_text("S1C1G1")
    menu.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")
    expect(page.locator(".messages")).to_contain_text("您已安全退出")
    page.goto("/regions/map/")
    assert "/accounts/login/" in page.url


def test_out_of_scope_page_is_a_404_in_the_shell(page, login, district):
    login(page, "13812345678")
    response = page.goto(f"/regions/{district['S1C1G2'].code}/")
    assert response.status == 404
    expect(page.locator("#error-404")).to_contain_text("页面不存在")
    expect(page.locator("body")).not_to_contain_text("网格员赵磊")
    expect(page.locator(".navbar")).to_be_visible()


def test_map_screenshot_of_a_street_for_the_readme(new_page, login):
    """The README's picture: a street official's grid map of the demo district (Erqi scale), grids
    grouped by community. Written to test-artifacts/, and to docs/screenshot.png with UPDATE_SCREENSHOT=1."""
    district = demo.seed_regions("erqi", seed=2026)
    street = Region.objects.filter(parent=district).order_by("code").first()
    make_user("街道李强", Role.STREET_STAFF, street, phone="13900001111")
    page = new_page()
    login(page, "13900001111")
    page.goto("/regions/map/")
    subtree = Region.objects.subtree(street)
    assert wait_for_map(page) == set(subtree.filter(level=Level.GRID).values_list("code", flat=True))
    communities = set(page.get_attribute("#region-map", "data-context-codes").split())
    assert communities == set(subtree.filter(level=Level.COMMUNITY).values_list("code", flat=True))
    page.wait_for_timeout(300)  # let the fit-to-bounds animation settle
    path = snap(page, "map-street-staff")
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(path, ROOT / "docs" / "screenshot.png")
