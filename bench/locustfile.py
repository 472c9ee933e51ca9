"""The load test's people (locust): residents reporting with a photo and following their cases,
grid workers taking and closing tasks, community dispatchers working their queues, and big
screens refreshing — each logged in through the login form, as on a phone or a PC.

The users are locust's FastHttpUser (geventhttpclient): the generator shares the server's two
cores, so it must cost as little CPU per request as it can; bench/load.py reports its share.

Run by bench/load.py, which writes the plan (accounts, places, the photo) to the JSON file named by
LOAD_PLAN. Request names (the `name=` of each call) are the request types the results report.
A 302 from a workflow action whose case another user changed first is the product working (it
says "the case changed, reload"), not a failure; anything else unexpected is marked failed.
"""

import itertools
import json
import os
import random
import re
import threading
import uuid
from pathlib import Path

from locust import between, constant, constant_pacing, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
PHOTO = Path(PLAN["photo"]).read_bytes()
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_INPUT = re.compile(r'name="submission_key" value="([^"]+)"')
QUEUE_ROW = re.compile(r'data-number="([0-9A-Z-]+)"')
TASK_CARD = re.compile(r'data-task="([0-9A-Z-]+)"')
MY_CASE = re.compile(r'href="/cases/my/([0-9A-Z-]+)/"')
DESCRIPTIONS = [
    "楼道里堆满了纸箱和旧家具，堵住了通道，请尽快处理。",
    "小区东门路灯不亮已经三天了，晚上很黑。",
    "雨水井盖松动，车辆经过响声很大，有安全隐患。",
    "路边有人占道经营，早高峰时行人只能走机动车道。",
    "垃圾桶满了没有清运，气味很大。",
]

_counters = {}
_counter_lock = threading.Lock()


def _next(pool):
    """Hand the accounts of `pool` out in turn, so concurrent users mostly act as different people."""
    with _counter_lock:
        counter = _counters.setdefault(pool, itertools.count())
        return PLAN[pool][next(counter) % len(PLAN[pool])]


class Person(FastHttpUser):
    abstract = True
    pool = ""

    def on_start(self):
        self.account = _next(self.pool)
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF_INPUT.search(page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            {"username": self.account["username"], "password": PLAN["password"], "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.account['username']} answered {response.status_code}")

    def csrf(self):
        return next((cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken"), "")

    def act(self, number, action, name, **fields):
        """POST one workflow action on the version the case has now."""
        state = self.client.get(f"/cases/staff/{number}/version/", name="case version").json()
        with self.client.post(
            f"/cases/staff/{number}/act/{action}/",
            {"version": state["version"], "csrfmiddlewaretoken": self.csrf(), **fields},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{action} on {number} answered {response.status_code}")
        return state


class Resident(Person):
    """A resident on a phone: reports now and then with a photo; looks at their cases more often."""

    weight = 10
    pool = "residents"
    wait_time = between(2, 6)

    @task(1)
    def report_with_photo(self):
        form = self.client.get("/cases/report/", name="resident: report form")
        key = SUBMISSION_INPUT.search(form.text).group(1)
        lon, lat = random.choice(self.account["points"])
        with self.client.post(
            "/cases/report/",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "submission_key": key,
                "category": random.choice(PLAN["categories"]),
                "description": random.choice(DESCRIPTIONS),
                "lon": f"{lon:.6f}",
                "lat": f"{lat:.6f}",
                "address": "幸福小区3号楼东侧",
            },
            files={"photos": (f"{uuid.uuid4().hex}.jpg", PHOTO, "image/jpeg")},
            name="resident: report with photo",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/cases/my/" not in response.headers.get("Location", ""):
                response.failure(f"report answered {response.status_code}")
                return
        self.client.get(response.headers["Location"], name="resident: my case")

    @task(3)
    def follow_my_cases(self):
        listing = self.client.get("/cases/my/", name="resident: my reports")
        numbers = MY_CASE.findall(listing.text)
        if numbers:
            self.client.get(f"/cases/my/{random.choice(numbers[:10])}/", name="resident: my case")


class GridWorker(Person):
    """A grid worker on a phone: opens the task list, signs for new tasks and reports them done."""

    weight = 3
    pool = "grid_workers"
    wait_time = between(2, 6)

    @task
    def work_tasks(self):
        page = self.client.get("/cases/tasks/", name="grid worker: tasks")
        numbers = TASK_CARD.findall(page.text)
        if not numbers:
            return
        number = random.choice(numbers[:5])
        self.client.get(f"/cases/staff/{number}/", name="grid worker: case page")
        state = self.client.get(f"/cases/staff/{number}/version/", name="case version").json()
        if state["status"] == "dispatched":
            self.act(number, "sign", "grid worker: sign")
        elif state["status"] == "handling":
            self.act(number, "feedback", "grid worker: feedback", text="已现场处置完毕，恢复正常。")


class Dispatcher(Person):
    """A community's dispatcher on a PC: accepts and dispatches new reports, verifies and closes
    handled ones, and looks through the queue."""

    weight = 2
    pool = "dispatchers"
    wait_time = between(2, 6)

    @task(2)
    def accept_and_dispatch(self):
        page = self.client.get("/cases/staff/queue/?status=reported", name="dispatcher: queue")
        numbers = QUEUE_ROW.findall(page.text)
        if numbers:
            number = random.choice(numbers[:5])
            self.client.get(f"/cases/staff/{number}/", name="dispatcher: case page")
            self.act(number, "accept", "dispatcher: accept")
            self.act(number, "dispatch", "dispatcher: dispatch", level="grid")

    @task(1)
    def verify_and_close(self):
        page = self.client.get("/cases/staff/queue/?status=handled", name="dispatcher: queue")
        numbers = QUEUE_ROW.findall(page.text)
        if numbers:
            number = random.choice(numbers[:5])
            self.act(number, "verify_pass", "dispatcher: verify")
            self.act(number, "close", "dispatcher: close")

    @task(2)
    def browse_queue(self):
        light = random.choice(["", "?light=red", "?light=yellow", "?page=2"])
        self.client.get(f"/cases/staff/queue/{light}", name="dispatcher: queue")


class BigScreen(Person):
    """A command-centre screen: refreshes its figures on a fixed beat."""

    weight = 1
    pool = "screens"
    wait_time = constant_pacing(PLAN.get("screen_refresh_seconds", 10))

    @task
    def refresh(self):
        for panel, path in PLAN["screen_paths"]:
            self.client.get(path, name=f"big screen: {panel}")


class PeakReporter(Resident):
    """Residents reporting back to back (the peak test), no other traffic."""

    weight = 1  # run only when named on the command line (the mix names its four classes)
    wait_time = between(0, 0)
    tasks = [Resident.report_with_photo]


class SignIn(Person):
    """A resident signing in and nothing else (the login test: many people opening the app within a
    minute); the login is on_start's, reported as "login"."""

    weight = 1  # run only when named on the command line
    pool = "residents"
    wait_time = constant(3600)

    @task
    def stay(self):
        pass
