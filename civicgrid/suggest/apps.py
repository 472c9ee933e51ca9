from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestConfig(AppConfig):
    name = "civicgrid.suggest"
    label = "suggest"
    verbose_name = _("智能分拨")

    def ready(self):
        from civicgrid.suggest import wiring

        wiring.connect()  # urgency, moderation, feedback records, routing hint, accuracy page
