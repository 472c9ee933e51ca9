from django.test import RequestFactory

from civicgrid.core import panels


def _context(request, obj):
    return {"obj": obj} if obj != "hidden" else None


def test_panels_for_shows_only_its_place_in_order_and_skips_none(monkeypatch):
    registry = panels.Registry("panels")
    monkeypatch.setattr(panels, "REGISTRY", registry)
    here = "civicgrid.core.tests.test_panels._context"
    panels.register(
        panels.Panel("b.second", "compound", "b.html", here, order=20),
        panels.Panel("a.first", "compound", "a.html", here, order=10),
        panels.Panel("c.elsewhere", "house", "c.html", here),
    )
    request = RequestFactory().get("/")
    shown = panels.panels_for("compound", request, "x")
    assert [p.name for p in shown] == ["a.first", "b.second"]
    assert shown[0].context == {"obj": "x"}
    assert panels.panels_for("compound", request, "hidden") == []
