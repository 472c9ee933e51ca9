"""After-commit work (civicgrid.core.background): in this process without a broker, on the broker
with one, and here again when the broker cannot be reached (nothing lost); only marked functions."""

import pytest

from civicgrid.core import background

CALLS = []


@background.task
def remember(value):
    CALLS.append(value)


def not_a_task(value):
    CALLS.append(("never", value))


@pytest.fixture(autouse=True)
def _fresh():
    CALLS.clear()


@pytest.fixture
def unreachable_broker(settings):
    """A broker URL nothing listens on (a closed loopback port): publishing fails at once."""
    from civicgrid.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "broker_connection_timeout")}
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:9/0", broker_connection_timeout=1)
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_without_a_broker_the_work_runs_here_after_the_commit(django_capture_on_commit_callbacks):
    assert not background.broker_configured()
    with django_capture_on_commit_callbacks() as callbacks:
        background.after_commit("civicgrid.core.tests.test_background.remember", 1)
        assert CALLS == []  # not before the commit
    for callback in callbacks:
        callback()
    assert CALLS == [1]


@pytest.mark.django_db
def test_work_left_to_the_scheduler_does_not_run_in_the_request(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        background.after_commit("civicgrid.core.tests.test_background.remember", 2, in_process=False)
    assert CALLS == []


def test_only_marked_civicgrid_functions_may_be_called_by_name():
    for path in ("civicgrid.core.tests.test_background.not_a_task", "os.system", "builtins.print", 42):
        with pytest.raises(ValueError):
            background.call(path, "x")
    assert CALLS == []


def test_a_broker_that_cannot_be_reached_loses_nothing(unreachable_broker):
    assert background.broker_configured()
    assert background.dispatch("civicgrid.core.tests.test_background.remember", (3,)) == "done"
    assert CALLS == [3]
    assert background.dispatch("civicgrid.core.tests.test_background.remember", (4,), False) == "left to the scheduler"
    assert CALLS == [3]
