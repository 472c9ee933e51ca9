"""Stored script payloads stay text everywhere (issue 12, must-show 4).

Every text field a resident, an application or staff can write gets a payload, put there through
the real entry points (the Open311 endpoint over HTTP, the action functions the forms call):
case title (from the address), description, address, Open311 address_string, description and the
caller's names, staff notes, a board comment, person and building names, a person's notes, tag
names and colours, an enterprise's name, address and contact, category and region names, staff names, warning rule names (warning text,
tasks, notifications) and an application's name. Then residents (390 px), staff (1280 px) and the
command screen (1920×1080) open every page that shows them, hover the map markers and areas,
open the popups and chart tooltips. `new_page` fails the test on any dialog (a payload that ran),
any Content-Security-Policy violation, any console or JavaScript error.
"""

import pytest
from django.test import Client
from playwright.sync_api import expect

from civicgrid.accounts.models import Role, User
from civicgrid.api import actions as api_actions
from civicgrid.cases import actions, board_actions
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Case, Category, HandlingLevel
from civicgrid.dashboard.models import RuleAction, RuleKind, WarningRule
from civicgrid.dashboard.warnings import run_rules
from civicgrid.people import actions as people_actions
from civicgrid.people.models import Enterprise, Tag
from civicgrid.people.testing import add_person, ensure_tags, make_building
from civicgrid.regions import locator
from civicgrid.regions.models import Region
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, wait_for_map

BIG_SCREEN = {"width": 1920, "height": 1080}
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(2)>'
JS = "javascript:alert(3)"


def fresh(case):
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def stored(district, settings):
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    load_categories()
    ensure_tags()
    # Names set by administrators: regions, a category, staff and residents.
    Region.objects.filter(pk=district["S1C1G1"].pk).update(name="一网格" + SVG)
    Region.objects.filter(pk=district["S1C1"].pk).update(name="幸福社区" + IMG)
    locator.invalidate()
    Category.objects.filter(code="S05001").update(name="路灯" + IMG)
    category = Category.objects.get(code="S05001")
    resident = make_user("居民陈红", Role.RESIDENT, district["S1C1"], phone="13700001234")
    neighbour = make_user("居民李四", Role.RESIDENT, district["S1C1"], phone="13700005678")
    community = make_user("社区刘洋", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    operator = make_user("值班员周敏", Role.COMMAND_OPERATOR, district["D"], phone="13900003333")
    User.objects.filter(pk=resident.pk).update(name="陈红" + IMG)
    User.objects.filter(pk=community.pk).update(name="刘洋" + SVG)
    User.objects.filter(pk=district["worker"].pk).update(name="王芳" + IMG)
    resident.refresh_from_db()
    community.refresh_from_db()
    district["worker"].refresh_from_db()

    # A resident's report: the title is built from the address.
    m1, m2 = district["S1C1G1M1"], district["S1C1G1M2"]
    case = actions.report_case(
        resident,
        category=category,
        description="楼道堆物" + IMG + " " + JS,
        address="XA" + IMG,
        lon=m1.centroid_lon,
        lat=m1.centroid_lat,
    ).case
    # An application's report through Open311 (over HTTP, as the application sends it).
    application = api_actions.create_application("随手拍" + IMG)
    _key, raw = api_actions.issue_key(application, region=district["S1"], rate_per_minute=1000)
    response = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": raw,
            "service_code": "S05001",
            "lat": m2.centroid_lat,
            "long": m2.centroid_lon,
            "description": "路灯不亮" + SVG,
            "address_string": "XB" + IMG,
            "first_name": IMG,
            "last_name": SVG,
            "phone": "13800001111",
        },
    )
    assert response.status_code in (200, 201), response.content
    open311_case = Case.objects.exclude(pk=case.pk).get()

    # Staff notes along the handling.
    actions.accept_case(case, community, version=case.version, note="受理" + IMG)
    case = fresh(case)
    actions.dispatch_case(case, community, version=case.version, level=HandlingLevel.GRID, note="派遣" + SVG)
    case = fresh(case)
    actions.sign_case(case, district["worker"], version=case.version, note="签收" + JS)
    case = fresh(case)
    actions.record_progress(case, district["worker"], version=case.version, note="进展" + IMG)
    case = fresh(case)
    board_actions.add_comment(neighbour, district["S1C1"], case.number, "留言" + SVG)

    # Base data: a building, a person with notes, a tag with a hostile name and colour.
    building = make_building(district["S1C1G1"], code="D1", name="楼" + SVG)
    house = building.houses.first()
    person = add_person(district["worker"], house, name="刘" + IMG, notes="备注" + SVG)
    tag = Tag.objects.order_by("sensitivity", "order").first()
    Tag.objects.filter(pk=tag.pk).update(name="标签" + IMG, colour='"><i>X')
    people_actions.set_tags(district["worker"], person, [tag.code])
    people_actions.save_enterprise(
        community,
        Enterprise(),
        grid=district["S1C1G1"],
        name="商户" + IMG,
        address="地址" + SVG,
        contact="联系人" + JS,
    )

    # Warnings: a rule's text reaches the warning list, a task and notifications.
    for action, role in ((RuleAction.TASK, Role.COMMAND_OPERATOR), (RuleAction.NOTIFY, Role.COMMUNITY_STAFF)):
        WarningRule.objects.create(
            name="规则" + IMG,
            kind=RuleKind.GRID_OPEN,
            region=district["D"],
            threshold=0,
            action=action,
            notify_role=role,
        )
    run_rules()
    return {
        "case": fresh(case),
        "open311_case": open311_case,
        "building": building,
        "house": house,
        "person": person,
        "community": district["S1C1"],
        "operator": operator,
    }


