from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "civicgrid.dashboard"
    label = "dashboard"
    verbose_name = _("指挥大屏")

    def ready(self):
        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.cases.events import CaseEventRecorded
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import events, jobs, navigation
        from civicgrid.dashboard import permissions, rollups

        roles.register(permissions.PERMISSIONS)

        # The rollups move with every case change, in the same transaction.
        events.subscribe(CaseEventRecorded, rollups.on_case_event, phase=events.IN_TRANSACTION)
        from civicgrid.dashboard.navigation import DASHBOARD_DESCRIPTION, DASHBOARD_LABEL

        navigation.register(
            navigation.NavItem(
                DASHBOARD_LABEL,
                "dashboard:screen",
                frozenset(
                    {
                        Role.GRID_WORKER,
                        Role.COMMUNITY_STAFF,
                        Role.STREET_STAFF,
                        Role.COMMAND_OPERATOR,
                        Role.SYSTEM_ADMIN,
                    }
                ),
                "grid",
                DASHBOARD_DESCRIPTION,
                order=140,
                menu="analysis",  # registered by cases, beside its statistics
            )
        )
        demo_registry.register(demo_registry.Seeder("dashboard", "civicgrid.dashboard.demo.seed_demo", order=70))
        jobs.register(
            jobs.Job("run_warning_rules", "civicgrid.dashboard.warnings.run_rules", "DASHBOARD_WARNING_INTERVAL"),
            jobs.Job("refresh_needs", "civicgrid.dashboard.needs.refresh_stale", 600),
        )
