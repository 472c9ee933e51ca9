"""Base data in a real browser: the building table (楼盘表) and its colours, a door-knocking
verification on a phone, the person page with masked values and unmasking with a reason, and the
buildings map."""

import re

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.people.models import AccessLog, House, PersonTag, Tag
from civicgrid.people.testing import add_person, ensure_tags, make_building, make_id_number
from civicgrid.testing import make_user

from .conftest import PHONE, snap


def _people(district):
    ensure_tags()
    building = make_building(district["S1C1G1"], code="B1", floors=3, units=2, per_floor=2, name="幸福小区1号楼")
    house = House.objects.get(building=building, unit__number="1", number="101")
    worker = district["worker"]
    elder = add_person(worker, house, name="孙奶奶", id_number=make_id_number(), phone="13700001234")
    PersonTag.objects.create(person=elder, tag=Tag.objects.get(code="elderly_alone"))
    son = add_person(worker, house, name="孙小明", phone="13700005678")
    rented = House.objects.get(building=building, unit__number="2", number="302")
    rented.usage = "rented"
    rented.save()
    return building, house, elder, son


def test_building_table_colours_and_grid_worker_scope(new_page, login, district):
    building, house, elder, _son = _people(district)
    page = new_page()
    login(page, "13812345678")
    page.get_by_role("link", name="人房数据").first.click()
    expect(page.locator("h1")).to_contain_text("人房数据")
    expect(page.locator('[data-stat="persons"]')).to_have_text("2")
    page.get_by_role("link", name="幸福小区1号楼").click()
    table = page.locator("#building-table")
    expect(table.locator(".bt-cell")).to_have_count(12)
    expect(table.locator('.bt-cell[data-usage="rented"]')).to_have_count(1)
    expect(table.locator(".bt-cell.usage-self").first).to_be_visible()
    # The top floor first, as on the paper 楼盘表.
    expect(table.locator("tr").first.locator("th")).to_contain_text("3")
    page.get_by_role("link", name="按特殊人群").click()
    expect(page.locator("#legend")).to_contain_text("独居老人")
    expect(table.locator(".bt-cell.has-tags")).to_have_count(1)
    snap(page, "people-building-table")
    table.locator(".bt-cell.has-tags").click()
    expect(page.locator("h1")).to_contain_text("101")
    expect(page.locator(".person-table")).to_contain_text("孙奶奶")
    expect(page.locator(".person-table")).to_contain_text("137****1234")
    assert "13700001234" not in page.content()

    # The neighbour's grid worker: the same building is not found.
    neighbour_page = new_page()
    login(neighbour_page, "13812348765")
    response = neighbour_page.goto(f"/people/buildings/{building.pk}/")
    assert response.status == 404


def test_door_knocking_on_a_phone(new_page, login, district):
    _building, house, elder, son = _people(district)
    page = new_page(viewport=PHONE)
    login(page, "13812345678")
    page.goto(f"/people/houses/{house.pk}/")
    page.get_by_role("link", name="入户核查").click()
    expect(page.locator("h1")).to_contain_text("敲门行动")
    # The son moved away; the house is now rented out.
    page.locator(f'input[name="present"][value="{son.pk}"]').uncheck()
    page.get_by_label("房屋用途").select_option("rented")
    page.get_by_label("核查说明").fill("儿子已搬走，部分出租")
    snap(page, "people-verify-phone")
    page.get_by_role("button", name="确认核查").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成入户核查")
    expect(page.locator(".page-subtitle")).to_contain_text("最近核查")
    expect(page.locator(".person-table")).to_contain_text("孙奶奶")
    expect(page.locator(".person-table")).not_to_contain_text("孙小明")
    expect(page.locator("#changes")).to_contain_text("核查")
    house.refresh_from_db()
    assert house.usage == "rented" and house.last_verified_by == district["worker"]
    # The page fits the phone: no horizontal scrolling of the whole page.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_unmask_with_reason_and_access_log(page, login, district):
    _building, _house, elder, _son = _people(district)
    make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    login(page, "13900002222")
    page.goto(f"/people/persons/{elder.pk}/")
    expect(page.locator('[data-field="phone"]')).to_have_text("137****1234")
    page.locator("#unmask-form").get_by_label("字段").select_option("phone")
    page.get_by_role("button", name="查看明文").click()
    expect(page.locator("#unmask-form .invalid-feedback")).to_be_visible()  # no reason: refused
    assert AccessLog.objects.count() == 0
    page.locator("#unmask-form").get_by_label("查看事由").fill("联系家属")
    page.get_by_role("button", name="查看明文").click()
    expect(page.locator("#plain-value")).to_contain_text("13700001234")
    page.goto("/people/access-log/")
    expect(page.locator("#access-log")).to_contain_text("联系家属")
    expect(page.locator("#access-log")).to_contain_text("孙奶奶")


def test_buildings_on_the_map(page, login, district):
    building, *_rest = _people(district)
    login(page, "13812345678")
    page.goto(f"/people/map/?region={district['S1C1G1'].code}")
    page.wait_for_selector('#people-map[data-state="ready"]')
    assert page.get_attribute("#people-map", "data-buildings") == "1"
    expect(page.locator("#people-map .leaflet-interactive")).not_to_have_count(0)
    # The building's popup: its name and figures as text, a link to its page (CivicGrid.textPopup).
    page.locator("#people-map path.leaflet-interactive").last.click()
    popup = page.locator(".leaflet-popup")
    expect(popup.locator("strong")).to_have_text(building.name)
    expect(popup.get_by_role("link")).to_have_attribute("href", re.compile(r"^/people/"))


def test_person_search_by_name_phone_and_id_with_pages(new_page, login, district):
    from civicgrid.people.selectors import SEARCH_PAGE

    building, _house, _elder, _son = _people(district)
    worker = district["worker"]
    houses = list(building.houses.order_by("unit__number", "floor", "number"))
    for index in range(SEARCH_PAGE + 2):
        add_person(worker, houses[index % len(houses)], name=f"孙{index:02d}")
    page = new_page()
    login(page, "13812345678")
    page.get_by_role("link", name="人房数据").first.click()
    page.get_by_role("link", name="查找人员").click()

    page.get_by_label("姓名、手机号或身份证号").fill("孙")
    page.get_by_role("button", name="查找").click()
    rows = page.locator(".person-table tbody tr")
    expect(rows).to_have_count(SEARCH_PAGE)
    expect(page.locator("#result-range")).to_contain_text("还有更多")
    expect(rows.first).to_contain_text("幸福小区1号楼")  # the address column
    page.get_by_role("link", name="下一页").click()
    expect(rows).to_have_count(4)  # 22 numbered + 孙奶奶 + 孙小明, 20 on the first page
    expect(page.get_by_role("link", name="上一页")).to_be_visible()

    page.get_by_label("姓名、手机号或身份证号").fill("137 0000 1234")
    page.get_by_role("button", name="查找").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("孙奶奶")
    expect(rows.first).to_contain_text("137****1234")
    assert "13700001234" not in page.locator(".person-table").inner_html()
    rows.first.get_by_role("link", name="孙奶奶").click()
    expect(page.locator("h1")).to_contain_text("孙奶奶")
