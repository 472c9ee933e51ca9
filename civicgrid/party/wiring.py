"""What party building registers with the base (called from PartyConfig.ready): its permissions,
its menu entry, demo seeder, jobs and the command screen's panel."""

from django.utils.translation import gettext_lazy as _


def register():
    from civicgrid.accounts import roles
    from civicgrid.accounts.models import Role
    from civicgrid.core import demo as demo_registry
    from civicgrid.core import jobs, navigation, panels
    from civicgrid.party import permissions

    roles.register(permissions.PERMISSIONS)
    # Open orders past their deadline are recorded as expired (they show as expired at once anyway).
    jobs.register(jobs.Job("party_expire_orders", "civicgrid.party.actions.orders.expire_overdue", 3600))
    # After volunteers (60) and points: the demo's staff, residents, base data and cases exist.
    demo_registry.register(demo_registry.Seeder("party", "civicgrid.party.demo.seed_demo", order=80))
    panels.register(
        panels.Panel("party.screen", "screen", "party/panels/screen.html", "civicgrid.party.panels.screen", order=10)
    )
    # Filed under 社区服务 (the community-life menu): the bar holds at most seven entries.
    navigation.register_menu(navigation.COMMUNITY_MENU)
    navigation.register(
        navigation.NavItem(
            _("党建"),
            "party:home",
            # Not in grid workers' and micro-grid members' bars, which are full (English, 1280 px);
            # /party/ stays open to them.
            frozenset(
                {
                    Role.RESIDENT,
                    Role.COMMUNITY_STAFF,
                    Role.STREET_STAFF,
                    Role.DEPARTMENT_STAFF,
                    Role.COMMAND_OPERATOR,
                    Role.SYSTEM_ADMIN,
                }
            ),
            "flag",
            _("党组织、五星评定、一支部一项目、学习测试与派单接单"),
            active_for=("party:*",),
            order=90,
            menu="community",
        ),
    )
