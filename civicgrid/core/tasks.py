"""The one Celery task behind every periodic job (civicgrid.core.jobs)."""

from celery import shared_task


@shared_task
def run_job(name):
    from civicgrid.core import jobs

    return jobs.run(name)
