from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    name = "civicgrid.property"
    label = "property"
    verbose_name = _("物业服务")

    def ready(self):
        from civicgrid.accounts import roles
        from civicgrid.accounts.models import Role
        from civicgrid.core import demo as demo_registry
        from civicgrid.core import jobs, navigation, panels, tiles
        from civicgrid.property import permissions

        roles.register(permissions.PERMISSIONS)
        # Repairs past their time limit at the company go to the community.
        jobs.register(jobs.Job("escalate_overdue_repairs", "civicgrid.property.actions.escalate_overdue_repairs", 600))
        # After the cases seeder (40): it makes the demo's residents, staff and categories.
        demo_registry.register(demo_registry.Seeder("property", "civicgrid.property.demo.seed_demo", order=55))
        panels.register(
            panels.Panel(
                "property.repairs",
                "compound",
                "property/panels/compound_repairs.html",
                "civicgrid.property.panels.compound_repairs",
                order=20,
            ),
            panels.Panel(
                "property.fees",
                "compound",
                "property/panels/compound_fees.html",
                "civicgrid.property.panels.compound_fees",
                order=30,
            ),
        )
        tiles.register(
            tiles.Tile(
                "property",
                _("物业服务"),
                "property:home",
                icon="grid",
                description=_("物业报修、缴费记录、红黑榜"),
                roles=frozenset({Role.RESIDENT}),
                order=45,
            )
        )
        navigation.register_menu(navigation.COMMUNITY_MENU)
        navigation.register(
            navigation.NavItem(
                _("物业服务"),
                "property:home",
                frozenset({Role.RESIDENT}),
                "grid",
                _("物业报修、缴费记录、红黑榜"),
                active_for=("property:repair_new", "property:repair", "property:survey", "property:board"),
                order=45,
                menu="community",
            ),
            # Property staff are a company's employees, not the government's: their own short bar.
            navigation.NavItem(
                _("报修任务"),
                "property:tasks",
                frozenset({Role.PROPERTY_STAFF}),
                "grid",
                _("本公司服务小区的报修：受理、处置、反馈"),
                active_for=("property:repair",),
                order=20,
            ),
            navigation.NavItem(
                _("物业收费"),
                "property:fees",
                frozenset({Role.PROPERTY_STAFF, Role.COMMUNITY_STAFF}),
                "layers",
                _("账单导入、缴费记录、各小区欠费"),
                order=47,
                menu="community",
            ),
            navigation.NavItem(
                _("物业考评"),
                "property:ratings",
                frozenset({Role.STREET_STAFF}),
                "eye",
                _("物业公司考评打分、发布红黑榜"),
                active_for=("property:rating", "property:board"),
                order=48,
                menu="community",
            ),
        )
