from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "civicgrid.cases"
    label = "cases"
    verbose_name = _("案件办理")

    def ready(self):
        # Settings checks only (see checks.py); no signals: writes go through actions.py.
        from civicgrid.cases import checks  # noqa: F401
