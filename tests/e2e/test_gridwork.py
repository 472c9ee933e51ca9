"""Grid work in a browser. A grid worker on a phone (390 px, Playwright's geolocation) patrols with
positions moving, loses the network and recovers (no point lost or doubled), checks in at a key
place, reports a finding, visits a household and fills a door-to-door form; a supervisor on a laptop
(1280 px) sees the patrol on the live map."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.gridwork import actions
from civicgrid.gridwork.models import Finding, KeyPlace, Patrol, Target, TrackPoint, Visit
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, snap


def _world(district, settings):
    from civicgrid.cases.categories import load_categories
    from civicgrid.people.testing import add_person, ensure_tags, make_building
    from civicgrid.regions import locator

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.GRIDWORK_POSITION_SECONDS = 0.5
    from civicgrid.testing import TEST_PASSWORD

    for key in ("worker", "street_staff"):  # made before the fast hasher was set
        district[key].set_password(TEST_PASSWORD)
        district[key].save(update_fields=["password"])
    locator.invalidate()
    load_categories()
    ensure_tags()
    grid = district["S1C1G1"]
    community = make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    building = make_building(grid, code="B1", floors=1, units=1, per_floor=2)
    house = building.houses.order_by("pk").first()
    add_person(community, house, name="王秀英")
    KeyPlace.objects.create(
        grid=grid, region_code=grid.code, name="东门消防通道", lat=grid.centroid_lat, lng=grid.centroid_lon
    )
    task = actions.create_task(
        district["street_staff"],
        title="消防隐患排查",
        region=district["S1"],
        fields=[
            {"label": "常住人数", "type": "number", "required": True},
            {"label": "消防隐患", "type": "choice", "choices": ["无", "有"], "required": True},
        ],
        target_kind="houses",
        deadline=timezone.now() + timedelta(days=2),
    )
    return grid, house, task


def _at(page, grid, step):
    page.context.set_geolocation(
        {"latitude": grid.centroid_lat + 0.0002 * step, "longitude": grid.centroid_lon + 0.0002 * step, "accuracy": 5}
    )


def _until(page, expression, seconds=20):
    """Poll `expression` from the test (wait_for_function would evaluate a string in the page, which
    the CSP refuses)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(150)


def _stored(patrol_pk):
    return TrackPoint.objects.filter(patrol_id=patrol_pk).count()


def test_a_grid_worker_patrols_offline_and_back_then_visits_and_fills_a_form(new_page, login, district, settings):
    grid, house, task = _world(district, settings)
    phone = new_page(viewport=PHONE)
    phone.context.grant_permissions(["geolocation"])
    _at(phone, grid, 0)
    login(phone, "13812345678")
    phone.goto("/gridwork/patrol/")
    phone.wait_for_selector('#patrol-map[data-state="ready"]')
    phone.get_by_role("button", name="开始巡格").click()
    phone.wait_for_selector("#patrol-map[data-patrol]")
    patrol = Patrol.objects.get()
    for step in range(1, 4):
        _at(phone, grid, step)
        _until(phone, f"Number(document.getElementById('patrol-map').dataset.points || 0) >= {step + 1}")
    _at(phone, grid, 0)  # back at the key place (the grid's centre)
    _until(phone, "Number(document.getElementById('patrol-map').dataset.points || 0) >= 5")
    phone.wait_for_selector('#patrol-map[data-synced="true"]')
    phone.get_by_role("button", name="打卡").click()
    expect(phone.locator("#key-places button")).to_have_text("已打卡")

    # The network drops: positions wait on the phone, then go up when it comes back.
    phone.context.set_offline(True)
    for step in range(4, 8):
        _at(phone, grid, step)
        _until(phone, f"Number(document.getElementById('patrol-map').dataset.points || 0) >= {step + 2}")
    expect(phone.locator("#patrol-queue")).not_to_have_text("0")
    expect(phone.locator("#patrol-status")).to_contain_text("网络已断开")
    offline_total = _stored(patrol.pk)
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_selector('#patrol-map[data-synced="true"]')
    expect(phone.locator("#patrol-queue")).to_have_text("0")
    recorded = int(phone.get_attribute("#patrol-map", "data-points"))
    assert _stored(patrol.pk) > offline_total
    seqs = list(TrackPoint.objects.filter(patrol=patrol).values_list("seq", flat=True))
    assert len(seqs) == len(set(seqs)) and sorted(seqs)[-1] <= recorded
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    snap(phone, "gridwork-patrol-390")

    # 随手拍 during the patrol.
    phone.get_by_role("link", name="随手拍").click()
    phone.locator("#finding-category").select_option(index=1)
    phone.locator("#finding-description").fill("东门井盖缺失")
    phone.get_by_role("button", name="上报").click()
    expect(phone.locator(".alert-success")).to_contain_text("已上报")
    assert Finding.objects.filter(patrol=patrol).count() == 1

    phone.wait_for_selector('#patrol-map[data-state="ready"]')  # back on the patrol page, its script running
    phone.get_by_role("button", name="结束巡格").click()
    # The last positions go up first, then the patrol ends (a loaded CI machine can take a while).
    phone.wait_for_url(f"**/gridwork/patrols/{patrol.pk}/", timeout=40_000)
    phone.wait_for_selector('#patrol-map[data-state="ready"]')
    patrol.refresh_from_db()
    assert patrol.status == "ended" and patrol.points == _stored(patrol.pk) and patrol.checkins == 1
    expect(phone.locator("#patrol-figures")).to_contain_text("覆盖率")

    # A household visit.
    phone.goto(f"/gridwork/visits/house/{house.pk}/")
    phone.locator("#visit-purpose").select_option("care")
    expect(phone.locator("#visit-person option")).to_contain_text(["全户", "王**"])
    phone.locator("#visit-notes").fill("老人身体还好")
    phone.get_by_role("button", name="保存走访记录").click()
    expect(phone.locator(".alert-success")).to_contain_text("走访已记录")
    expect(phone.locator("#visit-log")).to_contain_text("老人身体还好")
    assert Visit.objects.count() == 1

    # A door-to-door form: filled offline, sent when the network is back.
    phone.goto("/gridwork/tasks/")
    phone.get_by_role("link", name="消防隐患排查").click()
    phone.locator("#target-list a").first.click()
    phone.locator("#field-f1").fill("2")
    phone.locator("#field-f2").select_option("无")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#target-form")).to_have_attribute("data-queued", "true")
    target = Target.objects.filter(task=task, filled_at__isnull=True).count()
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    _until(phone, "!localStorage.getItem('cg-gridwork-forms') || localStorage.getItem('cg-gridwork-forms') === '[]'")
    assert Target.objects.filter(task=task, filled_at__isnull=True).count() == target - 1
    snap(phone, "gridwork-task-390")