def shows(page, *texts):
    body = page.locator("body").inner_text()
    for text in texts:
        assert text in body, (page.url, text)


def hover_all(page, selector, limit=30):
    items = page.locator(selector)
    for i in range(min(items.count(), limit)):
        items.nth(i).hover(force=True)
        page.wait_for_timeout(50)


def test_resident_pages_show_payloads_as_text(new_page, login, stored):
    case, community = stored["case"], stored["community"]
    page = new_page(viewport=PHONE)
    login(page, "13700001234")
    page.goto(f"/cases/my/{case.number}/")
    shows(page, "XA" + IMG, "楼道堆物" + IMG)
    for url in (
        "/",
        "/cases/my/",
        f"/cases/board/{community.code}/",
        f"/cases/board/{community.code}/{case.number}/",
        "/notifications/",
        "/cases/report/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    page.goto(f"/cases/board/{community.code}/{case.number}/")
    shows(page, "留言" + SVG)
    page.wait_for_timeout(300)


def test_staff_pages_show_payloads_as_text(new_page, login, stored):
    case, other = stored["case"], stored["open311_case"]
    page = new_page(viewport=DESKTOP)
    login(page, "13900002222")
    page.goto("/cases/staff/queue/")
    shows(page, "王芳" + IMG, "onerror=alert(1)")
    page.goto(f"/cases/staff/{case.number}/")
    shows(page, "受理" + IMG, "派遣" + SVG, "进展" + IMG, "楼道堆物" + IMG, "王芳" + IMG)
    page.goto(f"/cases/staff/{other.number}/")
    shows(page, "路灯不亮" + SVG, "XB" + IMG)
    page.goto("/notifications/")
    shows(page, "规则" + IMG)
    for url in ("/cases/stats/", "/regions/", f"/regions/{stored['community'].code}/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")

    # The region map: hover every area (tooltips), open a popup.
    page.goto("/regions/map/")
    wait_for_map(page)
    hover_all(page, "#region-map path.leaflet-interactive")
    page.locator("#region-map path.leaflet-interactive").first.click(force=True)
    expect(page.locator(".leaflet-popup")).to_be_visible()
    expect(
        page.locator(".leaflet-popup img, .leaflet-tooltip img, .leaflet-popup svg, .leaflet-tooltip svg")
    ).to_have_count(0)
    page.wait_for_timeout(300)


def test_base_data_pages_show_payloads_as_text(new_page, login, stored):
    page = new_page(viewport=DESKTOP)
    login(page, "13812345678")  # the grid worker
    page.goto(f"/people/persons/{stored['person'].pk}/")
    shows(page, "刘" + IMG, "备注" + SVG, "标签" + IMG)
    page.goto(f"/people/buildings/{stored['building'].pk}/")
    shows(page, "楼" + SVG)
    page.goto("/people/enterprises/")
    shows(page, "商户" + IMG)
    for url in ("/people/", f"/people/houses/{stored['house'].pk}/", "/people/search/?q=刘", "/cases/tasks/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    page.goto("/people/map/")
    page.wait_for_selector('#people-map[data-state="ready"]')
    hover_all(page, "#people-map path.leaflet-interactive")
    marker = page.locator("#people-map path.leaflet-interactive").last
    marker.click(force=True)
    expect(page.locator(".leaflet-popup")).to_contain_text("楼" + SVG)
    expect(page.locator(".leaflet-popup svg, .leaflet-tooltip img, .leaflet-tooltip svg")).to_have_count(0)
    page.wait_for_timeout(300)


def test_command_screen_shows_payloads_as_text(new_page, login, stored):
    page = new_page(viewport=BIG_SCREEN)
    login(page, "13900003333")
    page.goto("/dashboard/")
    screen_map = page.locator("#dash-map")
    expect(screen_map).to_have_attribute("data-state", "ready", timeout=30_000)
    shows(page, "一网格" + SVG)  # the warning list and the task list
    hover_all(page, "#dash-map path[data-case]")
    hover_all(page, "#dash-map path[data-area]")
    expect(page.locator(".leaflet-tooltip img, .leaflet-tooltip svg")).to_have_count(0)
    # Chart tooltips: hover over each chart (ECharts draws them on the canvas).
    for chart in page.locator("[id^=chart-]").all():
        box = chart.bounding_box()
        if box and box["width"] and box["height"]:
            for fx, fy in ((0.5, 0.5), (0.3, 0.6), (0.7, 0.4)):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                page.wait_for_timeout(80)
        # Only the canvas layer: no HTML tooltip element next to it.
        assert chart.locator(":scope > *").count() == 1, chart.get_attribute("id")
    # Drill down (street, then the community with the hostile name) and hover again.
    community = stored["community"].code
    for code in (community[:9], community):
        page.locator(f'#rank-regions [data-drill="{code}"]').click()
        expect(screen_map).to_have_attribute("data-region", code, timeout=30_000)
        expect(screen_map).to_have_attribute("data-state", "ready", timeout=30_000)
    hover_all(page, "#dash-map path[data-case]")
    hover_all(page, "#dash-map path[data-area]")
    page.wait_for_timeout(300)
