from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "civicgrid.people"
    label = "people"
    verbose_name = _("人口房屋")

    def ready(self):
        # Settings checks only; no signals: writes go through actions.py.
        from django.apps import apps

        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.core import changewords, jobs, navigation
        from civicgrid.core import demo as demo_registry
        from civicgrid.people import checks, demo, labels, permissions  # noqa: F401 - checks registers itself

        roles.register(permissions.PERMISSIONS)
        changewords.register_key(apps.get_model("people", "Person"), "tags", labels.TAGS_LABEL, labels.tag_words)

        navigation.register(
            navigation.NavItem(
                labels.NAV_LABEL,
                "people:index",
                frozenset(
                    {
                        Role.GRID_WORKER,
                        Role.MICROGRID_MEMBER,
                        Role.COMMUNITY_STAFF,
                        Role.STREET_STAFF,
                        Role.COMMAND_OPERATOR,
                        Role.SYSTEM_ADMIN,
                    }
                ),
                "building",
                labels.NAV_DESCRIPTION,
                active_for=("people:*",),
                order=130,
                # In the 辖区 menu beside the tree and the map: with the 网格工作 menu (gridwork) the
                # bar of grid workers and community/street staff would pass TOP_LEVEL_LIMIT.
                menu="regions",
            )
        )
        demo_registry.register(demo_registry.Seeder("people", demo.seed_demo, order=50))
        # A resident's self-registration is confirmed at once when base data knows their phone.
        from civicgrid.accounts.events import ResidentRegistered
        from civicgrid.core import events
        from civicgrid.people.residents import confirm_matching_registration

        events.subscribe(ResidentRegistered, confirm_matching_registration, phase=events.IN_TRANSACTION)
        # Persons who moved out longer ago than PEOPLE_RETENTION_DAYS.
        jobs.register(jobs.Job("anonymise_moved_out", "civicgrid.people.actions.anonymise_moved_out", 86400))
