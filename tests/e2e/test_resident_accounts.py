"""A resident registers on their phone (390 px), community staff approve on a laptop (1280 px), the
resident signs in; a resident who forgot the password resets it with the code from the text
message (read from the test SMS gateway's outbox)."""

import re

import pytest
from playwright.sync_api import expect

from civicgrid.accounts import sms
from civicgrid.accounts.models import Role
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, log_in, snap

NEW_PASSWORD = "Qing#Shui2026"


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    settings.SMS_BACKEND = "civicgrid.accounts.sms.LocmemBackend"
    settings.RATE_LIMIT_STORE = "database"
    sms.outbox.clear()


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_register_on_a_phone_then_staff_approve(new_page, district):
    staff = make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13700001111")
    page = new_page(viewport=PHONE)
    page.goto("/accounts/login/")
    page.locator("#account-links").get_by_role("link", name="居民注册").click()
    page.wait_for_url("**/accounts/register/")
    form = page.locator("#register-form")
    form.get_by_label("手机号").fill("139 0000 7777")
    form.get_by_label("姓名").fill("陈静")
    form.get_by_label("居住社区").select_option(label="S1C1")
    form.get_by_label("密码", exact=True).fill("abc")
    form.get_by_label("再次输入密码").fill("abc")
    form.get_by_role("button", name="注册").click()
    expect(form.locator("#id_password1_errors")).to_be_visible()
    assert fits(page)
    form.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("再次输入密码").fill(NEW_PASSWORD)
    form.get_by_role("button", name="注册").click()
    expect(page.locator("#register-result")).to_have_attribute("data-status", "pending")
    assert fits(page)
    snap(page, "resident-register-390")

    desk = new_page(viewport=DESKTOP)
    log_in(desk, staff.phone)
    desk.goto("/accounts/registrations/")
    entry = desk.locator(".registration-entry", has_text="13900007777")
    expect(entry).to_contain_text("陈静")
    snap(desk, "registrations-1280")
    entry.get_by_role("button", name="通过", exact=True).click()
    expect(desk.locator("#no-registrations")).to_be_visible()
    assert any(phone == "13900007777" and "已通过" in text for phone, text in sms.outbox)

    log_in(page, "13900007777", NEW_PASSWORD)


def test_reset_a_forgotten_password_with_the_text_message_code(new_page, district):
    make_user("居民周洋", Role.RESIDENT, district["S1C1"], phone="13900008888")
    page = new_page(viewport=PHONE)
    page.goto("/accounts/login/")
    page.locator("#account-links").get_by_role("link", name="忘记密码").click()
    page.wait_for_url("**/accounts/reset/")
    page.get_by_label("手机号").fill("13900008888")
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_url("**/accounts/reset/code/")
    expect(page.locator(".auth-subtitle")).to_contain_text("139****8888")
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)

    form = page.locator("#reset-confirm-form")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    form.get_by_label("短信验证码").fill(wrong)
    form.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("再次输入密码").fill(NEW_PASSWORD)
    form.get_by_role("button", name="重置密码").click()
    expect(form.locator("#id_code_errors")).to_contain_text("验证码不正确或已过期")
    assert fits(page)
    snap(page, "reset-code-390")

    form.get_by_label("短信验证码").fill(code)
    form.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("再次输入密码").fill(NEW_PASSWORD)
    form.get_by_role("button", name="重置密码").click()
    page.wait_for_url("**/accounts/login/")
    log_in(page, "13900008888", NEW_PASSWORD)


def test_staff_give_a_temporary_password_that_the_resident_must_change(new_page, district):
    staff = make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13700001111")
    make_user("居民周洋", Role.RESIDENT, district["S1C1"], phone="13900008888")
    desk = new_page(viewport=DESKTOP)
    log_in(desk, staff.phone)
    desk.goto("/accounts/registrations/")
    desk.get_by_role("link", name="居民账号与重置密码").click()
    desk.get_by_label("手机号或姓名").fill("8888")
    desk.get_by_role("button", name="查找").click()
    desk.locator("#resident-list li", has_text="居民周洋").get_by_role("button", name="重置密码").click()
    temporary = desk.locator("#temporary-password").inner_text().strip()
    assert len(temporary) >= 8 and fits(desk)
    snap(desk, "resident-temporary-password-1280")

    page = new_page(viewport=PHONE)
    log_in(page, "13900008888", temporary)
    page.wait_for_url("**/accounts/password/")
    form = page.locator("#password-form")
    form.get_by_label("当前密码").fill(temporary)
    form.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    form.get_by_role("button", name="修改密码").click()
    expect(page.locator("body")).to_contain_text("密码已修改")
    page.goto("/")
    assert "/accounts/password/" not in page.url
    assert fits(page)
