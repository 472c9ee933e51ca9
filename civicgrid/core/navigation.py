"""The navigation bar: each app registers its entries (in `AppConfig.ready()`), each naming the roles
that may use it, so nobody sees a link to a page they cannot open. The home page shows the same
entries, with their descriptions, as shortcuts. The base knows no app and no role by name.

An entry may name a menu (`NavItem(..., menu="cases")`, the menu registered with `register_menu`):
the bar then shows the menu as one dropdown holding its entries, so that no role sees more than
`TOP_LEVEL_LIMIT` entries in the bar. A menu holding a single entry for a user is shown as that entry."""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from civicgrid.core import scoping
from civicgrid.core.registry import Registry

REGISTRY = Registry("navigation")
# An audience an app below accounts can name without knowing the roles: every role but residents.
STAFF = "staff"
# The most entries (links and menus) the bar shows for any role: beyond that it overflows an office
# laptop, in Chinese or English (tests/e2e/test_layout_fit.py).
TOP_LEVEL_LIMIT = 7
MENUS = Registry("navigation menu")


@dataclass(frozen=True)
class Menu:
    """A dropdown in the navigation bar grouping the entries that name it."""

    key: str
    label: str
    icon: str = ""
    order: int = 100  # place in the bar among the entries, left to right

    @property
    def name(self):
        return self.key


# The menu every community-life app (notices, activities, consultations, services…) files its staff
# entries under: declared once here so that each registers the identical entry.
COMMUNITY_MENU = Menu("community", _("社区服务"), "people", order=65)
# The grid worker's working day (patrols, visits, door-to-door tasks) and its scores and rankings
# (civicgrid.gridwork, civicgrid.scoring) file their entries under this one menu.
GRIDWORK_MENU = Menu("gridwork", _("网格工作"), "pin", order=30)


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
    # Dotted path of `badge(request) -> safe HTML` drawn after the label (the inbox's unread count):
    # filled in on every request, while the rest of the bar is rendered once (render_bar).
    badge: str = ""
    order: int = 100  # place in the bar (or in its menu), left to right
    menu: str = ""  # the key of the Menu this entry belongs to; "" or an unregistered key: in the bar
    # A tool (the inbox): an icon with its badge at the bar's right end, beside the language and the
    # user menu, its label shown only in the phone's list; not one of the TOP_LEVEL_LIMIT entries.
    tool: bool = False

    @property
    def name(self):
        return self.url_name

    @property
    def url(self):
        return reverse(self.url_name)

    @property
    def badge_marker(self):
        return mark_safe(f"<!--cg-badge:{self.url_name}-->")  # a constant of ours, replaced by render_bar

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


def register_menu(*menus):
    return MENUS.register(*menus)


@dataclass(frozen=True)
class MenuEntry:
    """A menu in one user's bar: the menu and the entries of it the user may open."""

    menu: Menu
    items: tuple

    is_menu = True

    @property
    def label(self):
        return self.menu.label

    @property
    def icon(self):
        return self.menu.icon

    @property
    def url_name(self):
        return f"menu:{self.menu.key}"

    def is_active(self, view_name):
        return any(item.is_active(view_name) for item in self.items)


def bar_for(user):
    """The user's bar: entries and menus (MenuEntry), in order; a menu with one entry is that entry."""
    entries, grouped = [], {}
    for item in navigation_for(user):
        if item.tool:
            continue
        menu = MENUS.get(item.menu) if item.menu else None
        if menu is None:
            entries.append((item.order, item))
        else:
            grouped.setdefault(menu.key, []).append(item)
    for key, items in grouped.items():
        menu = MENUS[key]
        if len(items) == 1:
            entries.append((menu.order, items[0]))
        else:
            entries.append((menu.order, MenuEntry(menu, tuple(items))))
    return [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]


# The bar's entries depend only on the roles held, the admin flag, the language and the current
# page: rendered once per such key and process (a few hundred keys at most), the badges filled in
# per request. The registries' identity is in the key, so a test's own registry never sees another's.
RENDERED_LIMIT = 4096
_rendered = OrderedDict()
_rendered_lock = threading.Lock()


def tools_for(user):
    """The user's tools (NavItem.tool), in order: drawn after the bar's entries."""
    return [item for item in navigation_for(user) if item.tool]


def render_bar(request, user):
    """The navigation bar's entries as HTML (templates/includes/nav_items.html), with their badges."""
    match = getattr(request, "resolver_match", None)
    key = (
        frozenset(scoping.roles_of(user)),
        bool(user.is_staff),
        translation.get_language(),
        match.view_name if match else "",
        id(REGISTRY),
        len(REGISTRY),
        id(MENUS),
        len(MENUS),
    )
    found = _rendered.get(key)
    if found is None:
        badged = tuple(item for item in navigation_for(user) if item.badge)
        html = render_to_string(
            "includes/nav_items.html", {"nav_bar": bar_for(user), "nav_tools": tools_for(user), "request": request}
        )
        found = (html, badged)
        with _rendered_lock:
            _rendered[key] = found
            while len(_rendered) > RENDERED_LIMIT:
                _rendered.popitem(last=False)
    html, badged = found
    for item in badged:
        html = html.replace(item.badge_marker, str(import_string(item.badge)(request)))
    return mark_safe(html)  # our template's output, and the badges' own escaped HTML


def render_user_roles(user):
    """The roles listed in the user menu (templates/includes/user_roles.html), rendered once per
    user, roles stamp, name and language: the stamp changes with every change of the user's roles
    or of the nodes they hold them on (accounts.scopes)."""
    key = (
        "user-roles",
        user.pk,
        getattr(user, "roles_stamp", None),
        user.is_superuser,
        translation.get_language(),
    )
    html = _rendered.get(key)
    if html is None:
        html = render_to_string(
            "includes/user_roles.html", {"my_assignments": scoping.active_assignments(user), "user": user}
        )
        with _rendered_lock:
            _rendered[key] = html
            while len(_rendered) > RENDERED_LIMIT:
                _rendered.popitem(last=False)
    return mark_safe(html)  # our template's output
