"""Smart intake in a real browser (issue 16): the dispatcher sees the routing suggestion beside the
dispatch form and applies it, the operator reads the weekly accuracy page (1280 px); a comment with a
phone number waits on the neighbourhood board until a moderator releases it (390 px)."""

import pytest
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases import actions
from civicgrid.cases.models import Category, HandlingLevel
from civicgrid.regions.models import Department, DepartmentKind
from civicgrid.testing import build_case_world, make_user

from .conftest import DESKTOP, PHONE, open_nav, snap


@pytest.fixture
def intake_world(settings):
    people = {
        "resident": ("居民陈红", Role.RESIDENT, "S1C1", "13700001234"),
        "neighbour": ("居民周敏", Role.RESIDENT, "S1C1", "13700004321"),
        "community": ("社区刘洋", Role.COMMUNITY_STAFF, "S1C1", "13900002222"),
        "street": ("街道李强", Role.STREET_STAFF, "S1", "13900001111"),
        "operator": ("值班员孙丽", Role.COMMAND_OPERATOR, "D", "13900003333"),
    }
    tree, users, case = build_case_world(settings, people, description="3 号楼楼道里堆满了纸箱，堵住了通道。")
    return tree, users, case


def close_by_department(users, department, category, node, n):
    for i in range(n):
        case = actions.report_case(
            users["resident"],
            category=category,
            description=f"楼道堆物第 {i + 1} 次，请清理。",
            lon=node.centroid_lon,
            lat=node.centroid_lat,
        ).case
        case = actions.accept_case(case, users["community"], version=case.version)
        case = actions.dispatch_case(
            case, users["street"], version=case.version, level=HandlingLevel.DEPARTMENT, department=department
        )
        case = actions.sign_case(case, users["cg"], version=case.version)
        case = actions.feedback_case(case, users["cg"], version=case.version, note="已清理。")
        case = actions.verify_case(case, users["community"], version=case.version, passed=True)
        actions.close_case(case, users["community"], version=case.version)


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("手机号或用户名").fill(username)
    page.get_by_label("密码", exact=True).fill("Test@2026pass")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_the_dispatcher_sees_and_applies_the_routing_suggestion(new_page, intake_world):
    tree, users, case = intake_world
    cg = Department.objects.create(region=tree["D"], code="D-CG", name="区城管局", kind=DepartmentKind.URBAN_MANAGEMENT)
    users["cg"] = make_user("城管张伟", Role.DEPARTMENT_STAFF, department=cg, phone="13900004444")
    close_by_department(users, cg, Category.objects.get(code="S05001"), tree["S1C1G1M1"], 3)
    case = actions.accept_case(case, users["community"], version=case.version)

    page = new_page(viewport=DESKTOP)
    sign_in(page, "街道李强")
    page.goto(f"/cases/staff/{case.number}/?do=dispatch")
    card = page.locator('details[data-action="dispatch"]')
    hint = card.locator(".case-hint")
    expect(hint).to_have_attribute("data-state", "ready")
    expect(hint).to_contain_text("本社区近 90 天同类案件 3 件由区城管局办结（按时 3 件）")
    card.locator("[data-hint-apply]").click()
    expect(card.locator("select[name=level]")).to_have_value("department")
    expect(card.locator("select[name=department]")).to_have_value(str(cg.pk))
    snap(page, "intake-routing-hint-1280")

    # The operator (指挥中心值班员) reads the suggestions' weekly accuracy from the navigation.
    page = new_page(viewport=DESKTOP)
    sign_in(page, "值班员孙丽")
    page.goto("/")
    open_nav(page, "分类建议准确率")
    expect(page.get_by_role("heading", name="分类建议准确率")).to_be_visible()
    expect(page.locator("#accuracy-weeks tbody tr")).to_have_count(8)
    expect(page.locator('#accuracy-categories tr[data-category="S05001"]')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    snap(page, "intake-accuracy-1280")


def test_a_comment_with_a_phone_number_waits_for_the_moderator(new_page, intake_world):
    tree, users, case = intake_world
    case = actions.accept_case(case, users["community"], version=case.version)  # on the board once accepted
    board = f"/cases/board/{tree['S1C1'].code}/{case.number}/"

    page = new_page(viewport=PHONE)
    sign_in(page, "居民周敏")
    page.goto(board)
    page.locator("textarea[name=text]").fill("我也是这栋楼的，有事打我电话 13812345678")
    page.get_by_role("button", name="发表留言").click()
    expect(page.get_by_text("留言已提交，经社区工作人员审核后显示。")).to_be_visible()
    expect(page.locator("#comments .comment-held")).to_have_text("待审核")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    snap(page, "intake-held-comment-390")

    other = new_page(viewport=PHONE)
    sign_in(other, "居民陈红")
    other.goto(board)
    expect(other.locator("#comments")).not_to_contain_text("13812345678")

    moderator = new_page(viewport=PHONE)
    sign_in(moderator, "社区刘洋")
    moderator.goto(board)
    moderator.get_by_role("button", name="审核通过").click()
    expect(moderator.get_by_text("留言已审核通过，现已显示。")).to_be_visible()

    other.reload()
    expect(other.locator("#comments")).to_contain_text("13812345678")
