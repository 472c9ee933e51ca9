"""The pages: thin views over the actions. Out of reach is 404 and changes nothing; bad input
answers 400 with the form's error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civicgrid.services import actions
from civicgrid.services.models import CraftsmanOrder, OrderStatus, ServiceLink


def client_for(client, user):
    client.force_login(user)
    return client


def call(world):
    return actions.call_craftsman(
        world.users.resident,
        world.craftsman,
        what="水龙头漏水",
        address="1号楼101",
        preferred_time=timezone.now() + timedelta(days=1),
    )


def when():
    return (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def test_a_resident_calls_a_craftsman_from_the_page(client, world):
    c = client_for(client, world.users.resident)
    page = c.get(reverse("services:craftsman", args=[world.craftsman.pk]))
    assert page.status_code == 200 and "138****0021" in page.content.decode()
    response = c.post(
        reverse("services:craftsman", args=[world.craftsman.pk]),
        {"what": "马桶漏水", "address": "1号楼101", "preferred_time": when()},
    )
    order = CraftsmanOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("services:my_order", args=[order.pk])


@pytest.mark.parametrize(
    "data",
    [
        {"what": "", "address": "1号楼", "preferred_time": "x"},
        {"what": "修\x00", "address": "1号楼", "preferred_time": None},
        {"what": "修" * 301, "address": "1号楼", "preferred_time": None},
        {"what": "修", "address": "1号楼", "preferred_time": "2001-01-01T10:00"},
    ],
)
def test_a_bad_call_answers_400_and_writes_nothing(client, world, data):
    data = {k: (when() if v is None else v) for k, v in data.items()}
    response = client_for(client, world.users.resident).post(
        reverse("services:craftsman", args=[world.craftsman.pk]), data
    )
    assert response.status_code == 400
    assert not CraftsmanOrder.objects.exists()


def test_a_resident_of_another_community_gets_404_and_changes_nothing(client, world):
    order = call(world)
    c = client_for(client, world.users.resident_b)
    assert c.get(reverse("services:craftsman", args=[world.craftsman.pk])).status_code == 404
    post = c.post(
        reverse("services:craftsman", args=[world.craftsman.pk]),
        {"what": "修", "address": "1号楼", "preferred_time": when()},
    )
    assert post.status_code == 404
    assert c.get(reverse("services:my_order", args=[order.pk])).status_code == 404
    assert c.post(reverse("services:order_cancel", args=[order.pk])).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED and CraftsmanOrder.objects.count() == 1


def test_a_craftsman_cannot_open_or_answer_another_craftsmans_order(client, world):
    order = call(world)
    c = client_for(client, world.users.worker2)
    assert c.get(reverse("services:jobs")).status_code == 200
    assert c.get(reverse("services:job", args=[order.pk])).status_code == 404
    for step in ("accept", "decline", "complete"):
        assert c.post(reverse("services:job_step", args=[order.pk, step])).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED
    # Without a craftsman record, "my jobs" does not exist.
    assert client_for(client, world.users.resident).get(reverse("services:jobs")).status_code == 404


def test_the_craftsman_answers_on_the_page_and_the_resident_rates(client, world):
    order = call(world)
    c = client_for(client, world.users.worker)
    assert c.post(reverse("services:job_step", args=[order.pk, "accept"])).status_code == 302
    assert c.post(reverse("services:job_step", args=[order.pk, "complete"])).status_code == 302
    assert c.post(reverse("services:job_step", args=[order.pk, "nonsense"])).status_code == 404
    r = client_for(client, world.users.resident)
    assert r.post(reverse("services:order_rate", args=[order.pk]), {"rating": "9"}).status_code == 400
    order.refresh_from_db()
    assert order.rating is None
    assert r.post(reverse("services:order_rate", args=[order.pk]), {"rating": "5", "comment": "好"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.rating) == (OrderStatus.COMPLETED, 5)


def test_staff_add_a_link_and_a_javascript_link_is_refused_on_the_page(client, world):
    c = client_for(client, world.users.street)
    data = {
        "region": world.tree["S1"].pk,
        "category": "pension",
        "title": "养老金认证",
        "order": 10,
        "is_published": "on",
        "url": "javascript:alert(1)",
    }
    response = c.post(reverse("services:link_add"), data)
    assert response.status_code == 400 and "http" in response.content.decode()
    assert not ServiceLink.objects.exists()
    data["url"] = "https://hrss.example.gov.cn/"
    assert c.post(reverse("services:link_add"), data).status_code == 302
    link = ServiceLink.objects.get()
    page = client_for(client, world.users.resident).get(reverse("services:link", args=[link.pk])).content.decode()
    assert 'rel="noopener noreferrer"' in page and "https://hrss.example.gov.cn/" in page


def test_community_staff_cannot_reach_the_directory_pages(client, world):
    c = client_for(client, world.users.community)
    assert c.get(reverse("services:manage_links")).status_code == 404
    assert c.post(reverse("services:link_add"), {"title": "x"}).status_code == 404
    assert not ServiceLink.objects.exists()


def test_staff_add_verify_and_suspend_a_craftsman(client, world):
    c = client_for(client, world.users.community)
    data = {
        "name": "钱师傅",
        "area": world.a.pk,
        "skills": ["locks", "carpentry"],
        "is_available": "on",
        "phone": "139 0000 1111",
    }
    assert c.post(reverse("services:craftsman_add"), data).status_code == 302
    from civicgrid.services.models import Craftsman

    made = Craftsman.objects.get(name="钱师傅")
    assert made.phone_masked == "139****1111" and made.skills == ",locks,carpentry,"
    assert c.post(reverse("services:craftsman_status", args=[made.pk]), {"status": "verified"}).status_code == 302
    made.refresh_from_db()
    assert made.status == "verified" and made.verified_by == world.users.community
    # Staff of B: 404, nothing changed.
    b = client_for(client, world.users.community_b)
    assert b.post(reverse("services:craftsman_status", args=[made.pk]), {"status": "suspended"}).status_code == 404
    assert b.get(reverse("services:craftsman_edit", args=[made.pk])).status_code == 404
    made.refresh_from_db()
    assert made.status == "verified"


def test_every_resident_page_opens(client, world):
    order = call(world)
    link = actions.save_link(world.users.admin, ServiceLink(), region=world.tree["D"], category="pension", title="认证")
    c = client_for(client, world.users.resident)
    for name, args in [
        ("home", []),
        ("link", [link.pk]),
        ("nearby", []),
        ("craftsmen", []),
        ("my_orders", []),
        ("my_order", [order.pk]),
    ]:
        assert c.get(reverse(f"services:{name}", args=args)).status_code == 200, name
    assert c.get(reverse("services:craftsmen") + "?skill=<script>").status_code == 200
    assert c.get(reverse("services:nearby") + "?within=99999&kind=x&industry=%E2%80%AE").status_code == 200
