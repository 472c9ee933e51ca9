"""The statistics page as a street officer uses it on a laptop: the area picked from the tree, a row
followed down to its community, the way back up, every day on the trend axis, the Excel export."""

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.testing import make_user

from .conftest import DESKTOP, snap
from .test_case_loop import loop_world, sign_in  # noqa: F401 - the fixture

WIDE = {"width": 1440, "height": 900}


@pytest.mark.parametrize("viewport", [DESKTOP, WIDE], ids=["1280", "1440"])
def test_statistics_drill_down_and_export(new_page, loop_world, viewport, tmp_path):  # noqa: F811
    tree, _people, _case = loop_world
    street = make_user("街道赵敏", Role.STREET_STAFF, tree["S1"], phone="13600007777")
    page = new_page(viewport=viewport)
    sign_in(page, street.username)
    page.goto("/cases/stats/")
    page.wait_for_selector('#trend-chart[data-state="ready"]')
    picker = page.get_by_label("统计区域")
    expect(picker).to_have_value(tree["S1"].code)
    picker.select_option(tree["S1C1"].code)
    page.get_by_role("button", name="统计", exact=True).click()
    expect(page.locator("#stats-trail")).to_contain_text(tree["S1C1"].name)
    page.locator("#stats-trail").get_by_role("link", name=tree["S1"].name, exact=True).click()  # back up
    expect(picker).to_have_value(tree["S1"].code)
    page.locator("#stats-table tbody").get_by_role("link", name=tree["S1C1"].name, exact=True).click()  # down a row
    expect(picker).to_have_value(tree["S1C1"].code)
    expect(page.locator("#stats-table tfoot")).to_contain_text("1")
    labels = page.evaluate("JSON.parse(document.getElementById('trend-data').textContent).labels")
    assert labels[0] == (date.today() - timedelta(days=29)).isoformat() and len(labels) == 30
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], wide
    snap(page, f"cases-stats-{viewport['width']}")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 Excel").click()
    path = tmp_path / "stats.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet[1][0].value == "按区域"
