from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RateLimitConfig(AppConfig):
    name = "civicgrid.ratelimit"
    label = "ratelimit"
    verbose_name = _("频率限制")

    def ready(self):
        from civicgrid.core import jobs
        from civicgrid.ratelimit import checks  # noqa: F401 - registers the system check

        # Closed windows of the database store are deleted off the request path.
        jobs.register(jobs.Job("purge_rate_counters", "civicgrid.ratelimit.store.purge_expired", 600))
