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
