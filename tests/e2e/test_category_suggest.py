"""Smart intake in the browser: a resident describes the problem in their own words, sees the right
category suggested and pre-selected by the trained model, and files without touching the list."""

import pytest
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Case, Category
from civicgrid.regions import locator
from civicgrid.suggest import actions, engine, selectors
from civicgrid.suggest.tests.conftest import FIXTURE_TRAIN
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, snap
from .test_layout_fit import FIT


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])
def test_the_words_choose_the_category(new_page, login, district, settings, tmp_path, viewport):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    settings.SUGGEST_TRAIN_DIR = FIXTURE_TRAIN
    settings.SUGGEST_RELOAD_SECONDS = 0
    locator.invalidate()
    load_categories()
    engine.forget()
    selectors.forget_categories()
    actions.train_model()
    lamp = Category.objects.get(code="01008")
    make_user("居民王芳", Role.RESIDENT, district["S1C1"], phone="13700003333")
    page = new_page(viewport=viewport)
    login(page, "13700003333")

    page.goto("/cases/report/")
    page.wait_for_selector('#report-map[data-state="ready"]')
    page.wait_for_selector('[data-category-picker][data-smart-suggest][data-picker="ready"]')
    # No keyword of the table in these words: the model reads them.
    page.get_by_label("问题描述").fill("晚上这条路黑漆漆的灯坏了")
    suggestions = page.locator("[data-suggestions] .category-suggestion")
    expect(suggestions.first).to_contain_text("路灯")
    expect(suggestions.first).to_contain_text("%")
    assert suggestions.count() == 3
    expect(page.locator("#id_category")).to_have_value(str(lamp.pk))
    expect(page.locator(".category-hint")).to_contain_text("公用设施 · 路灯")
    page.locator(".category-field").scroll_into_view_if_needed()
    snap(page, f"category-suggest-{viewport['width']}")
    assert page.evaluate(FIT) == []

    page.locator("#report-map").scroll_into_view_if_needed()
    box = page.locator("#report-map").bounding_box()
    marker = page.locator("#report-map .leaflet-marker-icon")
    for _attempt in range(5):  # Leaflet drops clicks during its zoom animation on a busy machine
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        if marker.count():
            break
        page.wait_for_timeout(300)
    expect(marker).to_have_count(1)
    page.get_by_role("button", name="提交上报").click()
    page.wait_for_url("**/cases/my/*/?submitted=1")
    assert Case.objects.get().category == lamp
