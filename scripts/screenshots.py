"""The screenshots of docs/users.md (docs/img/*.png), taken from the demo district.

    .venv/bin/python scripts/screenshots.py            # all of them
    .venv/bin/python scripts/screenshots.py --only resident-home --workdir /tmp/shots

A throwaway installation is set up in a temporary directory (its own SQLite database, attachments,
static files and secret key: nothing of var/ is touched): `manage.py migrate`, `seed_demo --scale
small` and `collectstatic`, then served by gunicorn (DEBUG off, static files through whitenoise) on a
free local port. Playwright's Chromium (Debian's /usr/bin/chromium, never a downloaded browser) signs
in through the login page as each demo user and captures their pages in Chinese. A PNG larger than
300 kB is saved again with a 256-colour palette.

With --workdir DIR the installation is kept in DIR and reused by the next run (no second seed).
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
OUT = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
MAX_BYTES = 300 * 1024

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
WALL = {"width": 1920, "height": 1080}


def demo_password():
    """DEMO_PASSWORD from civicgrid/accounts/demo.py (read, not imported: Django is not set up here)."""
    text = (ROOT / "civicgrid" / "accounts" / "demo.py").read_text(encoding="utf-8")
    return re.search(r'^DEMO_PASSWORD = "([^"]+)"', text, re.MULTILINE).group(1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="civicgrid.settings",
        CIVICGRID_VAR_DIR=str(workdir),
        DATABASE_URL=f"sqlite:///{workdir / 'shots.sqlite3'}",
        CASES_ATTACHMENT_ROOT=str(workdir / "attachments"),
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        JOBS_ROOT=str(workdir / "jobs"),
        DEBUG="0",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
    )
    return env


def manage(env, *args):
    print("manage.py", args[0], flush=True)
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


# The small demo has no open case in the demo grid worker's grid: the resident reports two problems
# there and the community staff accept them and dispatch them to the grid worker, through the same
# actions the pages use (so "我的任务" and the case page show real work).
STAGE = """
from civicgrid.accounts.models import RoleAssignment, User
from civicgrid.cases.actions.dispatch import accept_case, dispatch_case
from civicgrid.cases.actions.report import report_case
from civicgrid.cases.models import Category

resident, staff, worker = (User.objects.get(username=n) for n in ("jumin", "shequ", "wanggeyuan"))
grid = RoleAssignment.objects.filter(user=worker, role="grid_worker").first().region
for name, text, place in [
    ("路灯", "小区门口的路灯晚上不亮，已经好几天了，老人走路不方便。", "小区北门"),
    ("井盖", "人行道上的井盖松动，踩上去会晃，担心有人摔倒。", "人行道"),
]:
    category = Category.objects.filter(name__contains=name, parent__isnull=False).order_by("code").first()
    case = report_case(
        resident, category=category, description=text, lon=grid.centroid_lon, lat=grid.centroid_lat,
        address=grid.name + place,
    ).case
    case = accept_case(case, staff, version=case.version)
    case = dispatch_case(case, staff, version=case.version, level="grid", assignee=worker, note="请尽快到现场处置。")
    print("staged", case.number, "for", worker.username)
