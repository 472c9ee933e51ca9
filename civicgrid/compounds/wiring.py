"""What 小区治理 plugs in (called once from CompoundsConfig.ready()): its permissions, the case loop's
events it follows (to place cases in compounds), the resident's home tile, the entries in the
社区服务 menu and the demo seeder."""

from django.utils.translation import gettext_lazy as _


def connect():
    from civicgrid.accounts import roles
    from civicgrid.accounts.models import Role
    from civicgrid.cases.events import CaseEventRecorded
    from civicgrid.compounds import actions, permissions
    from civicgrid.core import demo as demo_registry
    from civicgrid.core import events, navigation, tiles

    roles.register(permissions.PERMISSIONS)
    # After the case's commit: the case loop's reports keep their query budget (cases' intake tests),
    # and a failure here never undoes a case. backfill() places whatever was missed.
    events.subscribe(CaseEventRecorded, actions.on_case_event, phase=events.ON_COMMIT)
    # After consult (60): the demo's renovation project opens a consult poll.
    demo_registry.register(demo_registry.Seeder("compounds", "civicgrid.compounds.demo.seed_demo", order=65))
    resident = frozenset({Role.RESIDENT})
    staff = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR})
    tiles.register(
        tiles.Tile(
            "compound",
            _("我的小区"),
            "compounds:mine",
            icon="building",
            description=_("小区星级、五方协同、改造进度与资金公示"),
            roles=resident,
            order=55,
        )
    )
    navigation.register_menu(navigation.COMMUNITY_MENU)
    navigation.register(
        navigation.NavItem(
            _("我的小区"),
            "compounds:mine",
            resident,
            "building",
            _("小区星级、五方协同、改造进度与资金公示"),
            active_for=("compounds:mine", "compounds:fund"),
            order=55,
            menu="community",
        ),
        navigation.NavItem(
            _("小区治理"),
            "compounds:list",
            staff,
            "building",
            _("星级评定、一区一案整改、转化提星、老旧院落改造"),
            active_for=(
                "compounds:list",
                "compounds:detail",
                "compounds:project",
            ),
            order=60,
            menu="community",
        ),
    )
