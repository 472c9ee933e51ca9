from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "civicgrid.notices"
    label = "notices"
    verbose_name = _("通知公告")

    def ready(self):
        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import jobs, navigation, tiles
        from civicgrid.notices import permissions

        roles.register(permissions.PERMISSIONS)
        # Scheduled publishing: notices whose publish_at has come go live.
        jobs.register(
            jobs.Job("publish_due_notices", "civicgrid.notices.actions.publish_due", 60),
            # The inbox messages of newly published notices and the reminders (delivery.py).
            jobs.Job("deliver_notices", "civicgrid.notices.delivery.deliver_due", 60),
        )
        # After the people seeder (tags, persons) and the accounts.
        demo_registry.register(demo_registry.Seeder("notices", "civicgrid.notices.demo.seed_demo", order=65))
        # The community apps share one menu (activities, polls, services… add theirs to it).
        navigation.register_menu(navigation.COMMUNITY_MENU)
        # Not shown to system admins (who hold the permissions): with the admin site's link their bar
        # would pass the 7-entry limit; they open /notices/manage/ directly.
        navigation.register(
            navigation.NavItem(
                _("通知公告管理"),
                "notices:staff_list",
                frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR}),
                "info",
                _("撰写、审核、发布通知公告，查看阅读回执"),
                active_for=("notices:*",),
                order=610,
                menu="community",
            ),
            navigation.NavItem(
                _("我的通知"),
                "notices:mine",
                frozenset({Role.RESIDENT}),
                "info",
                _("社区和街道发给我的通知公告"),
                active_for=("notices:read",),
                order=620,
                menu="community",
            ),
        )
        # The resident's home screen: notices with the unread badge.
        tiles.register(
            tiles.Tile(
                "notices",
                _("通知公告"),
                "notices:mine",
                icon="megaphone",
                description=_("社区通知、新闻与政策解读"),
                badge="civicgrid.notices.selectors.unread_count",
                order=30,
            )
        )
