"""The resident's home screen (the phone's first page): each app registers its tiles in its
`AppConfig.ready()` — report a problem, my cases, notices with an unread badge, activities, polls,
services, volunteering, micro-wishes, points — and the home page shows those the user may open, in
their `order`. The base knows no app by name.

    tiles.register(tiles.Tile("notices", _("通知公告"), "notices:mine", icon="megaphone",
                              badge="civicgrid.notices.selectors.unread_count", order=30))

`badge` is the dotted path of a function `(user) -> int | None` (the unread or waiting count shown
on the tile); it must cost one cheap query at most. `roles` as in core.navigation: the role values
that see the tile, or None for anyone signed in.

Slots keep a place on the screen for an app that comes later (volunteering, micro-wishes, points):

    tiles.register_slot(tiles.Slot("volunteering", _("志愿服务"), icon="heart", order=70))

Until an app registers a tile of the slot's name, the slot shows as a calm "即将开通" card (a
`ShownTile` with `url=""` and `coming_soon=True`, no link); the app fills it with
`tiles.register(Tile("volunteering", ...))` and nothing else changes. A tile whose URL does not resolve
is left out, or shown as its slot's card when a slot of that name exists.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from civicgrid.core import scoping
from civicgrid.core.registry import Registry

REGISTRY = Registry("home tile")
SLOTS = Registry("home tile slot")


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
class Slot:
    """A place kept on the home screen for a tile a later app registers under the same name."""

    name: str
    label: str
    icon: str = ""
    description: str = ""
    roles: frozenset | None = None
    order: int = 100


@dataclass(frozen=True)
class ShownTile:
    tile: Tile
    url: str
    badge: int | None
    coming_soon: bool = False  # an empty slot: shown as "即将开通", without a link


def register(*entries):
    return REGISTRY.register(*entries)


def register_slot(*slots):
    return SLOTS.register(*slots)


def _sees(held, roles):
    return roles is None or bool(held & set(roles))


def _placeholder(slot):
    tile = Tile(
        slot.name, slot.label, "", icon=slot.icon, description=slot.description, roles=slot.roles, order=slot.order
    )
    return ShownTile(tile, "", None, coming_soon=True)


def tiles_for(user, *, with_slots=False):
    """The tiles `user` sees, with their URLs and badges, in their order. With `with_slots`, the
    slots no app has filled yet come too, as "coming soon" cards (`coming_soon=True`, no URL)."""
    held = set(scoping.roles_of(user)) if user.is_authenticated else set()
    shown = []
    for tile in REGISTRY:
        if not _sees(held, tile.roles):
            continue
        try:
            url = reverse(tile.url_name)
        except NoReverseMatch:
            slot = SLOTS.get(tile.name) if with_slots else None
            if slot is not None and _sees(held, slot.roles):
                shown.append(_placeholder(slot))
            continue
        badge = import_string(tile.badge)(user) if tile.badge else None
        shown.append(ShownTile(tile, url, badge))
    if with_slots:
        shown.extend(
            _placeholder(slot) for slot in SLOTS if REGISTRY.get(slot.name) is None and _sees(held, slot.roles)
        )
        shown.sort(key=lambda s: (s.tile.order, s.tile.name))
    return shown
