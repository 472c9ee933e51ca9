"""Crash safety under load (run by bench/load.py as its last phase): residents keep reporting —
each report with its form's submission key, retried with the same key until the server answers —
while the load mix runs, one gunicorn worker is killed with SIGKILL and PostgreSQL is restarted.
Afterwards every acknowledged report must be in the database exactly once, and the server must
serve again without anybody touching it.
"""

import os
import re
import signal
import subprocess
import threading
import time
import uuid

from bench.httpclient import Browser, multipart

LOCATION = re.compile(r"/cases/my/([0-9A-Z-]+)/")


def restart_postgresql():
    """Restart the machine's PostgreSQL cluster (Debian's pg_ctlcluster); returns the seconds it took."""
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout.split()
    version, name = clusters[0], clusters[1]
    started = time.monotonic()
    subprocess.run(["pg_ctlcluster", version, name, "restart"], check=True)
    return time.monotonic() - started


class Reporter(threading.Thread):
    """One resident's phone: files reports one after another until told to stop; a report whose
    answer did not arrive is sent again, with the same key, until it is acknowledged."""

    def __init__(self, port, username, password, plan, stop_at, give_up_at):
        super().__init__(daemon=True)
        self.port, self.username, self.password, self.plan = port, username, password, plan
        self.stop_at, self.give_up_at = stop_at, give_up_at
        self.sent, self.acknowledged, self.failures, self.unanswered = [], {}, 0, []
        self.browser = None

    def connect(self):
        self.browser = Browser(self.port)
        self.browser.log_in(self.username, self.password)

    def send(self, key):
        body, content_type = multipart(
            {
                "csrfmiddlewaretoken": self.browser.cookies["csrftoken"],
                "submission_key": key,
                "category": self.plan["categories"][len(self.sent) % len(self.plan["categories"])],
                "description": "井盖松动，车辆经过响声很大，有安全隐患。",
                "lon": f"{self.plan['point'][0]:.6f}",
                "lat": f"{self.plan['point'][1]:.6f}",
                "address": "幸福小区南门",
            },
            [("photos", "photo.jpg", "image/jpeg", self.plan["photo"])],
        )
        status, headers, _content = self.browser.request(
            "POST",
            "/cases/report/",
            body,
            {"Content-Type": content_type, "Referer": f"http://127.0.0.1:{self.port}/cases/report/"},
        )
        match = LOCATION.search(headers.get("Location") or "")
        return match.group(1) if status == 302 and match else None

    def run(self):
        while time.monotonic() < self.stop_at:
            key = uuid.uuid4().hex
            self.sent.append(key)
            while True:
                try:
                    if self.browser is None:
                        self.connect()
                    number = self.send(key)
                except Exception:  # a dropped connection, a refused one, a database that is down
                    number, self.browser = None, None
                if number:
                    self.acknowledged[key] = number
                    break
                self.failures += 1
                if time.monotonic() > self.give_up_at:
                    self.unanswered.append(key)
                    break
                time.sleep(0.5)


def run(port, server_pid, worker_pids, residents, password, plan, seconds):
    """Run the crash test against the server on `port`; returns the counts."""
    stop_at = time.monotonic() + seconds
    reporters = [Reporter(port, username, password, plan, stop_at, stop_at + 120) for username in residents]
    for reporter in reporters:
        reporter.start()
    time.sleep(seconds * 0.3)
    victim = worker_pids(server_pid)[0]
    os.kill(victim, signal.SIGKILL)
    time.sleep(seconds * 0.3)
    restart_seconds = restart_postgresql()
    for reporter in reporters:
        reporter.join()
    # Recovery: a new phone, logged in afresh, files a report at once.
    recovered_at = time.monotonic()
    fresh = Reporter(port, residents[0], password, plan, 0, time.monotonic() + 30)
    fresh.connect()
    recovered = fresh.send(uuid.uuid4().hex) is not None
    return {
        "reporters": reporters,
        "killed worker": victim,
        "postgres restart seconds": restart_seconds,
        "recovered": recovered,
        "recovery check seconds": time.monotonic() - recovered_at,
    }


def count(outcome):
    """Compare what the phones were told with what the database holds."""
    from django.db.models import Count

    from civicgrid.cases.models import Case

    reporters = outcome["reporters"]
    sent = [key for r in reporters for key in r.sent]
    acknowledged = {key: number for r in reporters for key, number in r.acknowledged.items()}
    stored = dict(
        Case.objects.filter(submission_key__in=sent)
        .values_list("submission_key")
        .annotate(n=Count("pk"))
        .values_list("submission_key", "n")
    )
    numbers = dict(Case.objects.filter(submission_key__in=sent).values_list("submission_key", "number"))
    lost = [key for key in acknowledged if key not in stored]
    wrong = [key for key, number in acknowledged.items() if key in numbers and numbers[key] != number]
    return {
        "sent": len(sent),
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "duplicated": sum(1 for n in stored.values() if n > 1),
        "lost": len(lost),
        "answered with another case's number": len(wrong),
        "retries": sum(r.failures for r in reporters),
        "never acknowledged": sum(len(r.unanswered) for r in reporters),
    }
