"""The one Celery task behind every periodic job (civicgrid.core.jobs)."""

from celery import shared_task


@shared_task
def run_job(name):
    from civicgrid.core import jobs

    return jobs.run(name)


@shared_task(acks_late=True, ignore_result=True)
def run_call(path, args):
    """After-commit work handed over by civicgrid.core.background.after_commit."""
    from civicgrid.core import background

    background.call(path, *args)
