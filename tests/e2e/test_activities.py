"""Community activities in a browser: a resident on a phone (390 px) signs up and checks in by
opening the venue code's link; community staff on a laptop (1280 px) create and publish an activity,
pin its place on the map, see its sign-ups, and check a resident in by typing their personal code."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.activities import actions
from civicgrid.activities.models import Activity, Enrolment, Status
from civicgrid.activities.testing import fields
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, open_nav, snap


def test_resident_signs_up_and_checks_in_by_the_venue_link(new_page, login, district, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff = make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    resident = make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    starts = timezone.now() + timedelta(minutes=40)
    activity = actions.save_activity(
        staff,
        Activity(),
        **fields(district["S1C1"], starts=starts, title="包饺子<b>迎新春</b>", capacity=5),
    )
    Activity.objects.filter(pk=activity.pk).update(signup_deadline=starts - timedelta(minutes=10))
    actions.publish_activity(staff, activity.pk)

    phone = new_page(viewport=PHONE)
    login(phone, "13700001111")
    phone.goto("/activities/")
    card = phone.locator("#activity-list a").filter(has_text="包饺子<b>迎新春</b>")  # text, never markup
    expect(card).to_have_count(1)
    card.click()
    phone.wait_for_selector('#activity-map[data-state="ready"]')
    expect(phone.locator("#activity-map .leaflet-marker-icon")).to_have_count(1)
    phone.get_by_role("button", name="报名参加").click()
    expect(phone.locator(".alert-success")).to_contain_text("报名成功")
    expect(phone.locator("#my-status")).to_have_text("已报名")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto("/activities/mine/")
    expect(phone.locator("[data-short-code]")).to_have_text(actions.personal_short_code(Enrolment.objects.get()))
    snap(phone, "activities-mine-phone")

    # The venue screen, on a laptop at the entrance.
    screen = new_page(viewport=DESKTOP)
    login(screen, "13900002222")
    screen.goto(f"/activities/manage/{activity.pk}/venue/")
    link = screen.locator("#venue-url").inner_text().strip()
    assert f"/activities/checkin/{activity.pk}:" in link
    snap(screen, "activities-venue-desktop")

    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("现场签到")
    phone.get_by_role("button", name="确认签到").click()
    expect(phone.locator(".alert-success")).to_contain_text("签到成功")
    expect(phone.locator("#my-status")).to_have_text("已签到")
    enrolment = Enrolment.objects.get(user=resident)
    assert enrolment.checked_in_at is not None and enrolment.checkin_method == "venue"
    # The same link again: harmless.
    phone.goto(link)
    phone.get_by_role("button", name="确认签到").click()
    expect(phone.locator(".alert-info")).to_contain_text("已经签到过了")
    # A forged link is refused with a message.
    phone.goto(f"/activities/checkin/{activity.pk}:abc:forged/")
    expect(phone.locator("#code-problem")).to_contain_text("签到码无效")
    snap(phone, "activities-checkin-phone")


def test_staff_create_an_activity_and_see_its_sign_ups_and_check_ins(new_page, login, district, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    resident = make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    page = new_page(viewport=DESKTOP)
    login(page, "13900002222")
    page.goto("/")
    open_nav(page, "社区活动")
    page.wait_for_url("**/activities/manage/")
    page.locator("#new-activity").click()
    page.wait_for_selector('#activity-map[data-state="ready"]')
    starts = timezone.localtime() + timedelta(minutes=50)
    page.get_by_label("活动名称").fill("社区义诊")
    page.get_by_label("活动介绍").fill("量血压、测血糖。")
    page.get_by_label("面向区域").select_option(str(district["S1C1"].pk))
    page.get_by_label("开始时间").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("结束时间").fill((starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("报名截止时间").fill((starts - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("活动地点").fill("社区卫生站")
    page.get_by_label("名额").fill("0")
    page.locator("#activity-map").scroll_into_view_if_needed()
    box = page.locator("#activity-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#activity-map .leaflet-marker-icon")).to_have_count(1)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_capacity_errors")).to_contain_text("名额须为")
    assert not Activity.objects.exists()
    page.get_by_label("名额").fill("1")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/activities/manage/*/")
    activity = Activity.objects.get()
    assert activity.lat is not None and activity.status == Status.DRAFT
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#activity-status")).to_have_text("已发布")

    # Two residents sign up for the one seat: one gets it, one waits.
    other = make_user("居民李娜", Role.RESIDENT, district["S1C1"], phone="13700002222")
    actions.sign_up(resident, activity.pk)
    actions.sign_up(other, activity.pk)
    page.reload()
    expect(page.locator('[data-count="confirmed"]')).to_have_text("1")
    expect(page.locator('[data-count="waitlisted"]')).to_have_text("1")
    expect(page.locator("#enrolment-table")).to_contain_text("居民张华")
    expect(page.locator("#enrolment-table")).to_contain_text("候补中")

    # At the venue: type the resident's personal code.
    page.locator("#venue-link").click()
    page.get_by_role("textbox", name="签到码").fill("999999x")
    page.get_by_role("button", name="核验签到").click()
    expect(page.locator("#code-errors")).to_contain_text("签到码无效")
    code = actions.personal_short_code(Enrolment.objects.get(user=resident))
    page.get_by_role("textbox", name="签到码").fill(code)
    page.get_by_role("button", name="核验签到").click()
    expect(page.locator(".alert-success")).to_contain_text("居民张华 签到成功")
    page.goto(f"/activities/manage/{activity.pk}/")
    expect(page.locator('[data-count="checked_in"]')).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    snap(page, "activities-staff-detail-desktop")
