"""Idempotency-Key: a retry returns the first response and creates nothing; another body is
refused; concurrent retries create once (threads, on a real database)."""

import threading

import pytest
from django.db import connection

from civicgrid.api import actions as api_actions
from civicgrid.api.models import IdempotencyRecord
from civicgrid.cases.models import Case

from .conftest import client_for, point_in

BASE = "/api/v1"


def _body(world, text="楼道灯坏了"):
    lon, lat = point_in(world.tree["S1C1G1M1"])
    return {"category": world.cats["S05001"].pk, "description": text, "lon": lon, "lat": lat}


@pytest.mark.django_db
def test_retry_returns_the_first_response(world):
    client = client_for(world.people.resident)
    first = client.post(f"{BASE}/cases/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(f"{BASE}/cases/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert again["Idempotent-Replayed"] == "true" and again["Location"] == first["Location"]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_same_key_other_body_is_422(world):
    client = client_for(world.people.resident)
    client.post(f"{BASE}/cases/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = client.post(f"{BASE}/cases/", _body(world, "另一件事"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_account(world):
    client_for(world.people.resident).post(f"{BASE}/cases/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    response = client_for(world.people.resident2).post(
        f"{BASE}/cases/", _body(world), format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert response.status_code == 201
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_failed_first_attempt_is_not_stored(world):
    client = client_for(world.people.resident)
    bad = {**_body(world), "lon": 10.0, "lat": 10.0}  # outside the district
    assert client.post(f"{BASE}/cases/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k-3").status_code == 400
    assert not IdempotencyRecord.objects.filter(key="k-3").exists()


@pytest.mark.django_db
def test_without_a_key_each_post_creates(world):
    client = client_for(world.people.resident)
    client.post(f"{BASE}/cases/", _body(world), format="json")
    client.post(f"{BASE}/cases/", _body(world), format="json")
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_multipart_retries_with_new_boundaries_match(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from civicgrid.cases.tests.media_files import jpeg_bytes

    client = client_for(world.people.resident)
    photo = jpeg_bytes()
    from django.test.client import encode_multipart

    answers = []
    for boundary in ("AAAboundary", "BBBboundary"):
        body = {**_body(world), "photos": [SimpleUploadedFile("a.jpg", photo, "image/jpeg")]}
        response = client.generic(
            "POST",
            f"{BASE}/cases/",
            encode_multipart(boundary, body),
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY="k-photo",
        )
        answers.append(response.status_code)
    assert answers == [201, 201]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_open311_post_is_idempotent(world):
    application = api_actions.create_application("311")
    _key, raw = api_actions.issue_key(application, region=world.tree["S1"])
    lon, lat = point_in(world.tree["S1C1G1M1"])
    data = {"api_key": raw, "service_code": "S05001", "lat": lat, "long": lon, "description": "x"}
    from django.test import Client

    client = Client()
    first = client.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY="o-1")
    again = client.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY="o-1")
    assert first.content == again.content and again.status_code == 201
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_once(world):
    """Eight threads send the same report with the same key at once: one case, eight equal answers."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    user = world.people.resident
    body = _body(world)
    barrier = threading.Barrier(8)
    answers = []

    def attempt():
        try:
            client = client_for(user)
            barrier.wait()
            response = client.post(f"{BASE}/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="race")
            answers.append((response.status_code, response.json().get("number")))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Case.objects.count() == 1
    number = Case.objects.get().number
    assert answers == [(201, number)] * 8
