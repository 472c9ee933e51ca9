"""The case pages the other browser tests leave out: community staff filing a report for a resident
(代居民登记), the neighbourhood board with its reactions, abuse reports and moderation, and a grid
worker's messages (unread badge, reading, 消息偏好)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases import actions, board_actions
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import (
    AbuseReport,
    BoardComment,
    BoardModeration,
    BoardReaction,
    Case,
    Category,
    HandlingLevel,
    Source,
)
from civicgrid.notifications.models import DeliveryMode, Kind, Notification, NotificationPreference
from civicgrid.regions import locator
from civicgrid.testing import build_tree, make_user

from .conftest import DESKTOP, PHONE, log_in, open_nav, snap


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    settings.NOTIFICATIONS_CHANNELS = ["console", "email"]
    # A cache of this test's own: the navbar's unread count is cached per user id for 60 s, and ids
    # come back between tests, so a count left by another test must not show here.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"e2e-{uuid.uuid4()}"}
    }
    tree = build_tree()
    locator.invalidate()
    load_categories()
    people = {
        "resident": make_user("居民陈红", Role.RESIDENT, tree["S1C1"], phone="13700001234"),
        "neighbour": make_user("居民孙丽", Role.RESIDENT, tree["S1C1"], phone="13700005678"),
        "community": make_user("社区刘洋", Role.COMMUNITY_STAFF, tree["S1C1"], phone="13900002222"),
        "grid": make_user("网格员王芳", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678"),
    }
    return tree, people, Category.objects.get(code="S05001")


def _report(people, category, node, **kwargs):
    return actions.report_case(
        people["neighbour"],
        category=category,
        description="3 号楼楼道里堆满了纸箱和旧家具，堵住了消防通道。",
        lon=node.centroid_lon,
        lat=node.centroid_lat,
        address="大学路 1 号院 3 号楼",
        **kwargs,
    ).case


def test_staff_entry_for_a_resident(new_page, world):
    tree, people, category = world
    page = new_page(viewport=DESKTOP)
    log_in(page, "社区刘洋")
    open_nav(page, "代居民登记")
    page.wait_for_url("**/cases/staff/entry/")
    expect(page.locator("h1")).to_have_text("代居民登记")
    page.wait_for_selector("#intake-map path.leaflet-interactive")
    # Community staff see (and may file in) their own community only.
    expect(page.locator("#intake-map path.leaflet-interactive")).to_have_count(1)

    # Neither a description nor a place: both are said, the rest of the input stays, nothing is filed.
    page.get_by_label("来电人/居民姓名").fill("陈红")
    page.get_by_label("联系电话").fill("13700001234")
    page.get_by_label("类别").select_option(str(category.pk))
    with page.expect_navigation() as response:
        page.get_by_role("button", name="登记", exact=True).click()
    assert response.value.status == 400
    expect(page.locator("#intake-form .alert-danger")).to_have_text("请在地图上点选问题位置。只填地址无法确定位置。")
    expect(page.locator("#id_description + .invalid-feedback")).to_have_text("该字段是必填项。")
    expect(page.get_by_label("来电人/居民姓名")).to_have_value("陈红")
    expect(page.get_by_label("类别")).to_have_value(str(category.pk))
    snap(page, "cases-staff-entry-errors")
    assert not Case.objects.exists()

    page.get_by_label("问题描述").fill("居民来社区反映：3 号楼楼道灯坏了一周。")
    page.get_by_label("地址").fill("大学路 1 号院 3 号楼")
    page.wait_for_selector("#intake-map path.leaflet-interactive")
    page.locator("#intake-map").scroll_into_view_if_needed()
    box = page.locator("#intake-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 - 20, box["y"] + box["height"] / 2 - 20)
    assert page.input_value("#id_lon") and page.input_value("#id_lat")
    page.get_by_label("在邻里公示板公开").uncheck()
    snap(page, "cases-staff-entry")
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()

    case = Case.objects.get()
    expect(page.locator("h1")).to_contain_text(case.number)
    expect(page.locator(".alert-success").first).to_contain_text(f"已登记案件 {case.number}。")
    expect(page.locator("#reporter")).to_contain_text("137****1234")
    snap(page, "cases-staff-entry-filed")
    assert case.source == Source.STAFF_ENTRY
    assert (case.reporter, case.entered_by) == (people["resident"], people["community"])
    assert (case.community, case.caller_name, case.is_public) == (tree["S1C1"], "陈红", False)
    assert case.grid is not None and case.region_code.startswith(tree["S1C1"].code)

    # Filed for the resident: it is in their 我的上报.
    resident = new_page(viewport=PHONE)
    log_in(resident, "13700001234")
    resident.goto("/cases/my/")
    expect(resident.locator("#my-reports")).to_contain_text(case.number)


def test_board_reactions_abuse_report_and_moderation(new_page, world):
    tree, people, category = world
    case = _report(people, category, tree["S1C1G1M1"])
    case = actions.accept_case(case, people["community"], version=case.version)  # on the board once accepted
    rude = board_actions.add_comment(people["neighbour"], tree["S1C1"], case.number, "物业都是摆设，啥也不管！")
    resident = people["resident"]

    page = new_page(viewport=PHONE)
    log_in(page, "13700001234")
    page.goto("/cases/board/")
    page.wait_for_url(f"**/cases/board/{tree['S1C1'].code}/")
    page.locator("#board-cases a").filter(has_text=case.title).click()
    expect(page.locator("h1")).to_have_text(case.title)
    expect(page.locator("#comments")).to_contain_text("物业都是摆设，啥也不管！")

    page.get_by_label("留言").fill("我家也在 3 号楼，晚上回家要摸黑。")
    with page.expect_navigation():
        page.get_by_role("button", name="发表留言").click()
    expect(page.locator(".alert-success")).to_contain_text("留言已发布。")
    expect(page.locator("#comments .comment")).to_have_count(2)

    with page.expect_navigation():
        page.get_by_role("button", name="我也遇到 · 0").click()
    expect(page.locator("#me-too")).to_have_text("我也遇到 · 1")
    expect(page.locator("#me-too")).to_have_attribute("aria-pressed", "true")
    with page.expect_navigation():
        page.locator("#me-too").click()
    expect(page.locator(".alert-success")).to_contain_text("您已经点过“我也遇到”。")
    expect(page.locator("#me-too")).to_have_text("我也遇到 · 1")

    page.get_by_label("我能帮什么").fill("我有梯子，可以帮忙换灯泡")
    with page.expect_navigation():
        page.locator("#help").click()
    expect(page.locator(".alert-success")).to_contain_text("感谢您愿意帮忙")
    expect(page.locator("#help")).to_have_text("我能帮忙 · 1")
    with page.expect_navigation():
        page.locator("#help").click()
    expect(page.locator(".alert-success")).to_contain_text("您已表示过愿意帮忙。")
    expect(page.locator("#help")).to_have_text("我能帮忙 · 1")

    rude_item = page.locator("#comments .comment").filter(has_text="物业都是摆设，啥也不管！")
    rude_item.locator("summary").click()
    rude_item.get_by_label("举报理由").fill("辱骂他人")
    with page.expect_navigation():
        rude_item.get_by_role("button", name="提交").click()
    expect(page.locator(".alert-success")).to_contain_text("举报已提交")
    snap(page, "cases-board-resident-phone")

    reactions = BoardReaction.objects.filter(case=case, user=resident)
    assert sorted(reactions.values_list("kind", flat=True)) == ["help", "me_too"]
    assert reactions.get(kind="help").note == "我有梯子，可以帮忙换灯泡"
    report = AbuseReport.objects.get()
    assert (report.case, report.comment, report.reporter, report.reason) == (case, rude, resident, "辱骂他人")
    assert report.resolved_at is None
    assert BoardComment.objects.filter(case=case, author=resident, text__startswith="我家也在").exists()

    # Community staff on the desktop: the open report is flagged; hide the comment with a reason.
    staff = new_page(viewport=DESKTOP)
    log_in(staff, "社区刘洋")
    staff.goto(f"/cases/board/{tree['S1C1'].code}/{case.number}/")
    expect(staff.locator("#moderation")).to_contain_text("1 条待处理举报")
    staff_rude = staff.locator("#comments .comment").filter(has_text="物业都是摆设，啥也不管！")
    staff_rude.get_by_label("隐藏理由").fill("人身攻击")
    with staff.expect_navigation():
        staff_rude.get_by_role("button", name="隐藏留言").click()
    expect(staff.locator(".alert-success")).to_contain_text("留言已隐藏。")
    expect(staff.locator("#comments .comment-hidden")).to_contain_text("已隐藏：人身攻击")
    expect(staff.locator("#moderation .badge")).to_have_count(0)
    snap(staff, "cases-board-moderation")

    rude.refresh_from_db()
    assert rude.is_hidden and rude.hidden_reason == "人身攻击" and rude.hidden_by == people["community"]
    report.refresh_from_db()
    assert report.resolved_at is not None
    moderation = BoardModeration.objects.get()
    assert (moderation.comment, moderation.action, moderation.moderator) == (
        rude,
        BoardModeration.Action.HIDE_COMMENT,
        people["community"],
    )

    page.reload()
    expect(page.locator("#comments .comment")).to_have_count(1)
    expect(page.locator("#comments")).not_to_contain_text("物业都是摆设")
    expect(page.locator("#comments")).to_contain_text("我家也在 3 号楼")
    snap(page, "cases-board-after-moderation-phone")


def test_board_shows_new_reports_when_the_community_chooses(new_page, world):
    """By default a neighbour's new report waits for acceptance; community staff switch the board to
    show reports at once (desktop), and the resident then sees it on the phone."""
    tree, people, category = world
    case = _report(people, category, tree["S1C1G1M1"])
    board = f"/cases/board/{tree['S1C1'].code}/"

    page = new_page(viewport=PHONE)
    log_in(page, "13700001234")
    page.goto(board)
    expect(page.locator("#board-policy")).to_contain_text("在社区受理后显示")
    expect(page.locator("body")).not_to_contain_text(case.title)
    expect(page.locator("#board-settings")).to_have_count(0)
    assert page.goto(f"{board}{case.number}/").status == 404

    staff = new_page(viewport=DESKTOP)
    log_in(staff, "社区刘洋")
    staff.goto(board)
    expect(staff.locator("body")).not_to_contain_text(case.title)
    staff.locator("#board-settings summary").click()
    expect(staff.get_by_label("受理后公开")).to_be_checked()
    staff.get_by_label("提交后立即公开").check()
    with staff.expect_navigation():
        staff.locator("#save-board-settings").click()
    expect(staff.locator(".alert-success")).to_contain_text("议事板设置已保存。")
    expect(staff.locator("#board-cases")).to_contain_text(case.title)
    expect(staff.locator("#board-policy")).to_contain_text("提交后立即显示")
    snap(staff, "cases-board-settings")
    assert board_actions.board_policy(tree["S1C1"]) == "at_once"

    page.goto(board)
    expect(page.locator("#board-cases")).to_contain_text(case.title)
    page.locator("#board-cases a").filter(has_text=case.title).click()
    expect(page.locator("h1")).to_have_text(case.title)
    snap(page, "cases-board-at-once-phone")


def test_grid_worker_reads_a_dispatch_message_and_sets_preferences(new_page, world):
    tree, people, category = world
    case = _report(people, category, tree["S1C1G1M1"])
    case = actions.accept_case(case, people["community"], version=case.version)

    page = new_page(viewport=PHONE)
    log_in(page, "13812345678")
    page.goto("/")
    toggler = page.get_by_role("button", name="展开或收起导航")

    def open_menu():
        # Wait for Bootstrap's collapse to finish: a click during the slide can miss the link.
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))

    open_menu()
    inbox_link = page.locator('#main-nav a[data-nav="notifications:inbox"]')
    expect(inbox_link).to_be_visible()
    # Nothing yet; the count is now cached for this worker.
    expect(inbox_link.locator(".badge")).to_have_count(0)

    # The dispatch writes the message and drops the cached count: the next page shows it at once.
    case = actions.dispatch_case(
        case, people["community"], version=case.version, level=HandlingLevel.GRID, assignee=people["grid"]
    )
    message = Notification.objects.get(recipient=people["grid"])
    assert message.kind == Kind.ASSIGNED and message.read_at is None
    page.reload()
    open_menu()
    expect(inbox_link.locator(".badge")).to_have_text("1")
    snap(page, "notifications-badge-phone")

    inbox_link.click()
    page.wait_for_url("**/notifications/")
    item = page.locator(f'[data-notification="{message.pk}"]')
    expect(item).to_contain_text(case.number)
    expect(item).to_contain_text("未读")
    expect(page.locator("[data-unread]")).to_have_text("1")
    snap(page, "notifications-inbox-phone")
    with page.expect_navigation():
        item.get_by_role("button", name="查看案件").click()
    expect(page.locator("h1")).to_contain_text(case.number)
    message.refresh_from_db()
    assert message.read_at is not None
    open_menu()
    expect(inbox_link).to_be_visible()
    expect(inbox_link.locator(".badge")).to_have_count(0)

    inbox_link.click()
    page.wait_for_url("**/notifications/")
    expect(page.locator("[data-unread]")).to_have_count(0)
    expect(item).not_to_contain_text("未读")
    page.get_by_role("link", name="消息偏好").click()
    page.wait_for_url("**/notifications/preferences/")
    page.get_by_label("每日摘要").check()
    assigned = page.locator("tr").filter(has=page.get_by_role("rowheader", name="案件派遣", exact=True))
    assigned.get_by_label("日志").uncheck()
    snap(page, "notifications-preferences-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("消息偏好已保存。")
    expect(page.get_by_label("每日摘要")).to_be_checked()
    expect(assigned.get_by_label("日志")).not_to_be_checked()

    preference = NotificationPreference.objects.get(user=people["grid"])
    assert preference.mode == DeliveryMode.DIGEST
    assert preference.channels[Kind.ASSIGNED] == ["email"]
    assert preference.channels[Kind.OVERDUE] == ["console", "email"]