def test_a_supervisor_sees_todays_patrol_on_the_map(new_page, login, district, settings):
    grid, _house, _task = _world(district, settings)
    patrol = actions.start_patrol(district["worker"])
    Patrol.objects.filter(pk=patrol.pk).update(started_at=timezone.now() - timedelta(minutes=20))
    patrol.refresh_from_db()
    start = patrol.started_at + timedelta(minutes=1)
    batch = [
        {
            "seq": i,
            "at": (start + timedelta(seconds=30 * i)).isoformat(),
            "lat": grid.centroid_lat + 0.0001 * i,
            "lng": grid.centroid_lon,
        }
        for i in range(1, 21)
    ]
    actions.add_points(district["worker"], patrol.pk, batch)
    page = new_page(viewport=DESKTOP)
    login(page, "13900002222")
    page.goto("/gridwork/supervise/")
    page.wait_for_selector('#supervise-map[data-patrols="1"]')
    assert int(page.get_attribute("#supervise-map", "data-points")) == 20
    expect(page.locator("#today-patrols")).to_contain_text("网格员王芳")
    expect(page.locator("#supervise-map path.leaflet-interactive")).not_to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    snap(page, "gridwork-supervise-1280")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_staff_place_a_key_place_on_the_map_and_switch_one_off(new_page, login, district, settings, viewport):
    grid, _house, _task = _world(district, settings)
    page = new_page(viewport=viewport)
    login(page, "13900002222")
    page.goto(f"/gridwork/places/?grid={grid.pk}")
    page.wait_for_selector('#places-map[data-state="ready"]')
    expect(page.locator("#place-list [data-place]")).to_have_count(1)
    page.locator("#places-map").scroll_into_view_if_needed()
    box = page.locator("#places-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 5, box["y"] + box["height"] / 2 + 5)
    assert page.input_value("#place-lat") and page.input_value("#place-lng")
    assert page.get_attribute("#places-map", "data-chosen")
    page.get_by_label("部位名称").fill("幼儿园<b>门口</b>")
    page.get_by_label("打卡半径（米）").fill("40")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    snap(page, f"gridwork-key-places-{viewport['width']}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("重点部位已保存")
    expect(page.locator("#place-list [data-place]")).to_have_count(2)
    expect(page.locator("#place-list")).to_contain_text("幼儿园<b>门口</b>")  # text, not markup
    added = KeyPlace.objects.get(name="幼儿园<b>门口</b>")
    assert added.radius_m == 40 and added.grid_id == grid.pk
    old = page.locator("#place-list [data-place]", has_text="东门消防通道")
    old.get_by_role("button", name="停用").click()
    expect(page.locator("#place-list [data-place]", has_text="东门消防通道")).to_have_attribute("data-active", "0")
    assert not KeyPlace.objects.get(name="东门消防通道").is_active
