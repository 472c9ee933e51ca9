"""Keeping base data current in a real browser: a community staff member registers a new building from
the overview, generates its houses, and moves an existing resident into one of them from the person
page."""

from datetime import date

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.people.models import Building, House, Residence
from civicgrid.people.testing import add_person, make_building, make_id_number
from civicgrid.testing import make_user

from .conftest import snap


def test_new_building_houses_and_a_move(new_page, login, district):
    grid = district["S1C1G1"]
    old = make_building(grid, code="B1", floors=2, units=1, per_floor=1, name="老楼1号")
    resident = add_person(district["worker"], House.objects.get(building=old, number="101"), name="钱多多")
    add_person(
        district["worker"], House.objects.get(building=old, number="101"), name="钱小多", id_number=make_id_number()
    )
    make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    page = new_page()
    login(page, "13900002222")

    # The overview of the grid: 新增楼栋.
    page.goto(f"/people/?region={grid.code}")
    page.get_by_role("link", name="新增楼栋").click()
    form = page.locator("#building-form")
    form.get_by_label("楼栋编码").fill("XY-08")
    form.get_by_label("名称").fill("新苑8号楼")
    expect(form.get_by_label("所属网格")).to_have_value(str(grid.pk))
    form.get_by_label("地上层数").fill("5")
    form.get_by_label("单元数").fill("2")
    form.get_by_label("经度").fill("160")  # outside China: refused, nothing saved
    form.get_by_label("纬度").fill("34.75")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#building-form .invalid-feedback")).to_contain_text("不在中国境内")
    assert not Building.objects.filter(code="XY-08").exists()
    page.locator("#building-form").get_by_label("经度").fill("113.62")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已新增楼栋")
    expect(page.locator("h1")).to_contain_text("新苑8号楼")
    expect(page.locator("#building-table")).to_contain_text("这栋楼还没有登记房屋")

    # Generate the houses of unit 1: floors 1–5, two per floor.
    page.get_by_role("link", name="批量生成房屋").click()
    generate = page.locator("#generate-form")
    generate.get_by_label("每层户数").fill("2")
    generate.get_by_label("1单元").check()
    snap(page, "people-generate-houses")
    page.get_by_role("button", name="生成").click()
    expect(page.locator(".alert-success")).to_contain_text("已生成房屋 10 套")
    table = page.locator("#building-table")
    expect(table.locator(".bt-cell")).to_have_count(10)
    expect(table.locator('.bt-cell[data-house="502"]')).to_be_visible()
    expect(page.locator("#changes")).to_contain_text("批量生成房屋 10 套")

    # Move the resident there from the person page, into a new household.
    page.goto(f"/people/persons/{resident.pk}/")
    page.get_by_role("link", name="迁往其他房屋").click()
    page.get_by_label("楼栋编码或名称").fill("新苑")
    page.locator("#building-search").get_by_role("button", name="查找").click()
    page.locator("#building-results").get_by_role("link", name="新苑8号楼").click()
    move = page.locator("#move-form")
    move.get_by_label("目标房屋").select_option(label="1单元302")
    expect(move.get_by_label("加入户")).to_have_value("")  # 新立一户
    move.get_by_label("迁入日期").fill(date.today().isoformat())
    page.get_by_role("button", name="确认迁入").click()
    expect(page.locator(".alert-success")).to_contain_text("已迁往")
    info = page.locator("#person-info")
    expect(info).to_contain_text("新苑8号楼1单元302")
    expect(info).to_contain_text("本人（户主）")
    expect(page.locator("h1")).not_to_contain_text("已迁出")
    history = page.get_by_role("heading", name="居住历史").locator("xpath=ancestor::section")
    expect(history).to_contain_text("老楼1号1单元101")
    expect(history).to_contain_text(f"{date.today():%Y-%m-%d} — 至今")
    snap(page, "people-person-moved")
    resident.refresh_from_db()
    assert resident.house.building.code == "XY-08" and resident.house.number == "302"
    assert Residence.objects.filter(person=resident).count() == 2
