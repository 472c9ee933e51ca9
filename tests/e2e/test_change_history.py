"""The change log in the browser: an administrator edits a warning rule in the admin and reads the
rule's history page (1280 px); a street official reads a region's change record on its page (390 px)."""

from playwright.sync_api import expect

from civicgrid.dashboard import actions
from civicgrid.dashboard.models import RuleKind, WarningRule
from civicgrid.regions.actions import update_region

from .conftest import DESKTOP, PHONE, log_in, snap


def test_an_admin_edit_shows_on_the_rules_history_page(new_page, district):
    root = district["street_staff"]
    root.is_staff = root.is_superuser = True
    root.save()
    rule = actions.save_warning_rule(
        WarningRule(name="网格在办过多", kind=RuleKind.GRID_OPEN, region=district["D"], threshold=20)
    )
    page = new_page(viewport=DESKTOP)
    log_in(page, "13900001111")
    page.goto(f"/admin/dashboard/warningrule/{rule.pk}/change/")
    page.locator("#id_threshold").fill("35")
    page.locator("input[name=_continue]").click()
    page.wait_for_url(f"**/admin/dashboard/warningrule/{rule.pk}/change/")
    page.locator("a.historylink").click()
    page.wait_for_url(f"**/admin/dashboard/warningrule/{rule.pk}/history/")
    rows = page.locator("#change-history tr.change-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("街道李强")
    expect(rows.first).to_contain_text("阈值")  # the label, not the field name
    expect(rows.first).to_contain_text("20.0 → 35.0")
    expect(rows.last).to_contain_text("系统")
    snap(page, "admin-rule-history-1280")


def test_a_region_page_shows_its_change_record_on_a_phone(new_page, district):
    community = district["S1C1"]
    update_region(community, user=district["street_staff"], name="建中社区")
    page = new_page(viewport=PHONE)
    log_in(page, "13900001111")
    page.goto(f"/regions/{community.code}/")
    changes = page.locator("#changes")
    expect(changes).to_contain_text("变更记录")
    expect(changes).to_contain_text("S1C1 → 建中社区")
    expect(changes).to_contain_text("街道李强")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    snap(page, "region-changes-390")
