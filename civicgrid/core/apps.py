from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civicgrid.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self):
        from civicgrid.core import jobs

        # Long jobs (civicgrid.core.longjobs): fail those whose process died, drop old ones and their files.
        jobs.register(jobs.Job("long_jobs_housekeeping", "civicgrid.core.longjobs.housekeeping", 600))
