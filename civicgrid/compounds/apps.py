from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompoundsConfig(AppConfig):
    name = "civicgrid.compounds"
    label = "compounds"
    verbose_name = _("小区治理")

    def ready(self):
        from civicgrid.compounds import wiring

        wiring.connect()
