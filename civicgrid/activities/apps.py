from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "civicgrid.activities"
    label = "activities"
    verbose_name = _("社区活动")

    def ready(self):
        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.activities import permissions
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import jobs, navigation, tiles

        roles.register(permissions.PERMISSIONS)
        # Finished activities record their no-shows even when nobody pressed "finish".
        jobs.register(jobs.Job("finish_due_activities", "civicgrid.activities.actions.finish_due_activities", 3600))
        # After the cases seeder (order 40), which makes the demo's residents and staff.
        demo_registry.register(demo_registry.Seeder("activities", "civicgrid.activities.demo.seed_demo", order=50))
        tiles.register(
            tiles.Tile(
                "activities",
                _("社区活动"),
                "activities:list",
                icon="people",
                description=_("报名参加社区活动，现场扫码签到"),
                roles=frozenset({Role.RESIDENT}),
                order=40,
            )
        )
        navigation.register_menu(navigation.COMMUNITY_MENU)
        navigation.register(
            navigation.NavItem(
                _("社区活动"),
                "activities:manage",
                # Not the system admins': their bar is full (TOP_LEVEL_LIMIT); they open the page by URL.
                frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF}),
                "people",
                _("组织社区活动：发布、报名、现场签到、总结"),
                active_for=("activities:*",),
                order=20,
                menu="community",
            ),
            navigation.NavItem(
                _("社区活动"),
                "activities:list",
                frozenset({Role.RESIDENT}),
                "people",
                _("报名参加社区活动，现场扫码签到"),
                active_for=("activities:detail", "activities:mine", "activities:checkin"),
                order=40,
                menu="community",
            ),
        )
