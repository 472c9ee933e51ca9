"""The navigation bar: each entry names the roles that may use it, so nobody sees a link to a page
they cannot open. Later modules add their entries here (the home page shows the same entries, with
their descriptions, as shortcuts)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.models import Role
from civicgrid.dashboard.navigation import DASHBOARD_DESCRIPTION, DASHBOARD_LABEL

# Labels kept in the people app's catalogue (core has none of its own).
from civicgrid.people.labels import NAV_DESCRIPTION as PEOPLE_NAV_DESCRIPTION
from civicgrid.people.labels import NAV_LABEL as PEOPLE_NAV_LABEL

STAFF_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.MICROGRID_MEMBER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DEPARTMENT_STAFF,
        Role.COMMAND_OPERATOR,
        Role.SYSTEM_ADMIN,
    }
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    icon: str = ""
    description: str = ""
    # Other view names (or "namespace:*") under which this entry is shown as the current page.
    active_for: tuple = ()
    # Django's admin site also needs the is_staff flag; without it the link would only lead to a
    # login form, so the entry is hidden.
    needs_staff_flag: bool = False

    @property
    def url(self):
        return reverse(self.url_name)

    def is_active(self, view_name):
        if not view_name:
            return False
        namespace = view_name.split(":", 1)[0]
        return view_name == self.url_name or view_name in self.active_for or f"{namespace}:*" in self.active_for


NAV_ITEMS = [
    NavItem(_("首页"), "core:home", frozenset(Role), "house", _("我的工作台")),
    NavItem(_("我要上报"), "cases:report", frozenset({Role.RESIDENT}), "pin", _("拍照上报身边的问题")),
    NavItem(
        _("我的上报"),
        "cases:my_reports",
        frozenset({Role.RESIDENT}),
        "layers",
        _("查看办理进度、评价结果"),
        active_for=("cases:my_report",),
    ),
    NavItem(
        _("邻里议事板"),
        "cases:board_home",
        frozenset({Role.RESIDENT}),
        "people",
        _("本社区公开的问题：留言、我也遇到、我能帮忙"),
        active_for=("cases:board", "cases:board_case"),
    ),
    NavItem(
        _("随手拍"),
        "cases:quick_report",
        frozenset({Role.GRID_WORKER, Role.MICROGRID_MEMBER}),
        "eye",
        _("巡查发现问题，拍照即报"),
    ),
    NavItem(
        _("区划网格"),
        "regions:tree",
        STAFF_ROLES,
        "diagram",
        _("浏览辖区的街道、社区、网格和微网格"),
        active_for=("regions:detail", "regions:children"),
    ),
    NavItem(_("网格地图"), "regions:map", STAFF_ROLES, "map", _("在地图上查看辖区网格边界")),
    NavItem(
        _("我的任务"),
        "cases:tasks",
        frozenset({Role.GRID_WORKER, Role.MICROGRID_MEMBER}),
        "grid",
        _("待签收、处置中和待核查的案件"),
    ),
    NavItem(
        _("案件受理派遣"),
        "cases:staff_queue",
        frozenset(
            {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DEPARTMENT_STAFF, Role.COMMAND_OPERATOR, Role.SYSTEM_ADMIN}
        ),
        "layers",
        _("按时限灯和阶段灯筛选、派遣和督办案件"),
        active_for=("cases:staff_detail",),
    ),
    NavItem(
        _("热线登记"),
        "cases:staff_hotline",
        frozenset({Role.COMMAND_OPERATOR}),
        "phone",
        _("12345 热线来电登记"),
    ),
    NavItem(
        _("代居民登记"),
        "cases:staff_entry",
        frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR}),
        "user",
        _("替居民登记反映的问题"),
    ),
    NavItem(
        _("统计分析"),
        "cases:stats",
        frozenset(
            {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DEPARTMENT_STAFF, Role.COMMAND_OPERATOR, Role.SYSTEM_ADMIN}
        ),
        "eye",
        _("结案率、按期结案率、返工率、满意率等指标"),
    ),
    NavItem(
        PEOPLE_NAV_LABEL,
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
        PEOPLE_NAV_DESCRIPTION,
        active_for=("people:*",),
    ),
    NavItem(
        DASHBOARD_LABEL,
        "dashboard:screen",
        frozenset(
            {Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR, Role.SYSTEM_ADMIN}
        ),
        "grid",
        DASHBOARD_DESCRIPTION,
    ),
    NavItem(
        _("消息"),
        "notifications:inbox",
        frozenset(Role),
        "info",
        _("案件派遣、时限提醒等消息"),
        active_for=("notifications:*",),
    ),
    NavItem(
        _("系统管理"),
        "admin:index",
        frozenset({Role.SYSTEM_ADMIN}),
        "gear",
        _("用户、角色、区划和部门的配置"),
        active_for=("admin:*",),
        needs_staff_flag=True,
    ),
]


def navigation_for(user):
    from civicgrid.accounts.scopes import roles_of

    if not user.is_authenticated:
        return []
    roles = roles_of(user)
    return [item for item in NAV_ITEMS if roles & item.roles and (user.is_staff or not item.needs_staff_flag)]
