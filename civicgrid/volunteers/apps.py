from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "civicgrid.volunteers"
    label = "volunteers"
    verbose_name = _("志愿服务")

    def ready(self):
        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import navigation, tiles
        from civicgrid.volunteers import permissions

        roles.register(permissions.PERMISSIONS)
        # After activities (50): the demo's residents, staff and base data exist.
        demo_registry.register(demo_registry.Seeder("volunteers", "civicgrid.volunteers.demo.seed_demo", order=60))
        residents = frozenset({Role.RESIDENT})
        # The home screen's slots "volunteering" and "micro_wishes" (civicgrid.resident.wiring).
        tiles.register(
            tiles.Tile(
                "volunteering",
                _("志愿服务"),
                "volunteers:home",
                icon="heart",
                description=_("志愿活动与服务时长"),
                roles=residents,
                order=110,
            ),
            tiles.Tile(
                "micro_wishes",
                _("微心愿"),
                "volunteers:wall",
                icon="gift",
                description=_("小心愿，大家圆"),
                roles=residents,
                order=120,
            ),
        )
        navigation.register_menu(navigation.COMMUNITY_MENU)
        navigation.register(
            navigation.NavItem(
                _("志愿服务"),
                "volunteers:manage",
                frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF}),
                "heart",
                _("审核志愿者，管理队伍、项目与班次，审核微心愿"),
                active_for=("volunteers:*",),
                order=30,
                menu="community",
            ),
            navigation.NavItem(
                _("志愿服务"),
                "volunteers:home",
                residents,
                "heart",
                _("注册志愿者，报名志愿服务"),
                active_for=("volunteers:home", "volunteers:register", "volunteers:shift"),
                order=50,
                menu="community",
            ),
            navigation.NavItem(
                _("微心愿"),
                "volunteers:wall",
                residents,
                "gift",
                _("许下心愿，认领邻居的心愿"),
                active_for=("volunteers:wall", "volunteers:wish", "volunteers:wish_new"),
                order=55,
                menu="community",
            ),
        )
