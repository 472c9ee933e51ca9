"""Files go up as soon as they are chosen, with progress, and a validation error keeps them (and the
pin, and the text): 我要上报 on a phone and a laptop, 随手拍 on a phone (issue 14, item 4)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Case, Category, PendingUpload, Source
from civicgrid.cases.tests.media_files import jpeg_bytes, random_bytes
from civicgrid.regions import locator
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, snap
from .test_layout_fit import FIT

# A description that names no category, so the picker pre-selects nothing.
PLAIN = "这里的情况请社区看一下。"


def _setup(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    locator.invalidate()
    load_categories()
    return Category.objects.selectable().filter(resident_selectable=True).get(code="S05001")


def _photo(name="路灯.jpg", data=None):
    return {"name": name, "mimeType": "image/jpeg", "buffer": data if data is not None else jpeg_bytes(gps=True)}


def _thumb_loaded(page, selector):
    page.wait_for_function(
        "(s) => { const img = document.querySelector(s); return img && img.complete && img.naturalWidth > 0; }",
        arg=selector,
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_report_keeps_photo_pin_and_text_after_an_error(new_page, login, district, settings, tmp_path, viewport):
    category = _setup(settings, tmp_path)
    make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    page = new_page(viewport=viewport)
    login(page, "13700001111")
    page.goto("/cases/report/")
    page.wait_for_selector('#report-map[data-state="ready"]')
    page.wait_for_selector('#report-form[data-uploads="ready"]')
    expect(page.locator("#address-help")).to_contain_text("地址只作补充说明，不能代替位置")
    page.get_by_label("问题描述").fill(PLAIN)

    # Chosen → sent at once, with its progress → the server's cleaned preview, a token in the form.
    page.set_input_files("#id_photos", files=[_photo(), _photo("坏文件.jpg", random_bytes())])
    done = page.locator('[data-upload-item][data-state="done"]')
    expect(done).to_have_count(1)
    expect(done).to_have_attribute("data-progress", "100")
    expect(done.locator(".upload-name")).to_have_text("路灯.jpg")
    expect(done.locator("img")).to_have_attribute(
        "src", reverse("cases:upload_preview", args=[PendingUpload.objects.get().token])
    )
    _thumb_loaded(page, '[data-upload-item][data-state="done"] img')
    refused = page.locator('[data-upload-item][data-state="error"]')
    expect(refused.locator("[data-upload-status]")).to_contain_text("“坏文件.jpg”不是有效的照片文件")
    assert page.input_value("#id_photos") == ""  # nothing is sent twice
    token = PendingUpload.objects.get().token
    assert page.locator('input[type=hidden][name="upload"]').evaluate_all("els => els.map(e => e.value)") == [token]
    refused.get_by_role("button", name="删除").click()
    expect(refused).to_have_count(0)

    page.locator("#report-map").scroll_into_view_if_needed()
    # The middle of the map on screen, clear of the phone's fixed tab bar (resident pages).
    page.locator("#report-map").evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    lon, lat = page.input_value("#id_lon"), page.input_value("#id_lat")
    page.get_by_label("地址（可不填）").fill("幸福小区3号楼")
    assert page.input_value("#id_category") == ""
    assert page.evaluate(FIT) == []
    width = viewport["width"]
    page.locator("[data-upload-list]").scroll_into_view_if_needed()
    snap(page, f"report-upload-done-{width}")

    # No category: the page comes back with the error, and with the photo, the pin and the text.
    with page.expect_navigation() as response:
        page.get_by_role("button", name="提交上报").click()
    assert response.value.status == 400
    expect(page.locator("#id_category ~ .invalid-feedback")).to_have_text("请选择问题类别。")
    kept = page.locator('[data-upload-item][data-state="done"]')
    expect(kept).to_have_count(1)
    expect(kept.locator(".upload-name")).to_have_text("路灯.jpg")
    _thumb_loaded(page, '[data-upload-item][data-state="done"] img')
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    assert (page.input_value("#id_lon"), page.input_value("#id_lat")) == (lon, lat)
    expect(page.get_by_label("问题描述")).to_have_value(PLAIN)
    expect(page.get_by_label("地址（可不填）")).to_have_value("幸福小区3号楼")
    assert page.evaluate(FIT) == []
    page.locator("[data-upload-list]").scroll_into_view_if_needed()
    snap(page, f"report-upload-kept-{width}")
    assert not Case.objects.exists()

    page.locator("#id_category").select_option(str(category.pk))
    page.get_by_role("button", name="提交上报").click()
    page.wait_for_url("**/cases/my/*/?submitted=1")
    case = Case.objects.get()
    assert case.source == Source.RESIDENT and case.description == PLAIN
    assert list(case.attachments.values_list("kind", "original_name")) == [("photo", "路灯.jpg")]
    assert not PendingUpload.objects.exists()
    expect(page.locator(".photo-grid img")).to_have_count(1)


def test_report_without_a_point_says_the_address_is_not_enough(new_page, login, district, settings, tmp_path):
    category = _setup(settings, tmp_path)
    make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    page = new_page(viewport=PHONE)
    login(page, "13700001111")
    page.goto("/cases/report/")
    page.wait_for_selector('#report-form[data-uploads="ready"]')
    page.get_by_label("问题描述").fill(PLAIN)
    page.locator("#id_category").select_option(str(category.pk))
    page.get_by_label("地址（可不填）").fill("幸福小区3号楼")
    page.set_input_files("#id_photos", files=[_photo(), _photo("第二张.jpg", jpeg_bytes(colour=(0, 90, 0)))])
    # Two uploads, each checked and thumbnailed by the server: on a loaded two-core CI the second took over 20 s.
    expect(page.locator('[data-upload-item][data-state="done"]')).to_have_count(2, timeout=45_000)
    page.locator('[data-upload-item]:has-text("第二张.jpg")').get_by_role("button", name="删除").click()
    expect(page.locator("[data-upload-item]")).to_have_count(1)
    with page.expect_navigation() as response:
        page.get_by_role("button", name="提交上报").click()
    assert response.value.status == 400
    expect(page.locator("#form-errors")).to_have_text(
        "请在地图上点选问题位置，或点“使用当前位置”。只填地址无法确定位置。"
    )
    expect(page.locator('[data-upload-item][data-state="done"]')).to_have_count(1)
    expect(page.locator("#id_category")).to_have_value(str(category.pk))
    assert list(PendingUpload.objects.values_list("original_name", flat=True)) == ["路灯.jpg"]


def test_quick_report_keeps_the_photo_after_an_error(new_page, login, district, settings, tmp_path):
    category = _setup(settings, tmp_path)
    page = new_page(viewport=PHONE)
    lon, lat = district["S1C1G1M2"].centroid_lon, district["S1C1G1M2"].centroid_lat
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": lat, "longitude": lon})
    login(page, "13812345678")
    page.goto("/cases/quick/")
    page.wait_for_selector('#quick-form[data-uploads="ready"]')
    expect(page.locator("#location-status")).to_contain_text("已自动获取位置")
    page.set_input_files("#id_photo", files=[_photo("井盖.jpg")])
    done = page.locator('[data-upload-item][data-state="done"]')
    expect(done).to_have_count(1)
    expect(done).to_have_attribute("data-progress", "100")
    _thumb_loaded(page, '[data-upload-item][data-state="done"] img')
    page.get_by_label("补充说明（可不填）").fill(PLAIN)
    assert page.input_value("#id_category") == ""
    assert page.evaluate(FIT) == []
    snap(page, "quick-upload-done-390")

    with page.expect_navigation() as response:
        page.get_by_role("button", name="提交", exact=True).click()
    assert response.value.status == 400
    expect(page.locator("#id_category ~ .invalid-feedback")).to_have_text("请选择问题类别。")
    expect(page.locator('[data-upload-item][data-state="done"] .upload-name')).to_have_text("井盖.jpg")
    _thumb_loaded(page, '[data-upload-item][data-state="done"] img')
    expect(page.get_by_label("补充说明（可不填）")).to_have_value(PLAIN)
    assert page.evaluate(FIT) == []
    snap(page, "quick-upload-kept-390")

    page.locator("#id_category").select_option(str(category.pk))
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已上报")
    case = Case.objects.get()
    assert case.source == Source.GRID_PHOTO and case.description == PLAIN
    assert list(case.attachments.values_list("original_name", flat=True)) == ["井盖.jpg"]


def test_sending_while_a_photo_is_still_going_up_waits_for_it(new_page, login, district, settings, tmp_path):
    category = _setup(settings, tmp_path)
    make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    page = new_page(viewport=PHONE)
    login(page, "13700001111")
    page.goto("/cases/report/")
    page.wait_for_selector('#report-map[data-state="ready"]')
    page.wait_for_selector('#report-form[data-uploads="ready"]')
    page.get_by_label("问题描述").fill(PLAIN)
    page.locator("#id_category").select_option(str(category.pk))
    page.locator("#report-map").scroll_into_view_if_needed()
    # The middle of the map on screen, clear of the phone's fixed tab bar (resident pages).
    page.locator("#report-map").evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    held = []
    page.route("**/cases/uploads/", lambda route: held.append(route))  # the upload hangs until released
    page.set_input_files("#id_photos", files=[_photo()])
    expect(page.locator('[data-upload-item][data-state="uploading"]')).to_have_count(1)
    page.get_by_role("button", name="提交上报").click()
    expect(page.locator("[data-upload-warning]")).to_have_text("文件还在上传，完成后会自动提交。")
    assert not Case.objects.exists() and page.url.endswith("/cases/report/")
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_url("**/cases/my/*/?submitted=1")
    case = Case.objects.get()
    assert list(case.attachments.values_list("original_name", flat=True)) == ["路灯.jpg"]
