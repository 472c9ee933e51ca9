"""Browser tests: Playwright for Python (sync API) driving Debian's chromium against pytest-django's
live server.

Never run `playwright install`: the browser is the system's /usr/bin/chromium (CHROMIUM_PATH
overrides). Every page a test opens fails the test if it asks for anything outside the live server
(no CDN, no map tiles), raises a JavaScript error, breaks the Content-Security-Policy (every page
reports each `securitypolicyviolation` event to the test) or opens a dialog (alert, confirm, prompt:
a stored script payload that ran). Screenshots go to test-artifacts/ (git-ignored).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from civicgrid.accounts.models import Role
from civicgrid.testing import TEST_PASSWORD, build_tree, make_user

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Chrome reports every HTTP error status as a console error; the tests check statuses themselves.
HTTP_STATUS_CONSOLE_MESSAGE = "Failed to load resource: the server responded with a status of"
# What the browser logs for a request made while a test has switched the network off (the grid
# worker's offline tests): the test's own doing, not the page's fault.
OFFLINE_CONSOLE_MESSAGE = "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"
# Runs in every page before its own scripts: hands each CSP violation to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cgCspViolation([event.effectiveDirective, event.blockedURI, event.sourceFile + ":" + event.lineNumber,
                           event.sample].join(" | "));
}, true);
"""


@pytest.fixture(autouse=True)
def _committed_data(transactional_db):
    """The live server answers from another thread, so test data must be committed, not rolled back."""


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is not installed: run scripts/system-deps.sh (make test does)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies): new_page(viewport=PHONE, locale="en-US");
    service_workers="allow" lets the site's service worker run (blocked otherwise)."""
    contexts, problems = [], []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            problems.append(f"request outside the server: {route.request.url}")
            route.abort()

    def on_console(message):
        if message.type == "error" and not message.text.startswith(
            (HTTP_STATUS_CONSOLE_MESSAGE, OFFLINE_CONSOLE_MESSAGE)
        ):
            problems.append(f"console error: {message.text}")

    def _new_page(viewport=DESKTOP, locale="zh-CN", service_workers="block"):
        phone = viewport["width"] < 600
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale=locale,
            timezone_id="Asia/Shanghai",
            is_mobile=phone,
            has_touch=phone,
            # The residents' service worker (civicgrid.resident) is tested by test_resident_home.py;
            # elsewhere it stays out of the way of the responses a test checks: new_page(service_workers="allow").
            service_workers=service_workers,
        )
        context.route("**/*", guard)
        context.expose_function("__cgCspViolation", lambda text: problems.append(f"CSP violation: {text}"))
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        page.on("console", on_console)
        page.on("dialog", lambda dialog: (problems.append(f"dialog opened: {dialog.message}"), dialog.dismiss()))
        return page

    yield _new_page
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, identifier, password=TEST_PASSWORD, *, expect_success=True):
    """Sign in through the login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("手机号或用户名").fill(identifier)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    if expect_success:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    else:
        page.wait_for_load_state()


@pytest.fixture
def login():
    return log_in


def snap(page, name):
    """Keep a screenshot for people to look at (CI artefacts); returns its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def wait_for_map(page):
    """Wait until the map has drawn what it fetched; returns the drawn region codes."""
    page.wait_for_selector('#region-map[data-state="ready"]')
    return set(page.get_attribute("#region-map", "data-drawn-codes").split())


@pytest.fixture
def district():
    """A small district (2 streets × 2 communities × 2 grids × 2 micro-grids) and its people."""
    tree = build_tree()
    tree["worker"] = make_user("网格员王芳", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678")
    tree["neighbour"] = make_user("网格员赵磊", Role.GRID_WORKER, tree["S1C1G2"], phone="13812348765")
    tree["street_staff"] = make_user("街道李强", Role.STREET_STAFF, tree["S1"], phone="13900001111")
    return tree


def open_nav(page, label):
    """Follow a navigation entry by its label, as a person would: in the bar, or in its menu (opened first)."""
    link = page.locator("#main-nav a[data-nav]").filter(has_text=label).first
    if not link.is_visible():
        toggle = (
            page.locator("#main-nav .nav-menu")
            .filter(has=page.locator("a[data-nav]").filter(has_text=label))
            .locator(".dropdown-toggle")
        )
        page.wait_for_load_state("load")  # Bootstrap's dropdowns work once its script has run
        for _ in range(5):  # a click before the script ran opens nothing: try again, never close it
            if toggle.get_attribute("aria-expanded") != "true":
                toggle.click()
            try:
                link.wait_for(state="visible", timeout=3000)
                break
            except PlaywrightTimeoutError:
                continue
        if not link.is_visible():
            # A dropdown that would not open after five clicks (seen only on a loaded CI machine):
            # the entry is in the bar, so follow its link rather than fail on the menu's animation.
            page.goto(link.get_attribute("href"))
            return
    link.click()
