"""What 议事协商 plugs in (called once from ConsultConfig.ready()): its permissions, the case loop's
events it follows (a decision filed as a case closes with it), the job closing polls whose time is
up, the resident's home tile, the staff's entries in the 社区服务 menu and the demo seeder."""

from django.utils.translation import gettext_lazy as _


def connect():
    from civicgrid.accounts import roles
    from civicgrid.accounts.models import Role
    from civicgrid.cases.events import CaseClosed, CaseReopened
    from civicgrid.consult import actions, permissions
    from civicgrid.core import demo as demo_registry
    from civicgrid.core import events, jobs, navigation, tiles

    roles.register(permissions.PERMISSIONS)
    events.subscribe(CaseClosed, actions.on_case_closed, phase=events.IN_TRANSACTION)
    events.subscribe(CaseReopened, actions.on_case_reopened, phase=events.IN_TRANSACTION)
    jobs.register(jobs.Job("close_due_polls", "civicgrid.consult.actions.close_due_polls", 300))
    demo_registry.register(demo_registry.Seeder("consult", "civicgrid.consult.demo.seed_demo", order=60))

    resident = frozenset({Role.RESIDENT})
    # System administrators hold the permissions (they reach the pages by URL) but get no entry: their
    # bar (with the admin site) is full, and communities, not administrators, run consultations.
    poll_staff = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR})
    meeting_staff = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR})
    tiles.register(
        tiles.Tile(
            "polls",
            _("议事协商"),
            "consult:polls",
            icon="people",
            description=_("参与社区投票、提出意见建议"),
            badge="civicgrid.consult.selectors.unvoted_count",
            roles=resident,
            order=50,
        )
    )
    navigation.register_menu(navigation.COMMUNITY_MENU)
    navigation.register(
        navigation.NavItem(
            _("议事协商"),
            "consult:polls",
            resident,
            "people",
            _("参与社区投票、提出意见建议"),
            active_for=("consult:poll", "consult:mine"),
            order=50,
            menu="community",
        ),
        navigation.NavItem(
            _("议事投票"),
            "consult:poll_list",
            poll_staff,
            "people",
            _("发起意见征集与投票，公布结果，答复意见"),
            active_for=("consult:poll_new", "consult:poll_manage", "consult:poll_edit"),
            order=50,
            menu="community",
        ),
        navigation.NavItem(
            _("圆桌会"),
            "consult:meetings",
            meeting_staff,
            "people",
            _("召集圆桌会，记录纪要与决定，跟踪落实"),
            active_for=("consult:meeting_new", "consult:meeting"),
            order=55,
            menu="community",
        ),
    )
