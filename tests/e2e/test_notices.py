"""Notices in a browser: a resident on a phone (390 px) opens a notice from "my notices" and the
unread badge drops; community staff on a laptop (1280 px) write and publish a notice and see its
receipts."""

import pytest
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.notices import actions
from civicgrid.notices.models import Kind, Notice
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, log_in, open_nav, snap


@pytest.fixture
def people(district):
    district["community_staff"] = make_user("社区张敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    district["resident"] = make_user("居民陈静", Role.RESIDENT, district["S1C1"], phone="13800003333")
    district["resident2"] = make_user("居民刘洋", Role.RESIDENT, district["S1C1"], phone="13800004444")
    return district


def _publish(people, title, body="请留意。"):
    staff = people["community_staff"]
    notice = actions.save_notice(staff, Notice(), region=people["S1C1"], kind=Kind.NOTICE, title=title, body=body)
    return actions.publish_notice(staff, notice)


def test_resident_on_a_phone_opens_a_notice_and_the_badge_drops(new_page, people):
    _publish(people, "周六停水通知", "周六 8:00—16:00 停水。\n\n<b>请提前储水</b>")
    _publish(people, "消防安全检查")
    page = new_page(viewport=PHONE)
    log_in(page, "13800003333")
    page.goto("/notices/")
    expect(page.locator("#unread-badge")).to_have_text("2")
    page.locator("#my-notices").get_by_text("周六停水通知").click()
    page.wait_for_url("**/notices/*/")
    expect(page.locator("h1")).to_have_text("周六停水通知")
    # Plain text with paragraphs: the markup shows as text, never as bold.
    expect(page.locator("#notice-body p")).to_have_count(2)
    expect(page.locator("#notice-body")).to_contain_text("<b>请提前储水</b>")
    assert page.locator("#notice-body b").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    snap(page, "notices-read-390")
    page.get_by_role("link", name="我的通知").first.click()
    page.wait_for_url("**/notices/")
    expect(page.locator("#unread-badge")).to_have_text("1")
    expect(page.locator(".notice-unread")).to_have_count(1)
    snap(page, "notices-mine-390")


def test_community_staff_write_publish_and_see_receipts(new_page, people):
    page = new_page(viewport=DESKTOP)
    log_in(page, "13900002222")
    open_nav(page, "通知公告管理")
    page.wait_for_url("**/notices/manage/")
    page.locator("#new-notice").click()
    form = page.locator("#notice-form")
    form.get_by_label("标题").fill("社区邻里节报名")
    form.get_by_label("正文").fill("本周六上午九点，社区广场。\n\n欢迎报名参加。")
    form.get_by_label("类别").select_option("news")
    form.get_by_label("居民", exact=True).check()
    form.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/notices/manage/*/")
    expect(page.locator("#notice-status")).to_have_text("草稿")
    page.locator("#publish-button").click()
    expect(page.locator("#notice-status")).to_have_text("已发布")
    # One resident reads it.
    notice = Notice.objects.get(title="社区邻里节报名")
    actions.mark_read(people["resident"], notice)
    page.locator("#receipts-link").click()
    page.wait_for_url("**/receipts/")
    expect(page.locator("#count-audience")).to_have_text("2")
    expect(page.locator("#count-read")).to_have_text("1")
    expect(page.locator("#count-unread")).to_have_text("1")
    expect(page.locator("#unread-list")).to_contain_text("居**")  # masked: 居民刘洋
    expect(page.locator("#unread-list")).not_to_contain_text("刘洋")
    snap(page, "notices-receipts-1280")
    page.locator("#remind-button").click()
    expect(page.locator(".alert-success")).to_contain_text("已向未读的人发送提醒")
