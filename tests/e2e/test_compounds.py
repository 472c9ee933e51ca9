"""小区治理 in a real browser: a resident checks the renovation fund ledger of their compound on a
phone (390 px) and reports a problem of the works; community staff (1280 px) keep a compound's
rectification ledger and ask for a class rise that a street reviewer confirms; staff run the
renovation project's fund ledger and open its opinion poll."""

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Case
from civicgrid.compounds import actions
from civicgrid.compounds.demo import seed_criteria
from civicgrid.compounds.models import CompoundClass, Payment, RectificationItem
from civicgrid.consult.models import Poll
from civicgrid.people import selectors as people_selectors
from civicgrid.people.models import Compound
from civicgrid.people.testing import add_person, make_building, make_id_number
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, open_nav, snap


def _world(district):
    seed_criteria()
    staff = make_user("社区王芳", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900003333")
    street = district["street_staff"]
    compound = Compound.objects.create(name="幸福里小区", community=district["S1C1"], region_code=district["S1C1"].code)
    other = Compound.objects.create(name="和平小区", community=district["S1C1"], region_code=district["S1C1"].code)
    building = make_building(district["S1C1G1M1"], code="K1", name="幸福里1号楼")
    building.compound = compound
    building.save(update_fields=["compound"])
    houses = list(building.houses.order_by("pk"))
    add_person(staff, houses[0], name="陈静", phone="13700003333", id_number=make_id_number())
    add_person(staff, houses[1], name="赵磊", phone="13700004444", id_number=make_id_number())
    resident = make_user("居民陈静", Role.RESIDENT, district["S1C1"], phone="13700003333")
    return staff, street, resident, compound, other


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_resident_checks_the_renovation_fund_ledger_on_a_phone(new_page, login, district):
    load_categories()
    staff, _street, _resident, compound, other = _world(district)
    project = actions.create_project(
        staff, compound, title="幸福里老旧院落改造", contractor="城建三公司", fund_target="4000"
    )
    actions.add_member(staff, project.pk, name="王建国", duty="主任", phone="13711112222")
    (h1, label1), (h2, label2) = people_selectors.compound_households(compound.pk)[:2]
    first = actions.set_pledge(staff, project.pk, household_id=h1, pledged="2000")
    actions.set_pledge(staff, project.pk, household_id=h2, pledged="1000")
    actions.record_payment(staff, first.pk, paid="1500")
    other_project = actions.create_project(staff, other, title="和平小区改造")

    page = new_page(viewport=PHONE)
    login(page, "13700003333")
    page.goto("/compounds/mine/")
    expect(page.locator("h1")).to_have_text("幸福里小区")
    expect(page.locator("#fund-paid")).to_have_text("1500.00")
    _fits(page)
    page.locator("#fund-link").click()
    expect(page.locator("#project-title")).to_have_text("幸福里老旧院落改造")
    ledger = page.locator("#ledger tbody tr")
    expect(ledger).to_have_count(2)
    expect(page.locator("#ledger")).to_contain_text(label1)
    expect(page.locator("#ledger")).to_contain_text(label2)
    expect(page.locator("#fund-summary")).to_contain_text("3000.00")
    expect(page.locator("#fund-summary")).to_contain_text("筹款进度 37%")
    body = page.locator("main").inner_text()
    assert "陈静" not in body and "赵磊" not in body and "13711112222" not in body
    assert "137****2222" in body
    _fits(page)
    snap(page, "compounds-fund-phone")

    page.get_by_label("问题类别").select_option("safety")
    page.get_by_label("问题描述").fill("脚手架没有防护网，孩子放学经过很危险。")
    page.get_by_role("button", name="提交反映").click()
    expect(page.locator(".messages")).to_contain_text("已提交，案件编号")
    case = Case.objects.get()
    assert "城建三公司" in case.description and case.reporter.username == "居民陈静"

    # Another compound's ledger: not found, and nothing changes.
    response = page.goto(f"/compounds/renovation/{other_project.pk}/")
    assert response.status == 404
    assert Case.objects.count() == 1


def test_staff_keep_the_ledger_and_a_street_reviewer_confirms_the_rise(new_page, login, district):
    staff, street, _resident, compound, _other = _world(district)
    page = new_page(viewport=DESKTOP)
    login(page, "社区王芳")
    open_nav(page, "小区治理")
    expect(page.locator("h1")).to_have_text("小区治理")
    page.locator("#compound-table a").filter(has_text="幸福里小区").click()
    expect(page.locator("#compound-name")).to_have_text("幸福里小区")
    form = page.locator("#item-form")
    form.get_by_label("问题").fill("楼道堆放杂物")
    form.get_by_label("整改措施").fill("组织清理，张贴提示")
    form.get_by_label("责任人").fill("物业经理")
    form.get_by_label("完成时限").fill("2030-06-30")
    form.get_by_role("button", name="加入台账").click()
    expect(page.locator("#items")).to_contain_text("楼道堆放杂物")
    item = RectificationItem.objects.get()
    page.locator(f"#evidence-{item.pk}").fill("已清理，照片存档")
    page.locator(f'[data-item="{item.pk}"] button').click()
    expect(page.locator(f'[data-item="{item.pk}"] .item-status')).to_have_text("已销号")
    party = page.locator("#party-form")
    party.get_by_label("类别").select_option("owners")
    party.get_by_label("名称").fill("幸福里业主委员会")
    party.get_by_label("联系电话（仅保存打码后号码）").fill("13955556666")
    party.get_by_role("button", name="添加协同单位").click()
    expect(page.locator("#parties")).to_contain_text("139****6666")
    rise = page.locator("#rise-form")
    for box in rise.locator("input[type=checkbox]").all():
        box.check()
    rise.get_by_role("button", name="申请转化提星").click()
    expect(page.locator("#rises")).to_contain_text("待确认")
    # The requester sees no confirm button on their own request.
    expect(page.locator("#rises button")).to_have_count(0)
    snap(page, "compounds-compound-desktop")

    reviewer = new_page(viewport=DESKTOP)
    login(reviewer, "街道李强")
    reviewer.goto(f"/compounds/{compound.pk}/")
    reviewer.get_by_role("button", name="确认提星").click()
    expect(reviewer.locator("#compound-star")).to_have_text("1★")
    expect(reviewer.locator("#rises")).to_contain_text("已提星")
    assert CompoundClass.objects.get(compound=compound).star == 1
    reviewer.goto("/compounds/")
    expect(reviewer.locator("#street-targets")).to_contain_text("1 / 10")
    expect(reviewer.locator("#zero-complaint")).to_contain_text("幸福里小区")
    _fits(reviewer)
    snap(reviewer, "compounds-list-desktop")


def test_staff_run_the_renovation_fund_and_open_its_poll(new_page, login, district):
    _staff, _street, _resident, compound, _other = _world(district)
    page = new_page(viewport=DESKTOP)
    login(page, "社区王芳")
    page.goto(f"/compounds/{compound.pk}/")
    form = page.locator("#project-form")
    form.get_by_label("项目名称").fill("幸福里老旧院落改造")
    form.get_by_label("施工单位").fill("城建三公司")
    form.get_by_label("居民自筹目标（元）").fill("6000")
    form.get_by_role("button", name="建立改造项目").click()
    page.locator("#project-link").click()
    expect(page.locator("#project-title")).to_have_text("幸福里老旧院落改造")
    pledge = page.locator("#pledge-form")
    pledge.get_by_label("认筹金额（元）").fill("2000")
    pledge.get_by_role("button", name="登记认筹").click()
    expect(page.locator("#ledger tbody tr")).to_have_count(1)
    row = page.locator("#ledger tbody tr").first
    row.locator("input[name=paid]").fill("2500")
    row.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("超过认筹金额")
    assert not Payment.objects.exists()
    page.locator("#ledger tbody tr").first.locator("input[name=paid]").fill("800")
    page.locator("#ledger tbody tr").first.get_by_role("button", name="登记").click()
    expect(page.locator("#ledger .pledge-paid").first).to_have_text("800.00")
    expect(page.locator("#fund-paid")).to_have_text("800.00")
    poll = page.locator("#poll-form")
    poll.get_by_label("标题").fill("改造方案意见征集")
    poll.get_by_label("问题").fill("您是否同意本改造方案？")
    poll.get_by_label("选项（每行一个）").fill("同意\n不同意")
    poll.get_by_role("button", name="向本小区各户发起征集").click()
    expect(page.locator("#poll-link")).to_be_visible()
    stored = Poll.objects.get()
    assert stored.compound_id == compound.pk and stored.origin == "renovation" and stored.status == "open"
    _fits(page)
    snap(page, "compounds-project-desktop")
