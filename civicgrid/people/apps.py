from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "civicgrid.people"
    label = "people"
    verbose_name = _("人口房屋")

    def ready(self):
        # Settings checks only; no signals: writes go through actions.py.
        from civicgrid.people import checks  # noqa: F401
