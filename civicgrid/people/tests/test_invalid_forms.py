"""An invalid form re-rendered answers 400, like every other form of the project (the cases' staff
pages, the people edit pages): the person edit page and the door-to-door check answered 200."""

import pytest
from django.urls import reverse

from civicgrid.people.models import Person
from civicgrid.people.testing import add_person, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(worker, building):
    house = building.houses.order_by("floor", "number").first()
    return add_person(worker, house, name="王大妈", id_number=make_id_number(), phone="13812345678")


def test_an_invalid_person_edit_answers_400_and_changes_nothing(client, worker, resident):
    client.force_login(worker)
    url = reverse("people:person_edit", args=[resident.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "", "residence_type": "nonsense", "id_number": "1" * 40})
    assert response.status_code == 400
    assert "person-edit" in response.content.decode() or "form" in response.content.decode()
    assert Person.objects.get(pk=resident.pk).name == "王大妈"


def test_a_person_edit_refused_by_the_action_answers_400(client, worker, resident):
    client.force_login(worker)
    url = reverse("people:person_edit", args=[resident.pk])
    response = client.post(url, {"name": "王大妈", "residence_type": "registered", "id_number": "123"})
    assert response.status_code == 400
    assert Person.objects.get(pk=resident.pk).id_number_masked == resident.id_number_masked


def test_an_invalid_door_to_door_check_answers_400(client, worker, resident):
    client.force_login(worker)
    url = reverse("people:verify", args=[resident.house_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"usage": "nonsense"}).status_code == 400


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("people:access_log", {"kind": "view\x00", "user": "王\x00"}),
        ("people:enterprises", {"q": "超市\x00"}),
    ],
)
def test_a_nul_byte_in_a_search_is_dropped_not_sent_to_the_database(client, admin, url_name, params):
    """PostgreSQL refuses NUL in text (found by the fuzz test on PostgreSQL): the search drops control
    characters and an unknown kind filters nothing."""
    client.force_login(admin)
    response = client.get(reverse(url_name), params)
    assert response.status_code == 400  # the net (core.middleware.NulQueryMiddleware)
    cleaned = {key: value.replace("\x00", "\x01") for key, value in params.items()}
    assert client.get(reverse(url_name), cleaned).status_code == 200  # and the view drops control characters


def test_a_nul_byte_in_the_move_search_is_dropped(client, worker, resident):
    client.force_login(worker)
    response = client.get(reverse("people:person_move", args=[resident.pk]), {"q": "1\x01"})
    assert response.status_code == 200


def test_a_nul_byte_in_the_export_search_is_dropped(client, community, tree):
    client.force_login(community)
    response = client.get(reverse("people:export"), {"region": tree["S1C1"].code, "q": "\x01"})
    assert response.status_code == 200


def test_a_nul_byte_in_a_map_layer_region_answers_not_found_or_bad_request(client, worker):
    client.force_login(worker)
    assert client.get(reverse("people:map_layers"), {"region": "4101\x00"}).status_code == 400
    assert client.get(reverse("people:map_layers"), {"region": "41０1"}).status_code == 404
