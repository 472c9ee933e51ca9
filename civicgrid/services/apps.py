from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "civicgrid.services"
    label = "services"
    verbose_name = _("便民服务")

    def ready(self):
        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import navigation, tiles
        from civicgrid.core.navigation import NavItem
        from civicgrid.services import permissions

        roles.register(permissions.PERMISSIONS)
        # After people (their enterprises and houses) and cases (the demo's resident accounts).
        demo_registry.register(demo_registry.Seeder("services", "civicgrid.services.demo.seed_demo", order=70))
        # The resident's home screen (the phone's first page): the services tile.
        tiles.register(
            tiles.Tile(
                "services",
                _("便民服务"),
                "services:home",
                icon="house",
                description=_("办事指南、周边商户、能工巧匠"),
                roles=frozenset({Role.RESIDENT}),
                order=60,
            )
        )
        # Staff: one "community services" menu, shared with the other community apps (identical entry).
        navigation.register_menu(navigation.COMMUNITY_MENU)
        # System admins hold these pages too, but their bar is full (seven entries with Django's admin
        # link, tests/e2e/test_layout_fit.py): they reach them from the services page (services:home).
        keepers = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})
        navigation.register(
            NavItem(
                _("能工巧匠管理"),
                "services:manage_craftsmen",
                keepers,
                "user",
                _("登记、核实和暂停能工巧匠"),
                active_for=("services:craftsman_add", "services:craftsman_edit"),
                order=610,
                menu="community",
            ),
            NavItem(
                _("服务订单"),
                "services:manage_orders",
                keepers,
                "layers",
                _("居民呼叫师傅的订单"),
                order=620,
                menu="community",
            ),
            NavItem(
                _("服务指南管理"),
                "services:manage_links",
                frozenset({Role.STREET_STAFF}),
                "info",
                _("公积金、社保、养老金等办事指南和链接"),
                active_for=("services:link_add", "services:link_edit"),
                order=630,
                menu="community",
            ),
        )
