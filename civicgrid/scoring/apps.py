from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "civicgrid.scoring"
    label = "scoring"
    verbose_name = _("网格考核")

    def ready(self):
        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import navigation
        from civicgrid.scoring import listeners, permissions

        roles.register(permissions.PERMISSIONS)
        listeners.subscribe_all()
        # After the cases (40) and grid work seeders: scores are built from what they made.
        demo_registry.register(demo_registry.Seeder("scoring", "civicgrid.scoring.demo.seed_demo", order=80))
        navigation.register_menu(navigation.GRIDWORK_MENU)
        navigation.register(
            navigation.NavItem(
                _("我的考核"),
                "scoring:mine",
                frozenset({Role.GRID_WORKER}),
                "layers",
                _("本月得分、得分明细和街道排名"),
                active_for=("scoring:mine",),
                order=80,
                menu=navigation.GRIDWORK_MENU.key,
            ),
            navigation.NavItem(
                _("考核排名"),
                "scoring:ranking",
                # Not the system admins': their bar is full (TOP_LEVEL_LIMIT); they open the page by URL.
                frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR}),
                "layers",
                _("网格员、网格、社区、街道月度考核排名，金牌网格员和工作量"),
                active_for=(
                    "scoring:ranking",
                    "scoring:gold",
                    "scoring:workload",
                    "scoring:worker",
                    "scoring:rules",
                    "scoring:departments",
                    "scoring:department",
                ),
                order=80,
                menu=navigation.GRIDWORK_MENU.key,
            ),
            navigation.NavItem(
                _("部门积分"),
                "scoring:departments",
                frozenset({Role.DEPARTMENT_STAFF}),
                "layers",
                _("下沉部门积分排名：按时签收、按时处置、居民评价"),
                active_for=("scoring:departments", "scoring:department"),
                order=85,
                menu=navigation.GRIDWORK_MENU.key,
            ),
        )
