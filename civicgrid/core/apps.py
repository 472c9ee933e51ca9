from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civicgrid.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self):
        from civicgrid.core import navigation

        navigation.register(navigation.NavItem(_("首页"), "core:home", None, "house", _("我的工作台"), order=10))
