"""The registries the apps plug into (civicgrid.core.registry): navigation, periodic jobs, demo seeders."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from civicgrid.celery import app as celery_app
from civicgrid.core import demo, jobs, navigation
from civicgrid.core.registry import Registry
from civicgrid.site.management.commands.run_scheduler import schedule


def test_celery_beat_and_run_scheduler_run_the_same_registered_jobs():
    celery_app.finalize()
    beat = celery_app.conf.beat_schedule
    assert set(beat) == {name for name, _job, _interval in schedule()} == {job.name for job in jobs.schedule()}
    for name, _job, interval in schedule():
        assert beat[name] == {"task": "civicgrid.core.tasks.run_job", "schedule": interval, "args": (name,)}
        assert interval > 0
    assert {"raise_deadline_reminders", "deliver_webhooks", "run_warning_rules", "anonymise_moved_out"} <= set(beat)


def test_every_job_names_a_function_that_exists():
    for job in jobs.schedule():
        assert callable(import_string(job.function)), job.name


def test_the_celery_task_runs_a_registered_job_by_name(db):
    from civicgrid.core.tasks import run_job

    assert (
        run_job.delay("purge_idempotency_records").get() == import_string("civicgrid.api.idempotency.purge_expired")()
    )


def test_every_seeder_names_a_function_that_exists_and_no_demo_module_loads_at_start_up():
    import subprocess
    import sys

    for seeder in demo.seeders():
        function = import_string(seeder.function) if isinstance(seeder.function, str) else seeder.function
        assert callable(function), seeder.name
    # A fresh process (a web worker): set-up registers the seeders by name without importing them.
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, django; django.setup(); "
            "print(sorted(m for m in sys.modules if m.endswith('.demo') and m != 'civicgrid.core.demo'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip().splitlines()[-1] == "[]"


def test_demo_seeders_start_with_the_tree_and_every_app_has_one():
    names = [seeder.name for seeder in demo.seeders()]
    assert names[0] == "regions"
    assert {"accounts", "cases", "people", "api", "dashboard"} <= set(names)


def test_navigation_keeps_its_order_and_each_entry_resolves():
    items = navigation.items()
    assert items[0].url_name == "site:home" and items[-1].url_name == "admin:index"
    for item in items:
        assert item.url.startswith("/")


def test_a_name_registers_once():
    registry = Registry("thing")
    first = jobs.Job("x", "a.b", 1)
    registry.register(first)
    registry.register(first)  # the same entry again (a second ready()) is harmless
    with pytest.raises(ImproperlyConfigured):
        registry.register(jobs.Job("x", "c.d", 1))
