from django.conf import settings
from django.core.checks import Error, register


@register()
def check_rate_limit_store(app_configs, **kwargs):
    store = settings.RATE_LIMIT_STORE
    if store not in {"redis", "database"}:
        return [Error(f"RATE_LIMIT_STORE must be 'redis' or 'database', not {store!r}", id="ratelimit.E001")]
    if store == "redis" and "django_redis" not in settings.CACHES["default"]["BACKEND"]:
        return [Error("RATE_LIMIT_STORE = 'redis' needs REDIS_URL (the default cache on Redis)", id="ratelimit.E002")]
    return []
