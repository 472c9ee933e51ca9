"""The staff intake map (热线登记, 代居民登记) draws the same grid and building layers as the resident's
report form (maps.js, CivicGridMapLayers): grid names, building names up close, and the pin says
which grid and community it falls in."""

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases.categories import load_categories
from civicgrid.people.testing import make_building
from civicgrid.regions import locator
from civicgrid.testing import make_user

from .conftest import DESKTOP, snap


def test_staff_intake_map_shows_grids_buildings_and_where_the_pin_is(new_page, login, district):
    load_categories()
    grid = district["S1C1G1"]
    make_building(grid, code="R1", name="幸福里3号楼")
    locator.invalidate()
    make_user("社区刘洋", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    page = new_page(viewport=DESKTOP)
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    login(page, "社区刘洋")
    page.goto("/cases/staff/entry/")
    intake_map = page.locator("#intake-map")
    expect(intake_map).to_have_attribute("data-layers", "ready")
    expect(intake_map).to_have_attribute("data-grids", "2")
    expect(intake_map).to_have_attribute("data-buildings", "1")
    expect(page.locator("#intake-map .map-label-grid")).to_have_text([grid.name, district["S1C1G2"].name])
    expect(page.locator("#intake-map .map-label-building")).to_be_hidden()  # building names only up close

    # A click on the grid's name (labels let clicks through to the map) places the pin in that grid.
    intake_map.scroll_into_view_if_needed()
    label = page.locator("#intake-map .map-label-grid").filter(has_text=grid.name).bounding_box()
    page.mouse.click(label["x"] + label["width"] / 2, label["y"] + label["height"] + 4)
    expect(page.locator("input[name=lon]")).not_to_have_value("")
    expect(page.locator("#intake-area")).to_have_text(f"所选位置：{grid.name}，{district['S1C1'].name}")
    snap(page, "staff-intake-map-layers")
    assert not failed, failed
