"""Volunteering in a browser: a resident on a phone (390 px) registers as a volunteer, community
staff on a laptop (1280 px) verify them and publish a shift, the volunteer signs up on the phone,
staff check them in and out and confirm the hours, and the phone shows them; a resident posts a
micro-wish, staff check it, a volunteer claims it and fulfils it with a photo, the resident confirms."""

from pathlib import Path

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases.tests.media_files import jpeg
from civicgrid.people.testing import add_person, make_building
from civicgrid.testing import make_user
from civicgrid.volunteers import actions
from civicgrid.volunteers.models import Project, Team, Wish

from .conftest import DESKTOP, PHONE, snap


def _people(district):
    staff = make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    resident = make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    wisher = make_user("居民王奶奶", Role.RESIDENT, district["S1C1"], phone="13700003333")
    houses = list(make_building(district["S1C1G1M1"], code="B7").houses.order_by("pk"))
    add_person(staff, houses[0], name="张华", id_number=None, phone="13700001111")
    add_person(staff, houses[1], name="王奶奶", id_number=None, phone="13700003333")
    return staff, resident, wisher


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_volunteer_registers_signs_up_and_is_checked_in_and_out(new_page, login, district, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff, resident, _ = _people(district)
    team = actions.save_team(
        staff, Team(), name="幸福社区志愿分队", region=district["S1C1"], service_items=["助老"], posts=["助老服务员"]
    )

    phone = new_page(viewport=PHONE)
    login(phone, "13700001111")
    phone.goto("/volunteers/")
    phone.locator("#register-link").click()
    phone.get_by_label("助老陪伴").check()
    phone.get_by_label("周末上午").check()
    phone.locator("#team").select_option(str(team.pk))
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#volunteer-status")).to_have_text("待审核")
    _fits(phone)
    snap(phone, "volunteers-registered-phone")

    laptop = new_page(viewport=DESKTOP)
    login(laptop, "13900002222")
    laptop.goto("/volunteers/manage/")
    laptop.locator("#volunteer-table a").filter(has_text="居民张华").click()
    expect(laptop.locator("body")).not_to_contain_text("13700001111")  # masked
    laptop.get_by_role("button", name="审核通过").click()
    expect(laptop.locator("#volunteer-status")).to_have_text("已认证")
    _fits(laptop)
    # A project and a shift that starts soon (check-in opens two hours before).
    laptop.goto("/volunteers/manage/projects/")
    laptop.locator("#project-title").fill("关爱独居老人")
    laptop.locator("#project-team").select_option(str(team.pk))
    laptop.get_by_role("button", name="建立").click()
    from datetime import timedelta

    from django.utils import timezone

    starts = timezone.localtime() + timedelta(minutes=60)
    laptop.locator("#shift-starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    laptop.locator("#shift-ends").fill((starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    laptop.locator("#shift-deadline").fill((starts - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
    laptop.locator("#shift-place").fill("社区服务站")
    laptop.locator("#shift-capacity").fill("3")
    laptop.locator("#shift-post").select_option("助老服务员")
    laptop.get_by_role("button", name="发布班次").click()
    expect(laptop.locator("#shift-table tbody tr")).to_have_count(1)
    _fits(laptop)
    snap(laptop, "volunteers-project-desktop")

    phone.goto("/volunteers/")
    phone.locator("#shift-list a").first.click()
    phone.get_by_role("button", name="报名参加").click()
    expect(phone.locator("#my-status")).to_have_text("已报名")
    _fits(phone)

    laptop.locator("#shift-table a").first.click()
    row = laptop.locator("#roster-table tbody tr").filter(has_text="居民张华")
    row.get_by_role("button", name="签到").click()
    row = laptop.locator("#roster-table tbody tr").filter(has_text="居民张华")
    row.get_by_role("button", name="签退").click()
    row = laptop.locator("#roster-table tbody tr").filter(has_text="居民张华")
    row.get_by_label("服务时长").fill("1.5")
    row.get_by_role("button", name="确认时长").click()
    expect(laptop.locator(".alert-success")).to_contain_text("服务时长已确认")
    _fits(laptop)
    snap(laptop, "volunteers-roster-desktop")

    phone.reload()
    expect(phone.locator("#my-status")).to_have_text("已确认 1.5 小时")
    phone.goto("/volunteers/")
    expect(phone.locator("#hours-total")).to_have_text("1.5")
    _fits(phone)
    assert Project.objects.count() == 1


def test_micro_wish_is_claimed_fulfilled_and_confirmed(new_page, login, district, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff, resident, wisher = _people(district)
    volunteer = actions.register(resident, skills=["repair"], availability=["weekend_am"])
    actions.review_volunteer(staff, volunteer.pk, approve=True)

    grandma = new_page(viewport=PHONE)
    login(grandma, "13700003333")
    grandma.goto("/volunteers/wishes/")
    grandma.locator("#new-wish").click()
    grandma.locator("#wish-title").fill("想要一台<b>收音机</b>")
    grandma.locator("#wish-description").fill("独居，想听戏曲节目。")
    grandma.get_by_role("button", name="提交心愿").click()
    expect(grandma.locator("#wish-status")).to_have_text("待审核")
    _fits(grandma)

    laptop = new_page(viewport=DESKTOP)
    login(laptop, "13900002222")
    laptop.goto("/volunteers/manage/wishes/")
    laptop.locator("#wish-table a").first.click()
    laptop.get_by_role("button", name="通过并上墙").click()
    expect(laptop.locator("#wish-status")).to_have_text("待认领")
    _fits(laptop)
    snap(laptop, "volunteers-wish-desktop")

    phone = new_page(viewport=PHONE)
    login(phone, "13700001111")
    phone.goto("/volunteers/wishes/")
    card = phone.locator("#wish-wall a").filter(has_text="想要一台<b>收音机</b>")  # text, never markup
    expect(card).to_have_count(1)
    expect(phone.locator("#wish-wall")).not_to_contain_text("13700003333")
    expect(phone.locator("#wish-wall")).not_to_contain_text("王奶奶")
    _fits(phone)
    snap(phone, "volunteers-wall-phone")
    card.click()
    phone.get_by_role("button", name="我来认领").click()
    expect(phone.locator("#wish-status")).to_have_text("已认领")
    photo = Path(tmp_path) / "radio.jpg"
    photo.write_bytes(jpeg().read())
    phone.locator("#fulfil-photo").set_input_files(str(photo))
    phone.locator("#fulfil-note").fill("已送到家中")
    phone.get_by_role("button", name="心愿已实现").click()
    expect(phone.locator("#wish-status")).to_have_text("待确认")
    _fits(phone)

    grandma.reload()
    expect(grandma.locator("#wish-photo")).to_be_visible()
    grandma.get_by_role("button", name="确认心愿已实现").click()
    expect(grandma.locator("#wish-status")).to_have_text("已实现")
    grandma.get_by_role("button", name="提交评价").click()
    expect(grandma.locator(".alert-success")).to_contain_text("感谢您的评价")
    _fits(grandma)
    assert Wish.objects.get().status == "confirmed"
