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


@shared_task(acks_late=True, ignore_result=True)
def run_long_job(job_id):
    """A long job (civicgrid.core.longjobs): an import or an export, with progress on its row."""
    from civicgrid.core import longjobs

    longjobs.run(job_id)
