"""The resident's home screen on a phone (390×844): the tiles and the bottom tab bar (which never
covers the last tile), the tabs, the service worker and its offline page; on a laptop (1280 px) the
tab bar is gone and the top navigation serves."""

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases import actions
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Category
from civicgrid.regions import locator
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, snap

PHONE_NUMBER = "13700001111"


def _resident(district, settings):
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    locator.invalidate()
    load_categories()
    resident = make_user("居民张华", Role.RESIDENT, district["S1C1"], phone=PHONE_NUMBER)
    node = district["S1C1G1M1"]
    return actions.report_case(
        resident,
        category=Category.objects.get(code="S05001"),
        description="3号楼东侧路灯不亮，晚上很黑。",
        lon=node.centroid_lon,
        lat=node.centroid_lat,
    ).case


def test_a_resident_lands_on_the_home_screen_and_moves_through_the_tabs(new_page, login, district, settings):
    case = _resident(district, settings)
    page = new_page(viewport=PHONE, service_workers="allow")
    login(page, PHONE_NUMBER)
    page.wait_for_url("**/resident/")
    expect(page.locator("[data-community]")).to_have_text(district["S1C1"].name)
    expect(page.locator('a[data-tile="report"]')).to_be_visible()
    expect(page.locator("[data-open-cases]")).to_have_text("1")
    tiles = page.locator("[data-tiles] [data-tile]")
    names = tiles.evaluate_all("els => els.map(e => e.dataset.tile)")
    assert {"volunteering", "micro_wishes", "points", "board", "messages"} <= set(names)
    # The three slots kept for volunteering, micro-wishes and points are filled by their apps: links.
    for name in ("volunteering", "micro_wishes", "points"):
        expect(page.locator(f'[data-tile="{name}"]')).not_to_contain_text("即将开通")
        assert page.locator(f'[data-tile="{name}"]').evaluate("e => e.tagName") == "A"

    bar = page.locator("[data-resident-tabbar]")
    expect(bar).to_be_visible()
    assert page.locator("#main-nav").is_hidden()  # the top navigation is folded away on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The bar is fixed at the bottom of the screen and never covers the last tile, even scrolled down.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    last = tiles.last.bounding_box()
    box = bar.bounding_box()
    assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1 and box["width"] == PHONE["width"]
    assert last["y"] + last["height"] <= box["y"], (last, box)
    snap(page, "resident-home-390")

    tabs = [
        ("上报", "/cases/report/", "cases:report"),
        ("我的案件", "/cases/my/", "cases:my_reports"),
        ("消息", "/notifications/", "notifications:inbox"),
        ("我的", "/resident/me/", "resident:me"),
        ("首页", "/resident/", "resident:home"),
    ]
    for label, path, name in tabs:
        bar.get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(f"**{path}")
        expect(page.locator("[data-resident-tabbar] a[aria-current=page]")).to_have_attribute("data-tab", name)
    expect(page.locator("[data-open-cases]")).to_have_text("1")

    page.locator('a[data-tile="my_cases"]').click()
    page.wait_for_url("**/cases/my/")
    expect(page.locator("main")).to_contain_text(case.number)


def test_the_service_worker_shows_the_offline_page_when_the_network_is_gone(new_page, login, district, settings):
    _resident(district, settings)
    page = new_page(viewport=PHONE, service_workers="allow")
    login(page, PHONE_NUMBER)
    page.wait_for_url("**/resident/")
    page.wait_for_selector("html[data-service-worker=ready]")
    page.reload()  # now under the worker's control
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    cached = page.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
          }
          return urls;
        }"""
    )
    assert "/offline/" in cached and "/static/civicgrid/app.js" in cached
    # Only the shell: no page of the signed-in resident, no API answer.
    assert all(url == "/offline/" or url.startswith("/static/") for url in cached), cached

    page.context.set_offline(True)
    page.goto("/resident/me/")
    expect(page.locator("[data-offline-page] h1")).to_have_text("网络未连接")
    expect(page.locator("[data-offline-page]")).to_contain_text("No network connection")
    assert page.url.endswith("/resident/me/")  # the offline page stands in at the same address
    snap(page, "resident-offline-390")

    page.context.set_offline(False)
    page.locator("[data-offline-retry]").click()
    expect(page.locator("h1")).to_have_text("居民张华")
    assert page.locator("[data-offline-page]").count() == 0


def test_on_a_laptop_the_tab_bar_is_hidden_and_the_top_navigation_serves(new_page, login, district, settings):
    _resident(district, settings)
    page = new_page(viewport=DESKTOP, service_workers="allow")
    login(page, PHONE_NUMBER)
    page.wait_for_url("**/resident/")
    expect(page.locator("#main-nav")).to_be_visible()
    assert page.locator("[data-resident-tabbar]").is_hidden()
    assert page.locator(".resident-tabbar-spacer").is_hidden()
    expect(page.locator("[data-tiles] [data-tile]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    snap(page, "resident-home-1280")


def test_staff_on_a_phone_get_no_tab_bar(new_page, login, district):
    page = new_page(viewport=PHONE, service_workers="allow")
    login(page, "13812345678")  # the grid worker
    expect(page.locator("h1")).to_be_visible()
    assert "/resident/" not in page.url
    assert page.locator("[data-resident-tabbar]").count() == 0
