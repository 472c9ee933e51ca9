"""The demo key documented in the README files an Open311 request in the demo district."""

import pytest

from civicgrid.accounts.models import Role
from civicgrid.api.demo import DEMO_HOTLINE_KEY, DEMO_KEY, seed_api
from civicgrid.api.models import ApiKey
from civicgrid.cases.models import Case, Source

from .conftest import point_in

pytestmark = pytest.mark.django_db


def test_demo_key_posts_an_open311_request(world, client):
    assert seed_api(world.tree["D"]) == (DEMO_KEY, DEMO_HOTLINE_KEY)
    seed_api(world.tree["D"])  # idempotent
    assert sorted(ApiKey.objects.values_list("role", flat=True)) == sorted([Role.INTEGRATION, Role.HOTLINE_INTEGRATION])
    definition = client.get("/open311/v2/services/01008.json").json()
    assert [a["code"] for a in definition["attributes"]] == ["pole_no", "fault"]
    lon, lat = point_in(world.tree["S2C2G1M1"])
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": DEMO_KEY, "service_code": "01008", "lat": lat, "long": lon, "attribute[fault]": "dark"},
    )
    assert response.status_code == 201, response.content
    assert Case.objects.get().source == Source.API
