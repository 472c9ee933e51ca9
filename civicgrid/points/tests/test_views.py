"""The pages: residents see their own points, the mall and their codes; the merchant counter
verifies; staff manage their subtree. Out of reach answers 404 and changes nothing."""

import pytest
from django.urls import reverse

from civicgrid.points import actions, ledger
from civicgrid.points.actions import mall
from civicgrid.points.models import Account, Award, Entry, Help, Item, Merchant, MerchantStaff, Redemption
from civicgrid.points.tests.conftest import credit, listed


def login(client, user):
    client.force_login(user)
    return client


def counts():
    return tuple(m.objects.count() for m in (Account, Entry, Award, Item, Merchant, MerchantStaff, Redemption, Help))


def test_a_resident_sees_their_points_and_redeems(client, world):
    credit(world.people.resident, 30)
    item = listed(world, price=10)
    login(client, world.people.resident)
    page = client.get(reverse("points:mine"))
    assert page.status_code == 200 and 'data-balance="hongde">30<' in page.content.decode()
    assert client.get(reverse("points:mall")).content.decode().count(f'data-item="{item.pk}"') == 1
    assert client.get(reverse("points:item", args=[item.pk])).status_code == 200
    assert client.post(reverse("points:redeem", args=[item.pk])).status_code == 302
    codes = client.get(reverse("points:redemptions")).content.decode()
    redemption = Redemption.objects.get()
    assert mall.redemption_code(redemption) in codes and "<svg" in codes
    for name in ("points:timebank", "points:board"):
        assert client.get(reverse(name)).status_code == 200


def test_the_counter_verifies_and_others_get_404(client, world):
    credit(world.people.resident, 30)
    redemption = actions.redeem(world.people.resident, listed(world).pk)
    code = mall.redemption_code(redemption)
    login(client, world.people.resident2)
    assert client.get(reverse("points:counter")).status_code == 404
    assert client.post(reverse("points:counter"), {"code": code, "confirm": "1"}).status_code == 404
    assert Redemption.objects.get().status == "issued"
    client.logout()
    login(client, world.people.clerk)
    page = client.get(reverse("points:counter"), {"code": code})
    assert page.status_code == 200 and "confirm-use" in page.content.decode()
    assert client.post(reverse("points:counter"), {"code": code, "confirm": "1"}).status_code == 302
    assert Redemption.objects.get().status == "used"
    again = client.post(reverse("points:counter"), {"code": code, "confirm": "1"})
    assert again.status_code == 400 and "核销过" in again.content.decode()
    assert client.get(reverse("points:counter"), {"code": "forged:x"}).status_code == 400
    assert client.get(reverse("points:statement", args=[world.merchant.pk])).status_code == 200


def test_another_residents_redemption_is_404_and_unchanged(client, world):
    credit(world.people.resident, 30)
    redemption = actions.redeem(world.people.resident, listed(world).pk)
    login(client, world.people.resident2)
    before = counts()
    assert client.post(reverse("points:cancel_redemption", args=[redemption.pk])).status_code == 404
    assert counts() == before and Redemption.objects.get().status == "issued"


def test_an_outsider_cannot_see_or_redeem_an_item(client, world):
    credit(world.people.outsider, 30)
    item = listed(world)
    login(client, world.people.outsider)
    before = counts()
    assert client.get(reverse("points:item", args=[item.pk])).status_code == 404
    assert client.post(reverse("points:redeem", args=[item.pk])).status_code == 404
    assert counts() == before


def test_staff_pages_in_scope_and_404_out_of_scope(client, world):
    account = ledger.person_account(world.people.resident)
    login(client, world.people.community)
    for url in (
        reverse("points:manage"),
        reverse("points:merchant", args=[world.merchant.pk]),
        reverse("points:item_create", args=[world.merchant.pk]),
        reverse("points:awards"),
        reverse("points:account", args=[account.pk]),
        reverse("points:rules"),
        reverse("points:statement", args=[world.merchant.pk]),
    ):
        assert client.get(url).status_code == 200, url
    client.logout()
    login(client, world.people.neighbour_staff)
    before = counts()
    assert client.get(reverse("points:merchant", args=[world.merchant.pk])).status_code == 404
    assert client.get(reverse("points:account", args=[account.pk])).status_code == 404
    assert client.get(reverse("points:statement", args=[world.merchant.pk])).status_code == 404
    response = client.post(
        reverse("points:award_create"), {"account": account.pk, "kind": "youai", "amount": 5, "reason": "x"}
    )
    assert response.status_code == 404
    assert (
        client.post(reverse("points:merchant_staff", args=[world.merchant.pk]), {"phone": "13800000002"}).status_code
        == 404
    )
    assert counts() == before
    client.logout()
    login(client, world.people.resident)
    for url in (reverse("points:manage"), reverse("points:awards"), reverse("points:rules")):
        assert client.get(url).status_code == 404, url
    assert counts() == before


@pytest.mark.parametrize(
    "payload", [{"title": "\x00", "price": "x"}, {"title": "a" * 61, "price": "-3", "stock": "1e9"}]
)
def test_bad_item_input_is_400_not_500(client, world, payload):
    login(client, world.people.community)
    response = client.post(reverse("points:item_create", args=[world.merchant.pk]), payload)
    assert response.status_code == 400
    assert not Item.objects.exists()


def test_time_bank_page_records_and_confirms(client, world):
    login(client, world.people.resident)
    response = client.post(
        reverse("points:timebank"), {"gave": "1", "other_phone": "13800000002", "hours": "1", "what": "修自行车"}
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("points:timebank"), {"gave": "1", "other_phone": "13800000002", "hours": "99", "what": "x"}
    )
    assert bad.status_code == 400
    record = Help.objects.get()
    assert client.post(reverse("points:help_confirm", args=[record.pk])).status_code == 404
    client.logout()
    login(client, world.people.resident2)
    assert client.post(reverse("points:help_confirm", args=[record.pk])).status_code == 302
    assert Help.objects.get().status == "confirmed"
