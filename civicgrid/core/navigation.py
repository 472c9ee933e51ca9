"""The navigation bar: each entry names the roles that may use it, so nobody sees a link to a page
they cannot open. Later modules add their entries here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.models import Role

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

    @property
    def url(self):
        return reverse(self.url_name)


NAV_ITEMS = [
    NavItem(_("首页"), "core:home", frozenset(Role), "house"),
    NavItem(_("区划网格"), "regions:tree", STAFF_ROLES, "diagram"),
    NavItem(_("网格地图"), "regions:map", STAFF_ROLES, "map"),
    NavItem(_("系统管理"), "admin:index", frozenset({Role.SYSTEM_ADMIN}), "gear"),
]


def navigation_for(user):
    from civicgrid.accounts.scopes import roles_of

    if not user.is_authenticated:
        return []
    roles = roles_of(user)
    return [item for item in NAV_ITEMS if roles & item.roles]
