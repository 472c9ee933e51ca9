"""The demo fills the services: guides, craftsmen (one linked to the `shifu` account), an order in
every state, and shops near the demo resident's home."""

import pytest
from django.core.management import call_command

from civicgrid.accounts.models import User
from civicgrid.services import selectors
from civicgrid.services.models import Craftsman, CraftsmanOrder, OrderStatus, ServiceLink

pytestmark = pytest.mark.django_db


def test_the_demo_has_guides_craftsmen_orders_in_every_state_and_shops_near_home():
    call_command("seed_demo", "--scale", "small", "--seed", "7")
    assert ServiceLink.objects.filter(is_published=True).count() >= 8
    assert Craftsman.objects.filter(user__username="shifu").exists()
    assert set(CraftsmanOrder.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    assert CraftsmanOrder.objects.filter(rating__isnull=False).exists()
    jumin = User.objects.get(username="jumin")
    home = selectors.home_for(jumin)
    assert home["exact"]
    shops = selectors.shops_near(home["lon"], home["lat"], 1000)
    assert shops and shops == sorted(shops, key=lambda s: (s["distance"], s["name"]))
