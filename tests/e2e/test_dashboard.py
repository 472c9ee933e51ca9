"""The big screen in a real browser: a street operator opens it from the navigation, sees the
street's figures, drills down street → community → grid (a ranked region, then a map area) without
reloading, and opens a case from its marker. Nothing is loaded from outside the server."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases import actions
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Category
from civicgrid.regions import locator
from civicgrid.testing import make_user

from .conftest import open_nav, snap

BIG_SCREEN = {"width": 1920, "height": 1080}


def file_cases(district):
    locator.invalidate()
    load_categories()
    resident = make_user("居民张三", Role.RESIDENT, district["S1C1"], phone="13700001234")
    category = Category.objects.get(code="S05001")
    for where in ("S1C1G1M1", "S1C1G1M2", "S1C1G2M1", "S2C1G1M1"):
        node = district[where]
        actions.report_case(
            resident,
            category=category,
            description="楼道里堆满了纸箱和旧家具，堵住了通道。",
            lon=node.centroid_lon,
            lat=node.centroid_lat,
        )


def test_street_operator_drills_down_to_a_grid(new_page, login, district):
    from civicgrid.people.testing import add_person, make_building

    worker = make_user("网格员小李", Role.GRID_WORKER, district["S1C1G1"], phone="13600001234")
    house = make_building(district["S1C1G1"], code="D1").houses.first()
    add_person(worker, house, name="刘大爷")
    add_person(worker, house, name="刘奶奶")
    file_cases(district)
    page = new_page(viewport=BIG_SCREEN)
    login(page, "13900001111")
    open_nav(page, "指挥大屏")
    page.wait_for_url("**/dashboard/")
    street, community, grid = district["S1"], district["S1C1"], district["S1C1G1"]
    screen_map = page.locator("#dash-map")
    expect(screen_map).to_have_attribute("data-state", "ready")
    expect(screen_map).to_have_attribute("data-region", street.code)
    expect(page.locator('[data-counter="today_received"]')).to_have_text("3")  # S2's case is not shown
    expect(page.locator('[data-counter="open"]')).to_have_text("3")
    expect(page.locator("#dash-crumbs .dash-crumb")).to_have_count(1)
    # The population panel: the street's residents on record (two, in one household).
    expect(page.locator("#population-figures strong").first).to_have_text("2")
    snap(page, "dashboard-street")

    # Street → community, from the ranking of its communities.
    page.locator(f'#rank-regions [data-drill="{community.code}"]').click()
    expect(screen_map).to_have_attribute("data-region", community.code)
    expect(screen_map).to_have_attribute("data-state", "ready")
    expect(page.locator('[data-counter="open"]')).to_have_text("3")
    assert page.url.endswith(f"?region={community.code}")

    # Community → grid, by clicking the grid on the map.
    page.locator(f'#dash-map path[data-area="{grid.code}"]').click()
    expect(screen_map).to_have_attribute("data-region", grid.code)
    expect(page.locator('[data-counter="open"]')).to_have_text("2")
    expect(page.locator("#dash-crumbs .dash-crumb")).to_have_text([street.name, community.name, grid.name])
    expect(screen_map).to_have_attribute("data-markers", "2")
    snap(page, "dashboard-grid")

    # Back up with the breadcrumb, then open a case from its marker.
    page.locator(f'#dash-crumbs [data-drill="{street.code}"]').click()
    expect(screen_map).to_have_attribute("data-region", street.code)
    expect(screen_map).to_have_attribute("data-state", "ready")
    # On a busy machine the markers may be redrawn just as the click lands: click again if so.
    for _ in range(3):
        page.locator("#dash-map path[data-case]").first.click(force=True)
        try:
            page.wait_for_url("**/cases/staff/*/", timeout=5000)
            break
        except PlaywrightTimeoutError:
            continue
    page.wait_for_url("**/cases/staff/*/")
    expect(page.locator("h1")).to_have_text(re.compile(r"^\d{4}-\d{6}"))  # the case page, by its number
