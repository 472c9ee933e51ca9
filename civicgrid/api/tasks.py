"""Celery tasks (a district with a broker); the embedded default runs the same jobs from
`manage.py run_scheduler`."""

from celery import shared_task


@shared_task
def deliver_webhooks():
    from civicgrid.api.webhooks import deliver_due

    return deliver_due()


@shared_task
def purge_idempotency_records():
    from civicgrid.api.idempotency import purge_expired

    return purge_expired()
