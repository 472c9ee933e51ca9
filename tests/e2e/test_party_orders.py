"""Orders in a browser (派单 / 接单 / 赋分): community staff post an order on a laptop (1280 px), the
department's staff take it and report it with a photo, the street grants points and the ranking
changes; the report step also on a phone (390 px), by the first secretary."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from civicgrid.cases.tests.media_files import jpeg_bytes
from civicgrid.party.actions import orders as actions
from civicgrid.party.tests.conftest import make_world

from .conftest import DESKTOP, PHONE, snap


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _photo(tmp_path):
    path = tmp_path / "现场.jpg"
    path.write_bytes(jpeg_bytes(size=(120, 80)))
    return str(path)


def _setup(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"
    return make_world()


def test_community_posts_department_takes_street_grants_points(new_page, login, settings, tmp_path):
    world = _setup(settings, tmp_path)

    street = new_page(viewport=DESKTOP)
    login(street, "street")
    street.goto("/party/orders/ranking/")
    expect(street.locator("#unit-ranking-empty")).to_be_visible()

    community = new_page(viewport=DESKTOP)
    login(community, "community")
    community.goto("/party/orders/")
    community.locator("#order-new").click()
    community.get_by_label("类型").select_option("red_friday")
    community.get_by_label("标题").fill("红色星期五 清洁家园")
    community.get_by_label("需求说明").fill("周五下午清理楼道堆物，需要 6 人。")
    community.get_by_label("截止日期").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    community.get_by_label("建议分值").fill("6")
    community.get_by_role("button", name="发布派单").click()
    expect(community.locator("#order-status")).to_have_text("待接单")
    _fits(community)
    snap(community, "party-order-posted")

    dept = new_page(viewport=DESKTOP)
    login(dept, "dept")
    dept.goto("/party/orders/")
    dept.locator("#takeable-table a").filter(has_text="红色星期五 清洁家园").click()
    dept.get_by_role("button", name="接单（下沉单位 · 城管局）").click()
    expect(dept.locator("#order-status")).to_have_text("已接单")
    dept.locator("#order-report-link").click()
    dept.get_by_label("完成情况").fill("已清理楼道 12 处，清运杂物 2 车。")
    dept.locator("#report-photos").set_input_files(_photo(tmp_path))
    dept.get_by_role("button", name="提交完成报告").click()
    expect(dept.locator("#order-status")).to_have_text("待审核")
    expect(dept.locator(".order-photo")).to_have_count(1)
    _fits(dept)

    street.goto("/party/orders/")
    street.locator("#audit-table a").filter(has_text="红色星期五 清洁家园").click()
    street.locator("#order-audit-link").click()
    expect(street.locator("#audit-report")).to_contain_text("已清理楼道")
    street.get_by_label("赋分", exact=True).fill("99")
    street.get_by_role("button", name="提交审核").click()
    expect(street.locator(".invalid-feedback")).to_contain_text("0 到 20")
    street.get_by_label("赋分", exact=True).fill("8")
    street.get_by_role("button", name="提交审核").click()
    expect(street.locator("#order-status")).to_have_text("已赋分")
    expect(street.locator("#order-points")).to_have_text("8")
    _fits(street)
    snap(street, "party-order-approved")

    street.goto("/party/orders/ranking/")
    row = street.locator("#unit-ranking tbody tr").first
    expect(row).to_contain_text("城管局")
    expect(row.locator(".points")).to_have_text("8")
    street.locator("#period").select_option("year")
    street.get_by_role("button", name="查看").click()
    expect(street.locator("#unit-ranking .points").first).to_have_text("8")
    _fits(street)
    snap(street, "party-order-ranking")
    assert world.department.name == "城管局"


def test_first_secretary_reports_on_a_phone(new_page, login, settings, tmp_path):
    world = _setup(settings, tmp_path)
    order = actions.post_order(
        world.staff.community,
        community_id=world.tree["S1C1"].pk,
        kind="co_build",
        title="共驻共建 助老餐桌",
        need="每周三中午为独居老人送餐。",
        deadline=timezone.localdate() + timedelta(days=5),
        points_offered=5,
    )
    phone = new_page(viewport=PHONE)
    login(phone, "first_secretary")
    phone.goto("/party/orders/")
    phone.locator("#takeable-table a").filter(has_text="助老餐桌").click()
    phone.get_by_role("button", name="接单（第一书记 · 城管局）").click()
    expect(phone.locator("#order-status")).to_have_text("已接单")
    _fits(phone)
    phone.locator("#order-report-link").click()
    phone.get_by_role("button", name="提交完成报告").click()  # nothing filled in: refused, shown
    expect(phone.locator(".invalid-feedback").first).to_be_visible()
    phone.get_by_label("完成情况").fill("已为 18 位老人送餐。")
    phone.locator("#report-photos").set_input_files(_photo(tmp_path))
    _fits(phone)
    snap(phone, "party-order-report-phone")
    phone.get_by_role("button", name="提交完成报告").click()
    expect(phone.locator("#order-status")).to_have_text("待审核")
    expect(phone.locator("#order-taker")).to_contain_text("第一书记")
    _fits(phone)
    order.refresh_from_db()
    assert order.status == "reported" and order.photos.count() == 1
