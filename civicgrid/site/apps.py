from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "civicgrid.site"
    label = "civicgrid_site"
    verbose_name = "CivicGrid"

    def ready(self):
        from civicgrid.core import navigation

        navigation.register(
            navigation.NavItem(
                _("首页"), "site:home", None, "house", _("我的工作台"), active_for=("resident:*",), order=10
            )
        )
