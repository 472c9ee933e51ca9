from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "civicgrid.scoring"
    label = "scoring"
    verbose_name = _("网格考核")
