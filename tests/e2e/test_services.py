"""便民服务 in a real browser: a resident on a phone opens the services, sees the shops near home
(list and map) and calls a craftsman; the craftsman accepts and completes on their phone; the
resident rates. Staff on a laptop add a service link (a javascript: link is refused) and a
craftsman, and verify them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.people import actions as people_actions
from civicgrid.people.models import Enterprise
from civicgrid.people.testing import add_person, make_building
from civicgrid.services import actions
from civicgrid.services.models import Craftsman, CraftsmanOrder, CraftsmanStatus, OrderStatus, ServiceLink
from civicgrid.testing import build_tree, make_user
from tests.e2e.conftest import DESKTOP, PHONE, open_nav, snap


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def town(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tree = build_tree()
    community, grid, micro = tree["S1C1"], tree["S1C1G1"], tree["S1C1G1M1"]
    staff = make_user("社区刘敏", Role.COMMUNITY_STAFF, community)
    street = make_user("街道李强", Role.STREET_STAFF, tree["S1"])
    admin = make_user("管理员", Role.SYSTEM_ADMIN, tree["D"])
    resident = make_user("居民张华", Role.RESIDENT, community, phone="13800000011")
    worker = make_user("王师傅账号", Role.RESIDENT, community, phone="13800000021")
    lon, lat = micro.centroid_lon, micro.centroid_lat
    home = make_building(micro, code="HOME", name="幸福里3号楼", lon=lon, lat=lat)
    add_person(staff, home.houses.first(), name="张华", phone="13800000011")
    for i, (name, metres) in enumerate([("好邻居便利店", 300), ("老王五金", 120), ("社区药房", 650)]):
        building = make_building(micro, code=f"SHOP{i}", lon=lon + metres / 91_400, lat=lat, floors=1, per_floor=1)
        people_actions.save_enterprise(
            staff, Enterprise(), name=name, grid=grid, building=building, industry="零售", phone=""
        )
    actions.save_link(
        admin,
        ServiceLink(),
        region=tree["D"],
        category="housing_fund",
        title="住房公积金提取",
        url="https://gjj.example.gov.cn/",
        guide="租房、购房可申请提取。",
        phone="12329",
    )
    craftsman = actions.save_craftsman(
        staff,
        Craftsman(),
        name="王师傅",
        skills=["plumbing", "drains"],
        area=community,
        availability="每天",
        phone="13800000021",
    )
    actions.set_craftsman_status(staff, craftsman, CraftsmanStatus.VERIFIED)
    return {
        "tree": tree,
        "resident": resident,
        "worker": worker,
        "street": street,
        "staff": staff,
        "craftsman": craftsman,
    }


def test_a_resident_finds_shops_and_calls_a_craftsman_who_answers_on_a_phone(new_page, login, town):
    page = new_page(viewport=PHONE)
    login(page, "居民张华")
    page.goto("/services/")
    page.get_by_role("link", name="住房公积金提取").click()
    link = page.locator("#link-url")
    assert link.inner_text() == "https://gjj.example.gov.cn/" and "noopener" in link.get_attribute("rel")
    assert fits(page)

    page.goto("/services/")
    page.get_by_role("link", name="周边商户").click()
    page.wait_for_selector('#nearby-map[data-state="ready"]')
    assert page.get_attribute("#nearby-map", "data-markers") == "3"
    names = page.locator("#shop-list .shop-name").all_inner_texts()
    assert names == ["老王五金", "好邻居便利店", "社区药房"]
    metres = [
        int(m) for m in page.locator("#shop-list .shop-distance").evaluate_all("e => e.map(x => x.dataset.metres)")
    ]
    assert metres == sorted(metres) and 100 < metres[0] < 140
    assert "幸福里3号楼" in page.locator(".page-subtitle").inner_text()
    page.select_option("#within", "500")
    page.wait_for_url("**within=500**")
    assert page.locator("#shop-list .shop-name").all_inner_texts() == ["老王五金", "好邻居便利店"]
    assert fits(page)
    snap(page, "services-nearby-phone")

    page.get_by_role("link", name="能工巧匠").click()
    page.get_by_role("link", name="管道疏通", exact=True).click()
    page.wait_for_url("**skill=drains**")
    page.locator("#craftsman-list").get_by_text("王师傅").click()
    assert "138****0021" in page.content()
    page.get_by_label("需要做什么").fill("厨房下水道堵了")
    assert "幸福里3号楼" in page.get_by_label("上门地址").input_value()
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("期望时间").fill(when)
    page.get_by_role("button", name="一键呼叫").click()
    page.wait_for_url("**/services/orders/*/")
    assert page.locator("#order-status").inner_text().strip() == "待接单"
    assert fits(page)
    order = CraftsmanOrder.objects.get()

    craftsman_page = new_page(viewport=PHONE)
    login(craftsman_page, "王师傅账号")
    craftsman_page.goto("/services/jobs/")
    craftsman_page.locator("#jobs-waiting").get_by_text("厨房下水道堵了").click()
    craftsman_page.get_by_role("button", name="接单").click()
    assert craftsman_page.locator("#order-status").inner_text().strip() == "已接单"
    craftsman_page.get_by_role("button", name="已完成").click()
    assert craftsman_page.locator("#order-status").inner_text().strip() == "已完成"
    assert fits(craftsman_page)
    snap(craftsman_page, "services-job-phone")

    page.reload()
    page.locator("#rate-form label").filter(has_text="5").click()
    page.get_by_label("评价").fill("来得及时")
    page.get_by_role("button", name="提交评价").click()
    assert "5 ★ 来得及时" in page.locator("#order-rating").inner_text()
    order.refresh_from_db()
    assert (order.status, order.rating) == (OrderStatus.COMPLETED, 5)
    snap(page, "services-rated-phone")


def test_staff_add_a_service_link_and_a_craftsman_on_a_laptop(new_page, login, town):
    page = new_page(viewport=DESKTOP)
    login(page, "街道李强")
    page.goto("/")
    open_nav(page, "服务指南管理")
    page.get_by_role("link", name="新增服务指南").click()
    page.get_by_label("标题").fill("养老金资格认证")
    page.get_by_label("类别").select_option("pension")
    page.get_by_label("链接").fill("javascript:alert(1)")
    page.get_by_label("办事指南").fill("每年认证一次，可刷脸认证。")
    page.get_by_role("button", name="保存").click()
    assert "http://" in page.locator("#link-form").inner_text()
    assert not ServiceLink.objects.filter(title="养老金资格认证").exists()
    page.get_by_label("链接").fill("https://hrss.example.gov.cn/")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/services/manage/links/")
    assert "养老金资格认证" in page.locator("#link-table").inner_text()
    assert fits(page)

    open_nav(page, "能工巧匠管理")
    page.get_by_role("link", name="新增能工巧匠").click()
    page.get_by_label("姓名").fill("赵大姐")
    page.get_by_label("服务区域").select_option(label=f"{town['tree']['S1C1'].name}（{town['tree']['S1C1'].code}）")
    page.get_by_label("缝补").check()
    page.get_by_label("理发").check()
    page.get_by_label("联系电话").fill("13700001234")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/services/manage/craftsmen/")
    row = page.locator('tr[data-craftsman="赵大姐"]')
    assert "137****1234" in row.inner_text() and "待核实" in row.inner_text()
    row.get_by_role("button", name="核实").click()
    row = page.locator('tr[data-craftsman="赵大姐"]')
    assert "已核实" in row.inner_text()
    assert Craftsman.objects.get(name="赵大姐").status == CraftsmanStatus.VERIFIED
    assert fits(page)
    snap(page, "services-craftsmen-desktop")
