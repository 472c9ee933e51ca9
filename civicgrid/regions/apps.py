from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "civicgrid.regions"
    label = "regions"
    verbose_name = _("区划与网格")

    def ready(self):
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import navigation
        from civicgrid.core.navigation import STAFF, Menu, NavItem

        navigation.register_menu(Menu("regions", _("辖区"), "diagram", order=60))
        navigation.register(
            NavItem(
                _("区划网格"),
                "regions:tree",
                STAFF,
                "diagram",
                _("浏览辖区的街道、社区、网格和微网格"),
                active_for=("regions:detail", "regions:children"),
                order=60,
                menu="regions",
            ),
            NavItem(
                _("网格地图"), "regions:map", STAFF, "map", _("在地图上查看辖区网格边界"), order=70, menu="regions"
            ),
        )
        demo_registry.register(demo_registry.Seeder("regions", "civicgrid.regions.demo.seed_demo", order=10))
