from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "civicgrid.party"
    label = "party"
    verbose_name = _("智慧党建")

    def ready(self):
        from civicgrid.party import wiring

        wiring.register()
