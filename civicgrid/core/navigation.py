"""The navigation bar: each app registers its entries (in `AppConfig.ready()`), each naming the roles
that may use it, so nobody sees a link to a page they cannot open. The home page shows the same
entries, with their descriptions, as shortcuts. The base knows no app and no role by name."""

from dataclasses import dataclass

from django.urls import reverse

from civicgrid.core import scoping
from civicgrid.core.registry import Registry

REGISTRY = Registry("navigation")
# An audience an app below accounts can name without knowing the roles: every role but residents.
STAFF = "staff"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset | str | None  # role values that see the entry; STAFF; None: anyone holding a role
    icon: str = ""
    description: str = ""
    # Other view names (or "namespace:*") under which this entry is shown as the current page.
    active_for: tuple = ()
    # Django's admin site also needs the is_staff flag; without it the link would only lead to a
    # login form, so the entry is hidden.
    needs_staff_flag: bool = False
    order: int = 100  # place in the bar, left to right

    @property
    def name(self):
        return self.url_name

    @property
    def url(self):
        return reverse(self.url_name)

    def is_active(self, view_name):
        if not view_name:
            return False
        namespace = view_name.split(":", 1)[0]
        return view_name == self.url_name or view_name in self.active_for or f"{namespace}:*" in self.active_for

    def shown_to(self, user, roles):
        audience = scoping.staff_roles() if self.roles == STAFF else self.roles
        return bool(roles if audience is None else roles & audience) and (user.is_staff or not self.needs_staff_flag)


def register(*items):
    return REGISTRY.register(*items)


def items():
    return list(REGISTRY)


def navigation_for(user):
    if not user.is_authenticated:
        return []
    roles = scoping.roles_of(user)
    return [item for item in REGISTRY if item.shown_to(user, roles)]
