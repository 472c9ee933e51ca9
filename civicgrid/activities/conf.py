"""The app's settings, each with its default (override in settings.py; docs/configuration.md)."""

from django.conf import settings

DEFAULTS = {
    # How long a code shown on the venue screen or on a resident's phone stays valid, in seconds
    # (the screens show a fresh one well before: the venue screen every minute).
    "ACTIVITIES_CODE_SECONDS": 300,
    # Check-in opens this many minutes before the start and closes at the end.
    "ACTIVITIES_CHECKIN_OPENS_MINUTES": 120,
    # The periodic job finishes published activities this many hours after their end.
    "ACTIVITIES_FINISH_AFTER_HOURS": 2,
    # The longest description and summary, in characters; the most photos per activity.
    "ACTIVITIES_TEXT_MAX": 5000,
    "ACTIVITIES_MAX_CAPACITY": 10000,
    "ACTIVITIES_MAX_PHOTOS": 30,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])
