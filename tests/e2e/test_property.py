"""Property services in a browser: a resident on a phone (390 px) reports a repair and rates it once
it is closed; property staff on a phone (390 px) take it and feed back; a street official on a
laptop (1280 px) scores the property companies and publishes the red/black list, which residents
then read on their phone."""

from playwright.sync_api import expect

from civicgrid.cases import actions as case_actions
from civicgrid.cases.models import Case, Status
from civicgrid.cases.tests.media_files import jpeg_bytes
from civicgrid.property import actions
from civicgrid.property.models import CompanyRating, RatingPeriod, Repair
from civicgrid.property.tests.conftest import build_world

from .conftest import DESKTOP, PHONE, open_nav, snap


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_resident_reports_staff_handle_resident_rates(new_page, login, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    world = build_world()

    resident = new_page(viewport=PHONE)
    login(resident, "13800000001")
    resident.goto("/property/")
    expect(resident.locator("h1")).to_have_text("物业服务")
    expect(resident.locator("#payment-note")).to_contain_text("不收取任何费用")
    resident.locator("#new-repair").click()
    resident.get_by_label("报修类别").select_option(label="水电维修")
    resident.get_by_label("问题描述").fill("卫生间<b>水管</b>漏水")
    resident.set_input_files("#photos", files=[{"name": "漏水.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    resident.get_by_role("button", name="提交报修").click()
    expect(resident.locator(".alert-success")).to_contain_text("报修已提交")
    # The photo went with the report and shows on its timeline (served by the cases app's checks).
    expect(resident.locator("#repair-timeline [data-event-photos] img")).to_have_count(1)
    resident.wait_for_function(
        "() => { const i = document.querySelector('#repair-timeline [data-event-photos] img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    expect(resident.locator("#repair-status")).to_have_text("待受理")
    expect(resident.locator(".repair-description")).to_contain_text("卫生间<b>水管</b>漏水")  # text, not markup
    _fits(resident)
    snap(resident, "property-repair-reported-phone")
    repair = Repair.objects.get()

    staff = new_page(viewport=PHONE)
    login(staff, "staff_a")
    staff.goto("/property/tasks/")
    expect(staff.locator("#repair-tasks [data-repair]")).to_have_count(1)
    _fits(staff)
    snap(staff, "property-tasks-phone")
    staff.locator(f'[data-repair="{repair.pk}"]').click()
    expect(staff.locator("#reporter-phone")).to_have_text("138****0001")
    staff.get_by_role("button", name="受理并上门处置").click()
    expect(staff.locator(".alert-success")).to_contain_text("已受理")
    expect(staff.locator("#repair-status")).to_have_text("处置中")
    expect(staff.locator("#repair-timeline [data-event-photos] img")).to_have_count(1)  # the resident's photo
    staff.get_by_label("处置结果").fill("已更换三通阀门")
    staff.set_input_files(
        "#feedback-photos", files=[{"name": "修好.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    staff.get_by_role("button", name="反馈处置结果").click()
    expect(staff.locator("#repair-status")).to_have_text("待核查")
    expect(staff.locator("#repair-timeline [data-event-photos] img")).to_have_count(2)
    _fits(staff)
    snap(staff, "property-repair-handled-phone")

    # The community verifies and closes it, as any case.
    case = Case.objects.get()
    case_actions.verify_case(case.pk, world.people.community, version=case.version, passed=True)
    case.refresh_from_db()
    case_actions.close_case(case.pk, world.people.community, version=case.version)

    resident.goto(f"/property/repairs/{repair.pk}/")
    expect(resident.locator("#repair-status")).to_have_text("已结案")
    resident.locator('label[for="score-5"]').click()
    resident.get_by_label("评价内容（选填）").fill("师傅很专业")
    resident.get_by_role("button", name="提交评价").click()
    expect(resident.locator("#evaluation")).to_contain_text("5")
    _fits(resident)
    snap(resident, "property-repair-rated-phone")
    assert Case.objects.get().status == Status.CLOSED and Case.objects.get().evaluations.get().score == 5


def test_street_scores_companies_and_publishes_the_lists(new_page, login, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()

    page = new_page(viewport=DESKTOP)
    login(page, "street")
    page.goto("/")
    open_nav(page, "物业考评")
    expect(page.locator("h1")).to_have_text("物业考评")
    page.get_by_label("名称").fill("2026 年第四季度")
    page.get_by_role("button", name="新建").click()
    expect(page.locator("h1")).to_have_text("2026 年第四季度")
    # A household answers the survey meanwhile (one per household).
    actions.answer_survey(world.people.resident, service=5, cleanliness=5, repairs=4, safety=5)
    for company, street_score, expert, reason in (
        ("安居物业", "96", "92", ""),
        ("和美物业", "40", "50", "维修超时、投诉多"),
    ):
        row = page.locator(f'#ratings tr[data-company="{company}"]')
        row.get_by_label("街道考核分").fill(street_score)
        row.get_by_label("专家评审分").fill(expert)
        row.get_by_label("上榜理由").fill(reason)
        row.get_by_role("button", name="保存").click()
        expect(page.locator(".alert-success")).to_contain_text(company)
    page.get_by_role("button", name="计算并发布红黑榜").click()
    expect(page.locator("#period-status")).to_have_text("已发布")
    _fits(page)
    snap(page, "property-ratings-desktop")
    period = RatingPeriod.objects.get()
    assert CompanyRating.objects.get(period=period, company=world.company_a).mark == "red"
    assert CompanyRating.objects.get(period=period, company=world.company_b).mark == "black"

    resident = new_page(viewport=PHONE)
    login(resident, "13800000009")
    resident.goto("/property/board/")
    expect(resident.locator("#red-list")).to_contain_text("安居物业")
    expect(resident.locator("#black-list")).to_contain_text("维修超时、投诉多")
    expect(resident.locator("#ranking tbody tr")).to_have_count(2)
    _fits(resident)
    snap(resident, "property-board-phone")


def test_the_community_takes_back_an_overdue_repair_on_a_laptop(new_page, login, settings):
    """超时收回: the company took the repair and let it run past its red light; the community's staff
    open it from the message, take it back with a reason and see it wait for their dispatch."""
    from datetime import timedelta

    from django.utils import timezone

    from civicgrid.cases.models import HandlingLevel
    from civicgrid.notifications.models import Notification

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    world = build_world()
    repair = actions.report_repair(
        world.people.resident, category=actions.repair_categories()[0], description="电梯异响"
    )
    actions.take_repair(world.people.staff_a, repair.pk, version=Case.objects.get().version)
    Case.objects.update(step_red_at=timezone.now() - timedelta(hours=1))
    assert actions.escalate_overdue_repairs() == 1
    case = Case.objects.get()

    page = new_page(viewport=DESKTOP)
    login(page, "community")
    page.goto(f"/cases/staff/{case.number}/")
    card = page.locator('details[data-action="recall"]')
    card.locator("summary").click()
    card.locator("textarea").fill("物业超时未处置，社区收回")
    _fits(page)
    snap(page, "property-repair-recall-laptop")
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator('details[data-action="recall"]')).to_have_count(0)
    expect(page.locator('details[data-action="dispatch"]')).to_have_count(1)
    case.refresh_from_db()
    assert (case.status, case.handling_level, case.assignee_id) == (Status.REGISTERED, HandlingLevel.COMMUNITY, None)
    assert Notification.objects.filter(recipient=world.people.staff_a, kind="recalled").exists()
