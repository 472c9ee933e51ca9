"""The embedded default's periodic-job runner (a district without a broker has no Celery beat).

A simple loop: each job runs when its interval has passed, then the loop sleeps until the next one
is due. SIGTERM or SIGINT stops it cleanly between jobs. `--once` runs every job once and exits.
"""

import signal
import threading
import time

from django.core.management.base import BaseCommand

from civicgrid.core import jobs


def schedule():
    """(name, job, interval in seconds) of every registered periodic job (the same as Celery beat's)."""
    return [(job.name, job.run, job.interval) for job in jobs.schedule()]


class Command(BaseCommand):
    help = "Run the periodic jobs (reminders, digests, webhooks, warnings, retention) at their intervals until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args, once=False, **options):
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
        jobs_due = {name: 0.0 for name, _job, _interval in schedule()}
        while not stop.is_set():
            for name, job, interval in schedule():
                if stop.is_set() or time.monotonic() < jobs_due[name]:
                    continue
                try:
                    result = job()
                    self.stdout.write(f"{name}: {result}")
                except Exception as exc:  # one failing run must not stop the scheduler
                    self.stderr.write(f"{name} failed: {exc!r}")
                jobs_due[name] = time.monotonic() + interval
            if once:
                break
            stop.wait(max(1.0, min(jobs_due.values()) - time.monotonic()))
        self.stdout.write("scheduler stopped")
