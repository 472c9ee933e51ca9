"""The home-screen tile registry: a tile shows to the roles it names, with its URL and badge."""

from types import SimpleNamespace

import pytest

from civicgrid.core import scoping, tiles


def seven(user):
    return 7


@pytest.fixture
def registry(monkeypatch):
    fresh = tiles.Registry("home tile")
    monkeypatch.setattr(tiles, "REGISTRY", fresh)
    monkeypatch.setattr(scoping, "roles_of", lambda user: {"resident"})
    return fresh


def test_tiles_show_by_role_in_order_with_their_badges(registry):
    tiles.register(
        tiles.Tile("b", "B", "core:health", order=20, badge="civicgrid.core.tests.test_tiles.seven"),
        tiles.Tile("a", "A", "core:health", order=10, roles=frozenset({"resident"})),
        tiles.Tile("staff", "S", "core:health", roles=frozenset({"grid_worker"})),
        tiles.Tile("gone", "G", "no-such-url"),
    )
    shown = tiles.tiles_for(SimpleNamespace(is_authenticated=True))
    assert [(s.tile.name, s.badge) for s in shown] == [("a", None), ("b", 7)]
    assert shown[0].url == "/health/"


@pytest.fixture
def slots(monkeypatch):
    fresh = tiles.Registry("home tile slot")
    monkeypatch.setattr(tiles, "SLOTS", fresh)
    return fresh


def test_an_empty_slot_shows_as_coming_soon_in_its_place_and_a_tile_of_its_name_fills_it(registry, slots):
    user = SimpleNamespace(is_authenticated=True)
    tiles.register_slot(
        tiles.Slot("points", "P", icon="star", order=15),
        tiles.Slot("wishes", "W", order=5),
        tiles.Slot("staff_only", "X", roles=frozenset({"grid_worker"})),
    )
    tiles.register(tiles.Tile("a", "A", "core:health", order=10), tiles.Tile("wishes", "W2", "no-such-url"))
    shown = tiles.tiles_for(user, with_slots=True)
    assert [(s.tile.name, s.coming_soon, s.url) for s in shown] == [
        ("wishes", True, ""),  # registered, but its page is not there: still the calm card
        ("a", False, "/health/"),
        ("points", True, ""),
    ]
    assert [s.tile.name for s in tiles.tiles_for(user)] == ["a"]  # without slots: as before

    tiles.register(
        tiles.Tile("points", "Points", "core:health", order=15, badge="civicgrid.core.tests.test_tiles.seven")
    )
    filled = {s.tile.name: s for s in tiles.tiles_for(user, with_slots=True)}
    assert (filled["points"].coming_soon, filled["points"].badge, filled["points"].tile.label) == (False, 7, "Points")
