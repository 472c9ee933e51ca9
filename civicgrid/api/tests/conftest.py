"""API tests reuse the cases app's small world (civicgrid/cases/tests/conftest.py): a real region
tree, the shipped categories, and one user per role."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from civicgrid.api import actions as api_actions
from civicgrid.cases.tests.conftest import (  # noqa: F401 - fixtures shared with the cases tests
    _fast_and_unlimited,
    accepted,
    make_case,
    point_in,
    report,
    world,
)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def client_for(user):
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def app_key(world):  # noqa: F811 - the shared fixture, requested
    """An intake application with a key on street S1 (raw key returned)."""
    application = api_actions.create_application("测试小程序")
    key, raw = api_actions.issue_key(application, region=world.tree["S1"], rate_per_minute=1000)
    return application, key, raw
