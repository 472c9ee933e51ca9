"""Reads of the security log for the person it is about."""

import re

from django.utils.translation import gettext as _

from civicgrid.accounts.models import SecurityEvent

RECENT_LOGINS = 50
LOGIN_KINDS = (
    SecurityEvent.Kind.LOGIN,
    SecurityEvent.Kind.LOGIN_FAILED,
    SecurityEvent.Kind.LOCKED_OUT,
    SecurityEvent.Kind.PASSWORD_CHANGED,
)


def recent_logins(user, limit=RECENT_LOGINS):
    """The user's own latest sign-ins, failures, lockouts and password changes, newest first.
    Only entries recorded against this account: never another user's."""
    if not getattr(user, "is_authenticated", False):
        return []
    events = list(SecurityEvent.objects.filter(user=user, kind__in=LOGIN_KINDS).order_by("-at", "-id")[:limit])
    for event in events:
        event.device = describe_user_agent(event.user_agent)
    return events


# (pattern, name): the first that matches names the browser, then the system. Order matters:
# Edge and the WeChat browser also say "Chrome", Chrome also says "Safari".
BROWSERS = (
    (re.compile(r"MicroMessenger", re.I), "微信"),
    (re.compile(r"DingTalk", re.I), "钉钉"),
    (re.compile(r"Edg(e|A|iOS)?/", re.I), "Edge"),
    (re.compile(r"Firefox/|FxiOS/", re.I), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/", re.I), "Chrome"),
    (re.compile(r"Safari/", re.I), "Safari"),
    (re.compile(r"python-requests|curl/|okhttp", re.I), "API"),
)
SYSTEMS = (
    (re.compile(r"HarmonyOS|OpenHarmony", re.I), "HarmonyOS"),
    (re.compile(r"Android", re.I), "Android"),
    (re.compile(r"iPhone|iPad|iOS", re.I), "iOS"),
    (re.compile(r"Windows", re.I), "Windows"),
    (re.compile(r"Mac OS X|Macintosh", re.I), "macOS"),
    (re.compile(r"Linux|X11", re.I), "Linux"),
)


def describe_user_agent(user_agent):
    """A short "browser · system" for a User-Agent header ("Chrome · Android"); the raw header when
    nothing is recognised, or "unknown" when there is none."""
    if not user_agent:
        return _("未知设备")
    browser = next((name for pattern, name in BROWSERS if pattern.search(user_agent)), "")
    system = next((name for pattern, name in SYSTEMS if pattern.search(user_agent)), "")
    summary = " · ".join(part for part in (browser, system) if part)
    return summary or user_agent[:60]
