import pytest
from django.urls import include, path
from rest_framework.routers import DefaultRouter
from rest_framework.test import APIClient

from civicgrid.people import api
from civicgrid.people.models import PersonTag, Tag
from civicgrid.people.testing import add_person, make_id_number

pytestmark = pytest.mark.django_db

router = DefaultRouter()
api.register(router)
urlpatterns = [path("api/v1/", include(router.urls))]


@pytest.fixture
def api_client(settings):
    settings.ROOT_URLCONF = __name__
    return APIClient()


def test_persons_are_scoped_masked_and_filterable(api_client, worker, other_worker, building):
    number = make_id_number()
    person = add_person(worker, building.houses.first(), name="钱多多", id_number=number, phone="13812345678")
    PersonTag.objects.create(person=person, tag=Tag.objects.get(code="subsistence"))
    PersonTag.objects.create(person=person, tag=Tag.objects.get(code="veteran"))
    api_client.force_authenticate(worker)
    data = api_client.get("/api/v1/people/persons/").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["id_number"] == person.id_number_masked and row["phone"] == "138****5678"
    assert row["tags"] == ["veteran"]
    assert number not in str(data) and "13812345678" not in str(data)
    assert api_client.get("/api/v1/people/persons/", {"id_number": number}).json()["count"] == 1
    assert api_client.get("/api/v1/people/persons/", {"phone": "13812345678"}).json()["count"] == 1
    assert api_client.get("/api/v1/people/persons/", {"name": "钱"}).json()["count"] == 1
    assert api_client.get("/api/v1/people/persons/", {"tag": "subsistence"}).json()["count"] == 0
    assert api_client.get(f"/api/v1/people/persons/{person.pk}/").status_code == 200
    api_client.force_authenticate(other_worker)
    assert api_client.get("/api/v1/people/persons/").json()["count"] == 0
    assert api_client.get(f"/api/v1/people/persons/{person.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/people/buildings/{building.pk}/").status_code == 404


def test_buildings_houses_households(api_client, worker, building):
    add_person(worker, building.houses.first())
    api_client.force_authenticate(worker)
    assert api_client.get("/api/v1/people/buildings/").json()["results"][0]["code"] == "B1"
    houses = api_client.get("/api/v1/people/houses/", {"building": building.pk}).json()
    assert houses["count"] == 6
    assert api_client.get("/api/v1/people/households/").json()["count"] == 1
    assert api_client.post("/api/v1/people/persons/", {}).status_code == 405


def test_anonymous_is_refused(api_client, building):
    assert api_client.get("/api/v1/people/buildings/").status_code in (401, 403)  # by the authentication classes
