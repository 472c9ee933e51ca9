"""The wall screen at 1920×1080 names no one in full and no special group: an elderly person living
alone who was not visited shows as 刘** and 重点关爱对象 in the warning list (issue 14 item 7)."""

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.dashboard import warnings
from civicgrid.dashboard.models import RuleAction, RuleKind, WarningRule
from civicgrid.testing import make_user

from .conftest import snap

BIG_SCREEN = {"width": 1920, "height": 1080}


def test_the_wall_screen_masks_names_and_groups_in_its_warnings(new_page, login, district):
    from civicgrid.people import actions as people_actions
    from civicgrid.people.testing import add_person, ensure_tags, make_building

    ensure_tags()  # the data migration's tags are gone once an earlier live-server test flushed them
    worker = make_user("网格员小李", Role.GRID_WORKER, district["S1C1G1"], phone="13600001234")
    house = make_building(district["S1C1G1"], code="D1").houses.first()
    elder = add_person(worker, house, name="刘大爷")
    people_actions.set_tags(worker, elder, ["elderly_alone"])
    WarningRule.objects.create(
        name="独居老人走访预警", kind=RuleKind.ELDERLY_NOT_VISITED, threshold=7, action=RuleAction.TASK
    )
    assert warnings.run_rules()["fired"] == 1
    page = new_page(viewport=BIG_SCREEN)
    login(page, "13900001111")
    page.goto("/dashboard/")
    items = page.locator("#warning-list li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("刘**")
    expect(items.first).to_contain_text("重点关爱对象")
    text = page.locator("body").inner_text()
    assert "刘大爷" not in text and "独居老人" not in text
    snap(page, "dashboard-warnings-masked-1920")
