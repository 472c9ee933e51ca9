"""What the resident app plugs into the registries: the tiles of the resident pages that already exist
(the case loop's report, my cases and neighbourhood board, the inbox — named by URL, never imported),
the slots a later app fills (volunteering, micro-wishes, points), and the demo seeder."""

from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.models import Role
from civicgrid.core import demo as demo_registry
from civicgrid.core import tiles

RESIDENTS = frozenset({Role.RESIDENT})

# The home screen shows these two apart (the big button and the card with the open count), the rest
# in the grid of tiles.
REPORT, MY_CASES = "report", "my_cases"
# The slots' names: the app that comes later registers `Tile(<name>, ...)` and takes the place.
VOLUNTEERING, MICRO_WISHES, POINTS = "volunteering", "micro_wishes", "points"


def connect():
    tiles.register(
        tiles.Tile(
            REPORT,
            _("我要上报"),
            "cases:report",
            icon="pin",
            description=_("拍照上报身边的问题"),
            roles=RESIDENTS,
            order=10,
        ),
        tiles.Tile(
            MY_CASES,
            _("我的上报"),
            "cases:my_reports",
            icon="layers",
            description=_("查看办理进度、评价结果"),
            badge="civicgrid.resident.selectors.open_case_count",
            roles=RESIDENTS,
            order=20,
        ),
        tiles.Tile(
            "board",
            _("邻里议事板"),
            "cases:board_home",
            icon="people",
            description=_("本社区公开的问题"),
            roles=RESIDENTS,
            order=60,
        ),
        tiles.Tile(
            "messages",
            _("消息"),
            "notifications:inbox",
            icon="info",
            description=_("办理进度和社区消息"),
            badge="civicgrid.notifications.actions.unread_count",
            order=90,
        ),
    )
    tiles.register_slot(
        tiles.Slot(VOLUNTEERING, _("志愿服务"), icon="heart", description=_("志愿活动与服务时长"), order=110),
        tiles.Slot(MICRO_WISHES, _("微心愿"), icon="gift", description=_("小心愿，大家圆"), order=120),
        tiles.Slot(POINTS, _("积分"), icon="star", description=_("参与治理，积分兑换"), order=130),
    )

    demo_registry.register(demo_registry.Seeder("resident", "civicgrid.resident.demo.seed_demo", order=95))
