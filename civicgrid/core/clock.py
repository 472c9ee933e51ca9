"""The actions' clock: the one place that says what time it is for a write.

Action functions ask `clock.now()` (always through the module, never `from … import now`), never
`timezone.now()` directly, so whoever needs time elsewhere moves it for every action at once: a test
of deadlines across a holiday (`monkeypatch.setattr(clock, "now", lambda: moment)`), or the demo
seeder playing five months of cases at their simulated times (`mock.patch.object(clock, "now", …)`).
In production it is simply the current time.
"""

from django.utils import timezone


def now():
    """The current time (aware, UTC), unless a test or the demo has moved it."""
    return timezone.now()
