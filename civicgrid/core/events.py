"""The event spine: actions publish typed domain events; apps subscribe without the publisher
knowing them (docs/architecture.md, docs/events.md).

An event is a frozen dataclass subclassing `DomainEvent`, declared in its app's `events.py`, with a
docstring saying what happened. An action publishes it once its rows are written, inside its
transaction:

    events.publish(CaseClosed(case_id=case.pk, ...))

Listeners subscribe in their `AppConfig.ready()`, to a class or to a base class (all its
subclasses), in one of two phases:

- IN_TRANSACTION: called at once, inside the publishing transaction, so what the listener writes
  commits or rolls back with the change (rollups, outbox rows, ledger entries). An exception here
  aborts the action.
- ON_COMMIT: called after the transaction commits (notifications, e-mail, webhooks' delivery), never
  for a change that was rolled back. An exception is logged and does not touch the change.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

from django.db import transaction

logger = logging.getLogger("civicgrid.events")

IN_TRANSACTION = "in_transaction"
ON_COMMIT = "on_commit"
PHASES = (IN_TRANSACTION, ON_COMMIT)

_listeners = {phase: {} for phase in PHASES}
_quiet = ContextVar("civicgrid_events_quiet", default=False)


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened, published by an action once it is written."""


@dataclass(frozen=True)
class MessageSent(DomainEvent):
    """An app tells named users something that is not a step of a case (a seat freed on an
    activity's waitlist, a reminder to read a notice, a craftsman's answer). The inbox (the
    notifications app) writes one row per active user named, after the commit, and sends it on each
    user's channels. Publish it inside the action's transaction: a rolled-back change tells nobody.
    `url` is a local path the message opens; `topic` names the sending app (e.g. "activities")."""

    user_ids: tuple
    title: str
    body: str = ""
    url: str = ""
    topic: str = ""


def subscribe(event_type, listener, *, phase=ON_COMMIT):
    """Call `listener(event)` for every published instance of `event_type` (or a subclass)."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}")
    if not (isinstance(event_type, type) and issubclass(event_type, DomainEvent)):
        raise TypeError(f"{event_type!r} is not a DomainEvent class")
    listeners = _listeners[phase].setdefault(event_type, [])
    if listener not in listeners:
        listeners.append(listener)
    return listener


def unsubscribe(event_type, listener, *, phase=ON_COMMIT):
    listeners = _listeners[phase].get(event_type, [])
    if listener in listeners:
        listeners.remove(listener)


def listeners_for(event_type, phase):
    """The listeners of `event_type` in `phase`, most general class first, each once."""
    found = []
    for cls in reversed(event_type.__mro__):
        for listener in _listeners[phase].get(cls, ()):
            if listener not in found:
                found.append(listener)
    return found


def publish(event):
    """Run the in-transaction listeners now and schedule the on-commit ones."""
    if not isinstance(event, DomainEvent):
        raise TypeError(f"{event!r} is not a DomainEvent")
    for listener in listeners_for(type(event), IN_TRANSACTION):
        listener(event)
    if _quiet.get():
        return event
    for listener in listeners_for(type(event), ON_COMMIT):
        transaction.on_commit(partial(_after_commit, listener, event))
    return event


@contextmanager
def quiet():
    """Publish without the after-commit listeners (a bulk load of history, such as the demo: the
    rollups and outbox stay right, nobody is notified of what happened long ago)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet():
    """True inside quiet(): an in-transaction listener that would hand work over to after the
    commit does what must be recorded now instead, and tells nobody."""
    return _quiet.get()


def _after_commit(listener, event):
    try:
        listener(event)
    except Exception:
        # The change is committed; one failing listener must not hide it or stop the others.
        logger.exception("listener %s failed for %s", getattr(listener, "__qualname__", listener), event)


def event_classes():
    """Every DomainEvent subclass declared in a loaded module, in name order."""
    found, todo = [], list(DomainEvent.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.append(cls)
            todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))
