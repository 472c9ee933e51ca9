from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    name = "civicgrid.property"
    label = "property"
    verbose_name = _("物业服务")
