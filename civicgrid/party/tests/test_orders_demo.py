"""The demo shows orders in every status, several units in the ranking and one order from a case."""

import pytest
from django.core.management import call_command

from civicgrid.party.models import Order, OrderStatus
from civicgrid.party.selectors import orders as selectors

from .orders_fixtures import _private_files  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_has_orders_in_every_status_and_a_ranking():
    call_command("seed_demo", "--scale", "small", "--seed", "7")
    statuses = set(Order.objects.values_list("status", flat=True))
    assert set(OrderStatus.values) <= statuses, statuses
    assert Order.objects.filter(case__isnull=False).exists()
    approved = Order.objects.filter(status=OrderStatus.APPROVED)
    assert approved.values("taker_department").distinct().count() >= 2
    assert approved.filter(taker_kind="first_secretary").exists()
    assert all(o.photos.exists() for o in approved)
    figures = selectors.panel_figures(None)
    assert figures["points"] > 0 and len(figures["top_units"]) >= 2
