"""The app's settings, each with its default (override in settings.py; docs/configuration.md)."""

from django.conf import settings

DEFAULTS = {
    # Every notice waits for a second staff member's approval before it is published.
    "NOTICES_APPROVAL_REQUIRED": False,
    # …or only notices of these region codes' subtrees (e.g. ["330106001"]: one street).
    "NOTICES_APPROVAL_REGIONS": [],
    # A published notice whose audience has at most this many accounts also reaches their inbox
    # (core.events.MessageSent: the inbox, the channels, the daily digest); a larger audience reads
    # it through "my notices" and the home screen's unread badge only.
    "NOTICES_INBOX_MAX": 2000,
    # The body's length in characters, and the files of one notice (checked as case uploads).
    "NOTICES_BODY_MAX": 20000,
    "NOTICES_MAX_PHOTOS": 9,
    "NOTICES_MAX_MEDIA": 2,
    # A reminder to the unread at most once in this many minutes per notice.
    "NOTICES_REMIND_MINUTES": 60,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def approval_required(region_code):
    if get("NOTICES_APPROVAL_REQUIRED"):
        return True
    return any(region_code.startswith(str(code)) for code in get("NOTICES_APPROVAL_REGIONS") or ())
