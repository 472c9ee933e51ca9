"""Periodic job: anonymise persons who moved out longer ago than PEOPLE_RETENTION_DAYS."""

from celery import shared_task


@shared_task
def anonymise_moved_out():
    from civicgrid.people.actions import anonymise_moved_out as job

    return job()
