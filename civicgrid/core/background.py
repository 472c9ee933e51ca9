"""After-commit work, on the Celery worker when a broker is configured, in this process when not.

An action's transaction writes everything that must not be lost (the case, its attachment rows, the
webhook outbox); what may come a moment later — a photo's thumbnail, the notifications, posting the
webhooks — is handed over once the transaction has committed:

    background.after_commit("civicgrid.cases.uploads.make_thumbnail", attachment.pk)

- With CELERY_BROKER_URL (a district): one message on the broker (`core.tasks.run_call`); the
  request returns at once and the worker does the work. If the broker cannot be reached, the call
  runs here instead (or, with `in_process=False`, is left to the periodic job that re-drives it),
  so a broker outage loses nothing.
- Without (the embedded default, `make run`): the call runs here, after the commit, in the request
  that committed (`in_process=False`: left to `manage.py run_scheduler`).

Only functions marked with `@background.task` may be called this way (a message names a function
by its dotted path; the worker refuses any other). Arguments are JSON values.
"""

import logging
from functools import partial

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger("civicgrid.background")

MARK = "_civicgrid_background_task"
PREFIX = "civicgrid."


def task(function):
    """Mark `function` as callable by dotted path from a background message."""
    setattr(function, MARK, True)
    return function


def broker_configured():
    """True when tasks go to a broker (a worker runs them), False when they run eagerly here."""
    from celery import current_app

    return not current_app.conf.task_always_eager


def resolve(path):
    if not isinstance(path, str) or not path.startswith(PREFIX):
        raise ValueError(f"not a background task: {path!r}")
    function = import_string(path)
    if not getattr(function, MARK, False):
        raise ValueError(f"not a background task: {path!r}")
    return function


def call(path, *args):
    """Run the marked function now, in this process (what the worker does with a message)."""
    return resolve(path)(*args)


def after_commit(path, *args, in_process=True):
    """Run `path(*args)` once the current transaction commits (at once outside a transaction)."""
    resolve(path)  # fail now, in the action, on a wrong name
    transaction.on_commit(partial(dispatch, path, args, in_process))


def dispatch(path, args, in_process=True):
    if broker_configured():
        from civicgrid.core.tasks import run_call

        try:
            run_call.apply_async((path, list(args)), retry=False)
            return "queued"
        except Exception:
            logger.exception("broker unreachable: %s runs %s", path, "here" if in_process else "later")
    if not in_process:
        return "left to the scheduler"
    try:
        call(path, *args)
        return "done"
    except Exception:
        # The change is committed; the work that follows it must not turn the answer into an error.
        logger.exception("background call %s%r failed", path, tuple(args))
        return "failed"
