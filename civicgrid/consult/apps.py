from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "civicgrid.consult"
    label = "consult"
    verbose_name = _("议事协商")

    def ready(self):
        from civicgrid.consult import wiring

        wiring.connect()
