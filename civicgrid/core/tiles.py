"""The resident's home screen (the phone's first page): each app registers its tiles in its
`AppConfig.ready()` — report a problem, my cases, notices with an unread badge, activities, polls,
services, volunteering, micro-wishes, points — and the home page shows those the user may open, in
their `order`. The base knows no app by name.

    tiles.register(tiles.Tile("notices", _("通知公告"), "notices:mine", icon="megaphone",
                              badge="civicgrid.notices.selectors.unread_count", order=30))

`badge` is the dotted path of a function `(user) -> int | None` (the unread or waiting count shown
on the tile); it must cost one cheap query at most. `roles` as in core.navigation: the role values
that see the tile, or None for anyone signed in.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from civicgrid.core import scoping
from civicgrid.core.registry import Registry

REGISTRY = Registry("home tile")


@dataclass(frozen=True)
class Tile:
    name: str
    label: str
    url_name: str
    icon: str = ""
    description: str = ""
    badge: str = ""  # dotted path of badge(user) -> int | None
    roles: frozenset | None = None
    order: int = 100


@dataclass(frozen=True)
class ShownTile:
    tile: Tile
    url: str
    badge: int | None


def register(*entries):
    return REGISTRY.register(*entries)


def tiles_for(user):
    """The tiles `user` sees, with their URLs and badges."""
    held = set(scoping.roles_of(user)) if user.is_authenticated else set()
    shown = []
    for tile in REGISTRY:
        if tile.roles is not None and not (held & set(tile.roles)):
            continue
        try:
            url = reverse(tile.url_name)
        except NoReverseMatch:
            continue
        badge = import_string(tile.badge)(user) if tile.badge else None
        shown.append(ShownTile(tile, url, badge))
    return shown
