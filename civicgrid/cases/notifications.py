"""Notifications are scheduled by the actions with transaction.on_commit, so nobody is told about a
change that was rolled back. This is the hook the notification channels (in-app inbox, email,
SMS/WeChat webhooks, digests) will plug into; for now it logs.
"""

import logging
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction

logger = logging.getLogger("civicgrid.cases.notifications")


class Kind:
    NEW_CASE = "new_case"  # a case waits for intake in a unit's queue
    ASSIGNED = "assigned"  # dispatched, escalated or reopened to a handler
    RETURNED = "returned"  # a handler sent a case back to the dispatchers
    REWORK = "rework"  # verification failed
    AWAITING_VERIFICATION = "awaiting_verification"
    AWAITING_CLOSURE = "awaiting_closure"
    CLOSED = "closed"  # tells the reporter and followers, and asks them to rate it
    REJECTED = "rejected"
    SUPERVISED = "supervised"
    SUSPENDED = "suspended"
    APPROVAL_NEEDED = "approval_needed"
    DECIDED = "decided"  # an extension or void request was decided
    MERGED = "merged"


@dataclass(frozen=True)
class Notice:
    """Who should hear of what. Recipients are users, departments (their staff) or units, a unit
    being (role, region id): everyone holding that role on that region."""

    kind: str
    case_id: int
    event_id: int | None = None
    users: tuple[int, ...] = ()
    departments: tuple[int, ...] = ()
    units: tuple[tuple[str, int], ...] = field(default=())


def log_notice(notice):
    logger.info(
        "case %s: %s → users %s, departments %s, units %s",
        notice.case_id,
        notice.kind,
        list(notice.users),
        list(notice.departments),
        list(notice.units),
    )


_hooks = [log_notice]


def register(hook):
    """Add a delivery hook (a callable taking a Notice). Returns it, so it can decorate."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def unregister(hook):
    if hook in _hooks:
        _hooks.remove(hook)


def deliver(notice):
    for hook in list(_hooks):
        try:
            hook(notice)
        except Exception:
            # Runs after the commit: the case has changed whatever a channel does, so one broken
            # channel must neither hide the change from the user nor stop the other channels.
            logger.exception("notification hook %r failed for case %s", hook, notice.case_id)


def schedule(notice):
    transaction.on_commit(partial(deliver, notice))
