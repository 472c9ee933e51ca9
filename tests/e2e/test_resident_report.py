"""A resident reports a problem from a phone (photo + map pin) and finds it in 我的上报; a grid
worker's 随手拍 takes the position from the phone's GPS."""

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases import actions
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Case, Category, Source
from civicgrid.cases.tests.media_files import jpeg_bytes
from civicgrid.regions import locator
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, snap


def _setup(district, settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    locator.invalidate()
    load_categories()
    return Category.objects.selectable().filter(resident_selectable=True).get(code="S05001")


def test_resident_reports_with_photo_and_map_pin_then_sees_it(new_page, login, district, settings, tmp_path):
    category = _setup(district, settings, tmp_path)
    make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    page = new_page(viewport=PHONE)
    login(page, "13700001111")

    page.goto("/cases/report/")
    expect(page.locator("h1")).to_have_text("我要上报")
    page.wait_for_selector('#report-map[data-state="ready"]')
    page.get_by_label("问题类别").select_option(str(category.pk))
    page.get_by_label("问题描述").fill("3号楼东侧路灯不亮，晚上很黑。")
    # The middle of the map on screen, clear of the phone's fixed tab bar (resident pages).
    page.locator("#report-map").evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#location-status")).to_contain_text("已标注位置")
    assert page.input_value("#id_lat") and page.input_value("#id_lon")
    page.set_input_files(
        "#id_photos", files=[{"name": "路灯.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(gps=True)}]
    )
    expect(page.locator("[data-upload-list] img")).to_have_count(1)
    page.get_by_label("地址").fill("幸福小区3号楼")
    snap(page, "resident-report-phone")
    page.get_by_role("button", name="提交上报").click()

    page.wait_for_url("**/cases/my/*/?submitted=1")
    case = Case.objects.get()
    assert case.source == Source.RESIDENT and case.community == district["S1C1"]
    assert case.attachments.filter(kind="photo").count() == 1
    expect(page.locator(".alert-success")).to_contain_text(case.number)
    expect(page.locator(".photo-grid img")).to_have_count(1)
    # The thumbnail is served by a separate request; wait for it to decode rather than racing it.
    page.wait_for_function(
        "() => { const img = document.querySelector('.photo-grid img'); return img.complete && img.naturalWidth > 0; }"
    )
    expect(page.locator("#timeline")).to_contain_text("上报")
    snap(page, "resident-case-phone")

    page.goto("/cases/my/")
    expect(page.locator("#my-reports")).to_contain_text(case.number)
    expect(page.locator("#my-reports .cg-light-red")).to_have_count(1)
    snap(page, "resident-my-reports-phone")

    # On the board once accepted (the default board setting), here by the street staff.
    actions.accept_case(case, district["street_staff"], version=case.version)
    page.goto("/cases/board/")
    expect(page.locator("#board-cases")).to_contain_text(case.title)
    page.locator("#board-cases a").first.click()
    page.get_by_role("button", name="我也遇到 · 0").click()
    expect(page.locator("#me-too")).to_have_text("我也遇到 · 1")
    snap(page, "resident-board-case-phone")

    desktop = new_page(viewport=DESKTOP)
    login(desktop, "13700001111")
    desktop.goto("/cases/report/")
    desktop.wait_for_selector('#report-map[data-state="ready"]')
    snap(desktop, "resident-report-desktop")
    desktop.goto("/cases/board/")
    snap(desktop, "resident-board-desktop")


def test_grid_worker_quick_report_takes_gps(new_page, login, district, settings, tmp_path):
    category = _setup(district, settings, tmp_path)
    page = new_page(viewport=PHONE)
    lon, lat = district["S1C1G1M2"].centroid_lon, district["S1C1G1M2"].centroid_lat
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": lat, "longitude": lon})
    login(page, "13812345678")
    page.goto("/cases/quick/")
    expect(page.locator("#location-status")).to_contain_text("已自动获取位置")
    page.set_input_files("#id_photo", files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.get_by_label("问题类别").select_option(str(category.pk))
    snap(page, "grid-quick-report-phone")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已上报")
    case = Case.objects.get()
    assert case.source == Source.GRID_PHOTO and case.region_code == district["S1C1G1M2"].code
