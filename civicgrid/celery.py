"""Celery application. Without CELERY_BROKER_URL tasks run eagerly in-process (the embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")

app = Celery("civicgrid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def use_registered_jobs(sender, **kwargs):
    """Celery beat runs the periodic jobs the apps registered (civicgrid.core.jobs), like run_scheduler."""
    from civicgrid.core import jobs

    sender.conf.beat_schedule = jobs.beat_schedule()
