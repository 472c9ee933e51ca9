from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentConfig(AppConfig):
    """The resident's home screen on the phone (a face): the tiles the apps register, the tab bar, and
    the installable web app (manifest, service worker, offline page). No models; the case loop never
    imports it."""

    name = "civicgrid.resident"
    label = "resident"
    verbose_name = _("居民首页")

    def ready(self):
        from civicgrid.resident import wiring

        wiring.connect()
