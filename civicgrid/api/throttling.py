"""Rate limits: each API key its own (ApiKey.rate_per_minute); people by settings
(API_USER_RATE, API_ANON_RATE). Counters live in the cache (Redis in a district, so every worker
shares them; local memory in the embedded default)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from civicgrid.api.models import ApiKey


class CivicGridThrottle(SimpleRateThrottle):
    scope = "user"

    def __init__(self):
        # The rate is decided per request (it depends on who calls).
        pass

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
        return super().allow_request(request, view)
