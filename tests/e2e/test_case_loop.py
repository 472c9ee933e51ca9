"""The closed loop across four people in a real browser: a resident's report → community staff
accept and dispatch to the grid worker → the grid worker signs and feeds back on the phone →
community staff verify and close → the resident rates 5. Along the way: the queue's keyboard,
the "case changed, reload" banner, and screenshots of every staff page."""

import pytest
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases.models import Case, Category, Evaluation, Status
from civicgrid.testing import build_case_world, make_user

from .conftest import PHONE, open_nav, snap

PC = {"width": 1366, "height": 768}


@pytest.fixture
def loop_world(settings):
    people = {
        "resident": ("居民陈红", Role.RESIDENT, "S1C1", "13700001234"),
        "community": ("社区刘洋", Role.COMMUNITY_STAFF, "S1C1", "13900002222"),
        "grid": ("网格员王芳", Role.GRID_WORKER, "S1C1G1", "13812345678"),
    }
    return build_case_world(
        settings,
        people,
        description="3 号楼楼道里堆满了纸箱和旧家具，堵住了消防通道。",
        address="大学路 1 号院 3 号楼",
    )


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("手机号或用户名").fill(username)
    page.get_by_label("密码", exact=True).fill("Test@2026pass")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def do(page, action, fill=None):
    """Open an action's form on the case page, fill it, submit it and wait for the page to reload."""
    card = page.locator(f'details[data-action="{action}"]')
    if card.get_attribute("open") is None:
        card.locator("summary").click()
    for selector, value in (fill or {}).items():
        field = card.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_report_dispatch_handle_verify_close_rate(new_page, loop_world):
    tree, people, case = loop_world

    # Community staff: the queue, keyboard to the case, accept and dispatch to the grid worker.
    staff = new_page(viewport=PC)
    sign_in(staff, "社区刘洋")
    open_nav(staff, "案件受理派遣")
    staff.wait_for_url("**/cases/staff/queue/")
    expect(staff.locator("[data-case-row]")).to_have_count(1)
    expect(staff.locator('[data-count="stage_red"]')).to_have_text("1")
    snap(staff, "cases-staff-queue")
    staff.keyboard.press("j")
    expect(staff.locator("tr.is-current")).to_have_count(1)
    with staff.expect_navigation():
        staff.keyboard.press("Enter")
    expect(staff.locator("h1")).to_contain_text(case.number)
    expect(staff.locator("#reporter")).to_contain_text("137****1234")
    do(staff, "accept")
    do(staff, "dispatch", {"select[name=level]": "grid", "select[name=assignee]": str(people["grid"].pk)})
    expect(staff.locator("[data-status]")).to_have_text("待签收")
    snap(staff, "cases-staff-detail")

    # The grid worker on the phone: my tasks, one tap to sign, then feedback.
    worker = new_page(viewport=PHONE)
    sign_in(worker, "13812345678")
    worker.goto("/cases/tasks/")
    task = worker.locator(f'[data-task="{case.number}"]')
    expect(task).to_be_visible()
    snap(worker, "cases-tasks-phone")
    with worker.expect_navigation():
        task.get_by_role("button", name="签收").click()
    expect(worker.locator("#section-handle").locator(f'[data-task="{case.number}"]')).to_be_visible()

    # The dispatcher's open page notices the change and says so.
    staff.evaluate("window.civicgridCheckCase()")
    expect(staff.locator("#changed-banner")).to_be_visible()
    expect(staff.locator("#changed-banner")).to_contain_text("案件已被他人更新，请刷新后重试。")

    with worker.expect_navigation():
        worker.locator("#section-handle").get_by_role("link", name="处置反馈").click()
    do(worker, "feedback", {"textarea[name=text]": "已联系物业清走杂物，通道恢复畅通。"})
    worker.wait_for_url("**/cases/tasks/")
    snap(worker, "cases-tasks-after-feedback")

    # Community staff verify and close.
    staff.reload()
    do(staff, "verify_pass", {"textarea[name=text]": "现场核查已清理。"})
    do(staff, "close")
    expect(staff.locator("[data-status]")).to_have_text("已结案")
    expect(staff.locator('#timeline li[data-event="fed_back"]')).to_contain_text("已联系物业")
    snap(staff, "cases-staff-closed")

    # The resident rates it 5 on the phone.
    resident = new_page(viewport=PHONE)
    sign_in(resident, "居民陈红")
    resident.goto(f"/cases/my/{case.number}/")
    form = resident.locator("#evaluate form")
    form.locator('input[name="score"][value="5"]').check(force=True)
    with resident.expect_navigation():
        form.locator("button[type=submit]").click()
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    evaluation = Evaluation.objects.get(case=case)
    assert evaluation.score == 5 and evaluation.satisfied and evaluation.evaluator == people["resident"]
    assert Case.objects.get(pk=case.pk).events.filter(type="evaluated").exists()


def test_hotline_and_stats_pages(new_page, loop_world, settings):
    tree, people, case = loop_world
    operator = make_user("热线值班员", Role.COMMAND_OPERATOR, tree["D"], phone="13600006666")
    page = new_page(viewport=PC)
    sign_in(page, operator.username)
    open_nav(page, "热线登记")
    page.get_by_label("来电人/居民姓名").fill("张先生")
    page.get_by_label("联系电话").fill("13711112222")
    page.get_by_label("外部工单号").fill("12345-0001")
    page.get_by_label("类别").select_option(str(Category.objects.get(code="S05001").pk))
    page.get_by_label("问题描述").fill("小区门口垃圾多日未清运。")
    page.get_by_label("地址").fill("大学路 2 号")
    page.wait_for_selector("#intake-map path.leaflet-interactive")
    page.locator("#intake-map").scroll_into_view_if_needed()  # below the category picker on a laptop
    box = page.locator("#intake-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("input[name=lon]")).not_to_have_value("")  # the pin is placed
    snap(page, "cases-hotline")
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()
    filed = Case.objects.get(external_order_no="12345-0001")
    assert filed.source == "hotline" and filed.entered_by == operator
    expect(page.locator("h1")).to_contain_text(filed.number)

    page.goto(f"/cases/stats/?region={tree['S1'].code}")
    page.wait_for_selector('#trend-chart[data-state="ready"]')
    expect(page.locator("#stats-table tfoot")).to_contain_text("2")
    snap(page, "cases-stats")
