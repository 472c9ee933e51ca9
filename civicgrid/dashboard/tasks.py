"""Celery beat entries for the dashboard's periodic jobs (run_scheduler runs the same functions)."""

from celery import shared_task


@shared_task
def run_warning_rules():
    from civicgrid.dashboard.warnings import run_rules

    return run_rules()


@shared_task
def refresh_needs():
    from civicgrid.dashboard.needs import refresh_stale

    return refresh_stale()
