"""Rate limits: each API key its own (ApiKey.rate_per_minute); people by settings
(API_USER_RATE, API_ANON_RATE).

Counted in civicgrid.ratelimit.store, shared by every worker process (Redis in a district, the
database in the embedded default), with one atomic increment per request: a key limited to 5 a
minute gets 5 however many gunicorn workers answer it. A window opens at the first request and
lasts the rate's period."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from civicgrid.api.models import ApiKey
from civicgrid.ratelimit import store


class CivicGridThrottle(SimpleRateThrottle):
    scope = "user"

    def __init__(self):
        # The rate is decided per request (it depends on who calls).
        self.last_hit = None

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return f"throttle_apikey_{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"throttle_user_{request.user.pk}"
        return f"throttle_anon_{self.get_ident(request)}"

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiKey):
            self.rate = f"{request.auth.rate_per_minute}/min" if request.auth.rate_per_minute else None
        else:
            scope = "user" if request.user and request.user.is_authenticated else "anon"
            self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.last_hit = store.hit(self.get_cache_key(request, view), self.num_requests, self.duration)
        return self.last_hit.allowed

    def wait(self):
        """Seconds until the window closes (for Retry-After)."""
        return self.last_hit.retry_after if self.last_hit is not None else None
