"""Periodic jobs: one registry for the in-process scheduler (`manage.py run_scheduler`, the
embedded default) and for Celery beat (a district with a broker), so both run the same jobs.

An app registers its jobs in `AppConfig.ready()`:

    jobs.register(jobs.Job("deliver_webhooks", "civicgrid.api.webhooks.deliver_due", "API_WEBHOOK_INTERVAL"))

`every` is a number of seconds or the name of a setting that holds it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from civicgrid.core.registry import Registry

REGISTRY = Registry("periodic job")
CELERY_TASK = "civicgrid.core.tasks.run_job"


@dataclass(frozen=True)
class Job:
    name: str
    function: str  # dotted path of a function taking no arguments; its return value is logged
    every: int | str  # seconds, or the name of a setting holding seconds
    order: int = 100

    @property
    def interval(self):
        return int(getattr(settings, self.every) if isinstance(self.every, str) else self.every)

    def run(self):
        return import_string(self.function)()


def register(*jobs):
    return REGISTRY.register(*jobs)


def schedule():
    """Every registered job, in order."""
    return list(REGISTRY)


def run(name):
    return REGISTRY[name].run()


def beat_schedule():
    """CELERY_BEAT_SCHEDULE: one entry per job, each running the generic task with the job's name."""
    return {job.name: {"task": CELERY_TASK, "schedule": job.interval, "args": (job.name,)} for job in REGISTRY}
