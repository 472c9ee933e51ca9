"""Every main page fits its screen, for every role of the demo district: at 390 (phone), 1024, 1280
and 1440 (office laptops) and 1920 px (the wall screen), in Chinese, and at 1280 and 1024 px in
English.

A page fails when the document is wider than the viewport, when a visible element overflows its
box or reaches out of the viewport (unless a scrolling or clipping box holds it), when text is
squeezed to one character a line, when the navigation bar holds more than seven entries, or when
any request (page, script, style, image, data) answers an error or fails. The wall screen is
exactly 1920×1080 at every drill level, with no two panels overlapping.

One world (the small demo district, seeded once) and one browser context per role and language,
so the sweep stays within a few minutes.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases.categories import load_categories
from civicgrid.core.navigation import TOP_LEVEL_LIMIT
from civicgrid.people.testing import ensure_tags
from civicgrid.regions import locator
from civicgrid.testing import make_user

from .conftest import PHONE, snap

DEMO_PASSWORD = "Demo@2026"
# 1024: the narrowest screen with the full navigation bar (below it, the phone menu).
WIDTHS = [(390, 844), (1024, 768), (1280, 800), (1440, 900), (1920, 1080)]
ENGLISH_WIDTHS = [(1280, 800), (1024, 768)]

# Paths, or (page, CSS selector of a link on it): the first such link's target is opened.
RESIDENT_CASE = ("/cases/my/", 'main a[href^="/cases/my/2"]')
STAFF_CASE = ("/cases/staff/queue/", 'main a[href^="/cases/staff/"][href$="/"]:not([href*="queue"])')


def task_case():
    """A case page of the grid worker's: an open one in the grid if the demo has one, else the worker's own."""
    from civicgrid.accounts.models import User
    from civicgrid.cases.models import Case

    worker = User.objects.get(username="wanggeyuan")
    grid = worker.role_assignments.filter(region__isnull=False).first().region
    case = (
        Case.objects.filter(grid__code=grid.code).exclude(status__in=["closed", "voided"]).order_by("pk").first()
        or Case.objects.filter(assignee=worker).order_by("pk").first()
    )
    return f"/cases/staff/{case.number}/"


TASK_CASE = task_case
BUILDING = ("/people/", 'main a[href^="/people/buildings/"]')
HOUSE = (BUILDING, 'main a[href^="/people/houses/"]')
ACTIVITY = ("/activities/", "#activity-list a")
STAFF_ACTIVITY = ("/activities/manage/", "#activity-table a")
VENUE = (STAFF_ACTIVITY, "#venue-link")
# --- compounds --- the resident's compound and renovation ledger; staff's compound page
FUND = ("/compounds/mine/", "#fund-link")
COMPOUND = ("/compounds/", "#compound-table a")
PAGES = {
    "jumin": [
        "/",
        "/resident/me/",
        "/cases/report/",
        "/cases/my/",
        RESIDENT_CASE,
        "/cases/board/",
        "/notifications/",
        "/activities/",
        ACTIVITY,
        "/activities/mine/",
        "/compounds/mine/",
        FUND,
    ],
    "wanggeyuan": ["/", "/cases/tasks/", TASK_CASE, "/cases/quick/", "/people/", BUILDING, HOUSE, "/regions/map/"],
    "weiwangge": ["/", "/cases/tasks/", "/people/"],
    "shequ": [
        "/",
        "/cases/staff/queue/",
        STAFF_CASE,
        "/cases/staff/entry/",
        "/cases/stats/",
        "/people/",
        "/people/search/?q=王",
        "/regions/",
        "/notifications/",
        "/activities/manage/",
        STAFF_ACTIVITY,
        VENUE,
        "/activities/manage/new/",
        "/compounds/",
        COMPOUND,
    ],
    "jiedao": ["/", "/cases/staff/queue/", "/cases/stats/", "/regions/map/", "/compounds/"],
    "bumen": ["/", "/cases/staff/queue/", STAFF_CASE],
    "zhihui": ["/", "/cases/staff/queue/", STAFF_CASE, "/cases/staff/hotline/", "/cases/stats/", "/dashboard/"],
    "admin": ["/", "/cases/staff/queue/", "/people/", "/dashboard/"],
}

# Runs in the page: what does not fit, as readable lines.
FIT = """
() => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\\s+/).slice(0, 3).join(".");
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 30);
    return s + (text ? ` "${text}"` : "");
  };
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push(`the document is ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px viewport`);
  }
  // Inside a box that scrolls or clips (a wide table in .table-responsive, a fixed bar), reaching
  // beyond the viewport is that box's business.
  const held = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX !== "visible" || style.position === "fixed") return true;
    }
    return false;
  };
  const skip = ".leaflet-container, [_echarts_instance_], .visually-hidden, .visually-hidden-focusable, svg";
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(skip)) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || style.display === "contents") continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    if ((rect.right > vw + 1 || rect.left < -1) && !held(el)) {
      problems.push(`${describe(el)} reaches ${Math.round(rect.left)}..${Math.round(rect.right)} in a ${vw}px viewport`);
    }
    // A Bootstrap .row reaches into its parent's padding by design (negative margins).
    let slack = 1;
    for (const child of el.children) {
      if (child.classList.contains("row")) slack = Math.max(slack, 1 - parseFloat(getComputedStyle(child).marginRight));
    }
    if (style.overflowX === "visible" && style.display !== "inline" && el.clientWidth > 0
        && el.scrollWidth > el.clientWidth + slack && !held(el)) {
      problems.push(`${describe(el)} overflows its box (${el.scrollWidth}px in ${el.clientWidth}px)`);
    }
    // Text squeezed to a character a line: a text of several characters drawn on (nearly) as many lines.
    for (const node of el.childNodes) {
      const text = node.nodeType === 3 ? node.textContent.trim() : "";
      if (text.length < 2) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
      if (lines >= 2 && lines >= text.length * 0.6) {
        problems.push(`${describe(el)}: "${text.slice(0, 20)}" is squeezed to ${lines} lines`);
        break;
      }
    }
  }
  return problems;
}
"""

# The wall screen's panels that must not overlap one another (their boxes, on the 1920×1080 page).
PANEL_OVERLAPS = """
() => {
  const boxes = Array.from(document.querySelectorAll(".dash-header, .dash-panel")).map((el) => [el, el.getBoundingClientRect()]);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1) {
        overlaps.push(`${a.className} overlaps ${b.className}`);
      }
    }
  }
  // Every chart and list stays inside its panel, and every panel inside the screen.
  for (const [el, rect] of boxes) {
    if (rect.bottom > window.innerHeight + 0.5 || rect.right > window.innerWidth + 0.5) overlaps.push(`${el.className} is cut off`);
    for (const child of el.querySelectorAll(".dash-chart, .dash-list, .dash-warning-list, .dash-task-list, h2, h3")) {
      const c = child.getBoundingClientRect();
      if (c.height && (c.bottom > rect.bottom + 0.5 || c.right > rect.right + 0.5)) overlaps.push(`${child.id || child.className} sticks out of ${el.className}`);
    }
  }
  return overlaps;
}
"""

RANKING = """
(id) => {
  const list = document.getElementById(id);
  const total = Number((document.getElementById(id + "-count").textContent.match(/\\d+/) || ["0"])[0]);
  return {
    shown: list.querySelectorAll("li:not(.dash-none)").length,
    total: Math.min(10, total),
    fits: list.scrollHeight <= list.clientHeight + 1,
  };
}
"""


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # What data migrations load (the category catalogue, the special-group tags) is gone once an
    # earlier test flushed the tables.
    load_categories()
    ensure_tags()
    call_command("seed_demo", scale="small", verbosity=0)
    locator.invalidate()


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def resolve(page, target, cache):
    """A path, or the first link found by (page, selector) — looked up once per role."""
    if isinstance(target, str):
        return target
    if callable(target):
        return target()
    if target not in cache:
        page.goto(resolve(page, target[0], cache))
        link = page.locator(target[1]).first
        assert link.count(), f"no link {target[1]} on {target[0]}"
        cache[target] = link.get_attribute("href")
    return cache[target]


def settle(page):
    page.wait_for_load_state("load")
    for selector in ("#region-map", "#report-map", "#dash-map"):
        if page.locator(selector).count():
            page.wait_for_selector(f'{selector}[data-state="ready"]')
    if page.locator("#report-map").count():
        page.wait_for_selector('#report-map[data-layers="ready"]')
    page.wait_for_timeout(150)  # charts draw on the next frame


def sweep(new_page, username, locale, widths, failures, bad_requests):
    """Open each of the role's pages once and check it at every width (the viewport is resized in
    place: the layout is CSS, and the scripts that size charts and maps follow window resizes)."""
    page = new_page(viewport={"width": widths[0][0], "height": widths[0][1]}, locale=locale)
    page.on("response", lambda r: r.status >= 400 and bad_requests.append(f"{username}: {r.status} {r.url}"))
    # (A request cut short by the next navigation, net::ERR_ABORTED, is no failure of the page.)
    page.on(
        "requestfailed",
        lambda r: "ERR_ABORTED" not in (r.failure or "") and bad_requests.append(f"{username}: failed {r.url}"),
    )
    sign_in(page, username)
    links = {}
    paths = [resolve(page, target, links) for target in PAGES[username]]
    for path in paths:
        page.set_viewport_size({"width": widths[0][0], "height": widths[0][1]})
        page.goto(path)
        settle(page)
        for index, (width, height) in enumerate(widths):
            if index:
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(120)
            where = f"{username} {locale} {width}px {path}"
            for problem in page.evaluate(FIT):
                failures.append(f"{where}: {problem}")
            # The bar's entries: the tools at its end (the inbox's bell) are not among them.
            top = page.locator("#main-nav > ul.main-nav-items > li").count()
            if top > TOP_LEVEL_LIMIT:
                failures.append(f"{where}: {top} entries in the navigation bar")
            if index == 0:
                snap(page, f"fit-{username}-{locale}-{width}-{re.sub(r'[^a-z0-9]+', '-', path).strip('-') or 'home'}")
    language = page.locator("html").get_attribute("lang")
    # Nothing may keep polling with this session: signing in again elsewhere may end it.
    page.close()
    return language


def test_every_main_page_fits_every_screen_for_every_role(new_page, demo):
    failures, bad_requests = [], []
    for username in PAGES:
        assert sweep(new_page, username, "zh-CN", WIDTHS, failures, bad_requests) == "zh-hans"
        assert sweep(new_page, username, "en-US", ENGLISH_WIDTHS, failures, bad_requests) == "en"
    problems = bad_requests + failures
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:100])


def test_the_wall_screen_is_exactly_1920_by_1080_at_every_level(new_page, demo):
    page = new_page(viewport={"width": 1920, "height": 1080})
    bad = []
    page.on("response", lambda r: r.status >= 400 and bad.append(f"{r.status} {r.url}"))
    sign_in(page, "zhihui")
    page.goto("/dashboard/")
    levels = []
    for level in ("district", "street", "community", "grid"):
        settle(page)
        region = page.get_attribute("#dash-map", "data-region")
        levels.append(region)
        where = f"wall screen at the {level} ({region})"
        size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert size == [1920, 1080], f"{where}: the page is {size[0]}×{size[1]}"
        assert not page.evaluate(PANEL_OVERLAPS), f"{where}: {page.evaluate(PANEL_OVERLAPS)}"
        assert not page.evaluate(FIT), f"{where}: {page.evaluate(FIT)}"
        # The rankings name everybody they rank (up to ten), all in view; empty states read across.
        for ranking in ("rank-workers", "rank-departments"):
            shown = page.evaluate(RANKING, ranking)
            assert shown["shown"] == shown["total"] and shown["fits"], f"{where}: {ranking} {shown}"
        snap(page, f"wall-screen-{level}")
        if level != "grid":
            drill = page.locator("#rank-regions [data-drill]").first
            drill.click()
            page.wait_for_function(
                "code => document.querySelector('#dash-map').getAttribute('data-region') !== code", arg=region
            )
    assert len(set(levels)) == 4
    assert not bad, bad

    # On a phone the wall screen stacks its panels and never scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/dashboard/")
    settle(page)
    assert not page.evaluate(FIT)


def test_the_report_map_shows_grids_buildings_and_where_the_pin_is(new_page, login, district):
    """The resident's map, offline: grids and buildings with their names from our data, a pin whose
    images load (no 404 under any static storage), and the grid and community of the point."""
    from civicgrid.people.testing import make_building

    grid = district["S1C1G1"]
    make_building(grid, code="R1", name="幸福里3号楼")
    locator.invalidate()
    make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    page = new_page(viewport=PHONE)
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.context.grant_permissions(["geolocation"])
    # A step east of the building, inside the grid.
    page.context.set_geolocation({"latitude": grid.centroid_lat, "longitude": grid.centroid_lon + 0.0002})
    login(page, "13700001111")
    page.goto("/cases/report/")
    report_map = page.locator("#report-map")
    expect(report_map).to_have_attribute("data-layers", "ready")
    expect(report_map).to_have_attribute("data-grids", "2")
    expect(report_map).to_have_attribute("data-buildings", "1")
    expect(page.locator(".map-label-grid")).to_have_text([district["S1C1G1"].name, district["S1C1G2"].name])
    expect(page.locator(".map-label-building")).to_be_hidden()  # building names only up close

    page.locator("[data-locate]").click()
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#location-area")).to_have_text(f"所选位置：{grid.name}，{district['S1C1'].name}")
    expect(page.locator("#location-area")).to_have_attribute("data-grid", grid.code)
    expect(page.locator(".map-label-building")).to_have_text("幸福里3号楼")  # zoomed in on the point
    expect(page.locator(".map-label-building")).to_be_visible()
    for image in (".leaflet-marker-icon", ".leaflet-marker-shadow"):
        src = page.locator(f"#report-map {image}").get_attribute("src")
        assert src.startswith("/static/vendor/leaflet/images/marker-"), src
        assert page.locator(f"#report-map {image}").evaluate("img => img.complete && img.naturalWidth > 0")
    snap(page, "report-map-layers")

    # A point out of the community (zoomed out, a tap far from it): the page says so before sending.
    for _ in range(4):
        page.locator("#report-map .leaflet-control-zoom-out").click()
        page.wait_for_timeout(300)
    # The middle of the map on screen, clear of the phone's fixed tab bar (resident pages).
    page.locator("#report-map").evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] - 12, box["y"] + 12)
    expect(page.locator("#location-area")).to_have_text("所选位置不在本社区的网格内，请确认位置。")
    assert not failed, failed


def test_a_case_page_on_a_phone_keeps_its_actions_in_the_first_screen(new_page, login, district):
    from civicgrid.cases import actions
    from civicgrid.cases.categories import load_categories
    from civicgrid.cases.models import Category

    locator.invalidate()
    load_categories()
    resident = make_user("居民张三", Role.RESIDENT, district["S1C1"], phone="13700001234")
    make_user("社区刘洋", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    node = district["S1C1G1M1"]
    case = actions.report_case(
        resident,
        category=Category.objects.get(code="S05001"),
        description="楼道里堆满了纸箱和旧家具，堵住了通道。" * 6,
        lon=node.centroid_lon,
        lat=node.centroid_lat,
    ).case
    page = new_page(viewport=PHONE)
    login(page, "13900002222")
    page.goto(f"/cases/staff/{case.number}/")
    bar = page.locator(".case-action-bar")
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] + 1, box  # on the first screen
    assert page.locator("#actions").bounding_box()["y"] > PHONE["height"]  # where the actions were
    first = bar.locator("[data-open-action]").first
    action = first.get_attribute("data-open-action")
    first.click()
    form = page.locator(f"#action-{action}")
    expect(form).to_have_attribute("open", "")
    expect(form.locator("button[type=submit]")).to_be_in_viewport()
    assert not page.evaluate(FIT)
    snap(page, "case-phone-action-bar")
