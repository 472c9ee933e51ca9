"""Issue 12, failure 3: a case title built from a resident's address reached Leaflet's bindTooltip
as HTML on the command screen; hovering the marker ran the address's script in the operator's
session. The tooltip must show the address as text."""

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases import actions
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Category
from civicgrid.regions import locator
from civicgrid.testing import make_user

BIG_SCREEN = {"width": 1920, "height": 1080}
PAYLOAD = "XA<img src=x onerror=alert(1)>"


def test_a_marker_tooltip_shows_the_address_as_text(new_page, login, district):
    locator.invalidate()
    load_categories()
    resident = make_user("居民张三", Role.RESIDENT, district["S1C1"], phone="13700001234")
    node = district["S1C1G1M1"]
    case = actions.report_case(
        resident,
        category=Category.objects.get(code="S05001"),
        description="楼道里堆满了纸箱。",
        address=PAYLOAD,
        lon=node.centroid_lon,
        lat=node.centroid_lat,
    ).case
    assert PAYLOAD in case.title
    page = new_page(viewport=BIG_SCREEN)
    login(page, "13900001111")
    page.goto("/dashboard/")
    expect(page.locator("#dash-map")).to_have_attribute("data-state", "ready")
    marker = page.locator(f'#dash-map path[data-case="{case.pk}"]')
    marker.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip").last
    expect(tooltip).to_contain_text(PAYLOAD)
    expect(page.locator(".leaflet-tooltip img")).to_have_count(0)
    page.wait_for_timeout(300)  # an alert would have opened by now: new_page fails the test on any dialog
