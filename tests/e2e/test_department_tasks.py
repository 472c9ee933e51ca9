"""Issue 14 item 5 in a real browser at 1280 px: department staff find their task list in the
navigation, sign a case dispatched to their department, open it, and the case page's breadcrumb
leads back to their list (not to the dispatcher's queue, which is not theirs)."""

import pytest
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases import actions
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Category, HandlingLevel
from civicgrid.regions import locator
from civicgrid.regions.models import Department, DepartmentKind
from civicgrid.testing import build_tree, make_user

from .conftest import snap
from .test_case_loop import sign_in

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def dispatched_to_department(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    tree = build_tree()
    locator.invalidate()
    load_categories()
    cg = Department.objects.create(region=tree["D"], code="D-CG", name="区城管局", kind=DepartmentKind.URBAN_MANAGEMENT)
    resident = make_user("居民陈红", Role.RESIDENT, tree["S1C1"], phone="13700001234")
    community = make_user("社区刘洋", Role.COMMUNITY_STAFF, tree["S1C1"], phone="13900002222")
    street = make_user("街道李明", Role.STREET_STAFF, tree["S1"], phone="13900003333")
    make_user("城管张伟", Role.DEPARTMENT_STAFF, department=cg, phone="13900004444")
    node = tree["S1C1G1M1"]
    case = actions.report_case(
        resident,
        category=Category.objects.get(code="06010"),
        description="人行道上的井盖缺失，很危险。",
        lon=node.centroid_lon,
        lat=node.centroid_lat,
    ).case
    case = actions.accept_case(case, community, version=case.version)
    return actions.dispatch_case(case, street, version=case.version, level=HandlingLevel.DEPARTMENT, department=cg)


def fits(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_department_staff_work_from_their_task_list(new_page, dispatched_to_department):
    case = dispatched_to_department
    page = new_page(viewport=LAPTOP)
    sign_in(page, "城管张伟")
    page.goto("/")
    page.locator('.navbar [data-nav="cases:tasks"]').click()
    page.wait_for_url("**/cases/tasks/")
    assert fits(page)
    card = page.locator(f'#section-sign [data-task="{case.number}"]')
    expect(card.locator("[data-light]").first).to_be_visible()
    card.get_by_role("button", name="签收").click()
    page.wait_for_url("**/cases/tasks/")
    in_hand = page.locator(f'#section-handle [data-task="{case.number}"]')
    expect(in_hand).to_be_visible()
    expect(in_hand.get_by_role("link", name="申请延期")).to_be_visible()
    snap(page, "cases-department-tasks-1280")

    in_hand.get_by_role("link", name=case.title).click()
    page.wait_for_url(f"**/cases/staff/{case.number}/**")
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "handling")
    crumb = page.locator(".breadcrumb a")
    expect(crumb).to_have_count(1)
    expect(crumb).to_have_text("我的任务")
    # Nothing to approve: no extension or void decision is offered to the department.
    assert page.locator('details[data-action="approve_extension"]').count() == 0
    assert page.locator('details[data-action="feedback"]').count() == 1
    assert fits(page)
    crumb.click()
    page.wait_for_url("**/cases/tasks/")
