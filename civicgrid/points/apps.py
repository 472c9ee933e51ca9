from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "civicgrid.points"
    label = "points"
    verbose_name = _("积分")

    def ready(self):
        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import navigation, tiles
        from civicgrid.points import earn, permissions

        roles.register(permissions.PERMISSIONS)
        earn.subscribe()
        # After activities (50): their check-ins have earned points by then.
        demo_registry.register(demo_registry.Seeder("points", "civicgrid.points.demo.seed_demo", order=80))
        tiles.register(
            tiles.Tile(
                "points",
                _("积分"),
                "points:mine",
                icon="layers",
                description=_("参与治理，积分兑换"),
                roles=frozenset({Role.RESIDENT}),
                order=130,
            )
        )
        navigation.register_menu(navigation.COMMUNITY_MENU)
        navigation.register(
            navigation.NavItem(
                _("积分超市"),
                "points:manage",
                frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF}),
                "layers",
                _("积分商户、商品、奖励审批与积分规则"),
                active_for=(
                    "points:manage",
                    "points:merchant*",
                    "points:item*",
                    "points:awards",
                    "points:award*",
                    "points:rules",
                    "points:account*",
                ),
                order=640,
                menu="community",
            ),
            navigation.NavItem(
                _("我的积分"),
                "points:mine",
                frozenset({Role.RESIDENT}),
                "layers",
                _("积分、积分超市、时间银行"),
                active_for=(
                    "points:mine",
                    "points:mall",
                    "points:item",
                    "points:redemptions",
                    "points:timebank",
                    "points:board",
                ),
                order=640,
                menu="community",
            ),
        )
