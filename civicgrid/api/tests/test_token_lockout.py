"""A locked account on the token endpoint gets the API's JSON error, not the HTML lockout page
(issue 12, item 9); the sign-in page keeps its HTML page."""

import pytest
from django.urls import reverse

from civicgrid.testing import TEST_PASSWORD

from .conftest import client_for

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def _lock(client, username):
    """Five failures: the first four are wrong passwords, the fifth locks the account."""
    statuses = [client.post(TOKEN, {"username": username, "password": "Wrong@pass1"}).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]


def test_a_locked_account_gets_a_json_error_on_the_token_endpoint(world):
    client = client_for(None)
    _lock(client, "resident")
    response = client.post(TOKEN, {"username": "resident", "password": TEST_PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "locked_out" and "锁定" in body["message"] and "30 分钟" in body["message"]
    assert body["details"]["retry_after"] > 0 and int(response["Retry-After"]) > 0
    assert "token" not in body
    # JSON bodies are counted and locked alike.
    response = client.post(TOKEN, {"username": "resident", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 429 and response.json()["code"] == "locked_out"


def test_the_sign_in_page_keeps_its_html_lockout_page(world, client):
    _lock(client_for(None), "resident")
    response = client.post(reverse("accounts:login"), {"username": "resident", "password": TEST_PASSWORD})
    assert response.status_code == 429 and response["Content-Type"].startswith("text/html")
    assert 'id="locked-out"' in response.content.decode()
