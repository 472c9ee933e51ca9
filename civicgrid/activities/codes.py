"""Check-in codes: signed and expiring, never stored.

Two ways, both verified here:
- the venue code: the venue screen shows a URL holding a TimestampSigner token of the activity
  (a resident's phone opens it to check in) and a six-digit short code for typing;
- the personal code: a resident's page shows a token of their sign-up (and a six-digit short code)
  that staff scan or type on the activity's check-in page.

A token is `<id>:<timestamp>:<signature>` (django.core.signing); it is refused once older than
ACTIVITIES_CODE_SECONDS. A short code is an HMAC of the id and the current time window of that
length: valid in its window and the one before, so it lives between one and two windows.
"""

import time

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from civicgrid.activities import conf

VENUE = "civicgrid.activities.venue"
PERSONAL = "civicgrid.activities.personal"


class CodeError(Exception):
    """A code that cannot be accepted; `expired` tells an old code from a forged one."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "bad signature")
        self.expired = expired


def _period():
    return max(int(conf.get("ACTIVITIES_CODE_SECONDS")), 30)


def make_token(salt, object_id):
    return signing.TimestampSigner(salt=salt).sign(str(int(object_id)))


def read_token(salt, token):
    """The id a token signs; CodeError when it is forged, malformed or expired."""
    token = (token or "").strip()
    if len(token) > 200:
        raise CodeError()
    try:
        value = signing.TimestampSigner(salt=salt).unsign(token, max_age=_period())
    except signing.SignatureExpired:
        raise CodeError(expired=True) from None
    except signing.BadSignature:
        raise CodeError() from None
    if not value.isdigit():
        raise CodeError()
    return int(value)


def _short(salt, object_id, window):
    digest = salted_hmac(salt, f"{int(object_id)}:{window}").hexdigest()
    return f"{int(digest[:12], 16) % 1_000_000:06d}"


def make_short(salt, object_id, at=None):
    return _short(salt, object_id, int((at or time.time()) // _period()))


def short_matches(salt, object_id, code, at=None):
    """Whether a typed six-digit code is the object's code of this window or the one before."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return False
    window = int((at or time.time()) // _period())
    return any(constant_time_compare(_short(salt, object_id, w), code) for w in (window, window - 1))


def looks_short(code):
    code = (code or "").strip()
    return len(code) == 6 and code.isdigit()
