"""The category picker on a phone: the description pre-selects the likely category, the search box
finds minors by keyword, and the chosen minor is what the report is filed under."""

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Case, Category
from civicgrid.regions import locator
from civicgrid.testing import make_user

from .conftest import PHONE, snap
from .test_layout_fit import FIT


def test_resident_picks_a_category_by_description_and_search(new_page, login, district, settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    locator.invalidate()
    load_categories()
    lamp = Category.objects.get(code="01008")
    storm_cover = Category.objects.get(code="01003")
    make_user("居民李明", Role.RESIDENT, district["S1C1"], phone="13700002222")
    page = new_page(viewport=PHONE)
    login(page, "13700002222")

    page.goto("/cases/report/")
    page.wait_for_selector('#report-map[data-state="ready"]')
    page.wait_for_selector('[data-category-picker][data-picker="ready"]')
    # Before anything is typed: the major classes as buttons, each with a short description.
    majors = page.locator(".category-major:visible")
    expect(majors.first).to_be_visible()
    assert majors.count() == 8
    assert page.evaluate(FIT) == []
    page.get_by_role("button", name="更多大类").click()
    expect(majors).to_have_count(page.locator(".category-major").count())
    page.locator(".category-field").scroll_into_view_if_needed()
    snap(page, "category-picker-majors-phone")
    assert page.evaluate(FIT) == []

    page.get_by_label("问题描述").fill("路灯不亮")
    expect(page.locator('.category-major[aria-pressed="true"]')).to_contain_text("公用设施")
    expect(page.locator(".category-hint")).to_contain_text("公用设施 · 路灯")
    expect(page.locator("#id_category")).to_have_value(str(lamp.pk))
    expect(page.locator('.category-minor[aria-pressed="true"]')).to_have_text("路灯")
    page.locator(".category-field").scroll_into_view_if_needed()
    snap(page, "category-picker-suggested-phone")

    page.get_by_role("searchbox", name="搜索分类").fill("井盖")
    found = page.locator(".category-minors .category-minor")
    expect(found.first).to_be_visible()
    assert found.count() >= 6
    found.filter(has_text="雨水井盖").click()
    expect(page.locator("#id_category")).to_have_value(str(storm_cover.pk))
    expect(page.locator(".category-hint")).to_contain_text("公用设施 · 雨水井盖")
    # An explicit choice stands: typing more does not override it.
    page.get_by_label("问题描述").fill("路灯不亮，旁边雨水井盖也松了")
    page.wait_for_timeout(400)
    expect(page.locator("#id_category")).to_have_value(str(storm_cover.pk))
    snap(page, "category-picker-search-phone")
    assert page.evaluate(FIT) == []

    # The middle of the map on screen, clear of the phone's fixed tab bar (resident pages).

    page.locator("#report-map").evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")

    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    page.get_by_label("地址").fill("幸福小区3号楼")
    page.get_by_role("button", name="提交上报").click()
    page.wait_for_url("**/cases/my/*/?submitted=1")
    case = Case.objects.get()
    assert case.category == storm_cover