"""


def prepare(workdir, env):
    """Migrate, seed and collect static files, unless an earlier run left them in workdir."""
    if (workdir / "shots.sqlite3").exists() and (workdir / "static").exists():
        print(f"reusing {workdir}", flush=True)
        return
    manage(env, "migrate", "-v0")
    manage(env, "seed_demo", "--scale", "small", "--if-empty", "-v0")
    manage(env, "shell", "-v0", "-c", STAGE)
    manage(env, "collectstatic", "--noinput", "-v0")


def serve(env, port):
    server = subprocess.Popen(
        [str(GUNICORN), "civicgrid.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def shrink(path):
    """Re-save a large PNG with a 256-colour palette."""
    if path.stat().st_size <= MAX_BYTES:
        return
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)


class Shooter:
    def __init__(self, browser, base, password, only):
        self.browser, self.base, self.password, self.only = browser, base, password, only
        self.taken, self.failed = [], []

    def session(self, username, viewport):
        context = self.browser.new_context(
            viewport=viewport,
            device_scale_factor=1,
            locale="zh-CN",
            extra_http_headers={"Accept-Language": "zh-Hans,zh;q=0.9"},
            is_mobile=viewport is PHONE,
            has_touch=viewport is PHONE,
            reduced_motion="reduce",
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(self.base + "/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", self.password)
        page.click("form.login-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/accounts/login/" in page.url:
            raise RuntimeError(f"{username} could not sign in")
        return context, page

    def wanted(self, name):
        return not self.only or name in self.only

    def open(self, page, path):
        page.goto(self.base + path if path.startswith("/") else path)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(800)  # maps and charts finish drawing

    def link(self, page, pattern, exclude=()):
        """The first link on the page whose path matches pattern (a regex)."""
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            path = href.split("?")[0].split("#")[0]
            if re.fullmatch(pattern, path) and path not in exclude:
                return path
        raise RuntimeError(f"no link matching {pattern} on {page.url}")

    def shot(self, page, name, path=None, before=None):
        if not self.wanted(name):
            return
        try:
            if path:
                self.open(page, path)
            if before:
                before(page)
            if "/accounts/login/" in page.url:
                raise RuntimeError("landed on the login page")
            target = OUT / f"{name}.png"
            page.screenshot(path=str(target), full_page=False)
            shrink(target)
            self.taken.append(target)
            print(f"{name}.png  {target.stat().st_size // 1024} kB  {page.url}", flush=True)
        except Exception as error:  # one failed picture does not stop the others
            self.failed.append(f"{name}: {error}")
            print(f"FAILED {name}: {error}", flush=True)

    def role(self, username, viewport, shots):
        names = [name for name, *_ in shots]
        if not any(self.wanted(name) for name in names):
            return
        try:
            context, page = self.session(username, viewport)
        except Exception as error:
            self.failed.append(f"{username}: {error}")
            print(f"FAILED {username}: {error}", flush=True)
            return
        try:
            for name, path, *before in shots:
                if callable(path):
                    try:
                        path = path(page)
                    except Exception as error:
                        if self.wanted(name):
                            self.failed.append(f"{name}: {error}")
                            print(f"FAILED {name}: {error}", flush=True)
                        continue
                self.shot(page, name, path, *before)
        finally:
            context.close()


def scroll_to(selector, offset=80):
    def before(page):
        page.locator(selector).first.scroll_into_view_if_needed()
        page.evaluate(
            "([sel, off]) => window.scrollTo(0, document.querySelector(sel).getBoundingClientRect().top"
            " + window.scrollY - off)",
            [selector, offset],
        )
        page.wait_for_timeout(300)

    return before


def run(base, password, only):
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        shooter = Shooter(browser, base, password, only)
        try:
            _shots(shooter)
        finally:
            browser.close()
    return shooter


def _shots(s):
    def after(pattern, source, exclude=()):
        """A path found as the first matching link of the source page."""

        def find(page):
            s.open(page, source)
            return s.link(page, pattern, exclude)

        return find

    staff_pages = ("/cases/staff/queue/", "/cases/staff/hotline/", "/cases/staff/entry/")
    s.role(
        "jumin",
        PHONE,
        [
            ("resident-home", "/"),
            ("resident-report", "/cases/report/", scroll_to(".category-field")),
            ("resident-my-reports", "/cases/my/"),
            ("resident-report-page", after(r"/cases/my/[^/]+/", "/cases/my/")),
            ("resident-board", "/cases/board/"),
        ],
    )
    s.role(
        "wanggeyuan",
        PHONE,
        [
            ("grid-worker-tasks", "/cases/tasks/"),
            ("grid-worker-case", after(r"/cases/staff/[^/]+/", "/cases/tasks/", staff_pages)),
        ],
    )
    s.role(
        "jiedao",
        LAPTOP,
        [
            ("dispatcher-queue", "/cases/staff/queue/"),
            ("dispatcher-case", after(r"/cases/staff/[^/]+/", "/cases/staff/queue/", staff_pages)),
            ("dispatcher-statistics", "/cases/stats/"),
        ],
    )
    s.role(
        "shequ",
        LAPTOP,
        [
            ("community-people", "/people/"),
            (
                "community-house",
                lambda page: after(r"/people/houses/\d+/", after(r"/people/buildings/\d+/", "/people/")(page))(page),
            ),
        ],
    )
    s.role("bumen", LAPTOP, [("department-tasks", "/cases/tasks/")])
    s.role("zhihui", WALL, [("command-screen", "/dashboard/", lambda page: page.wait_for_timeout(2500))])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, help="keep the installation here and reuse it next time")
    parser.add_argument("--only", nargs="*", default=(), help="picture names (without .png)")
    args = parser.parse_args()

    workdir = args.workdir.resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="civicgrid-shots-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = environment(workdir)
    server = None
    try:
        prepare(workdir, env)
        port = free_port()
        server = serve(env, port)
        shooter = run(f"http://127.0.0.1:{port}", demo_password(), set(args.only))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    total = sum(path.stat().st_size for path in shooter.taken)
    print(f"{len(shooter.taken)} pictures, {total // 1024} kB in {OUT.relative_to(ROOT)}")
    if shooter.failed:
        print("failed:\n  " + "\n  ".join(shooter.failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
