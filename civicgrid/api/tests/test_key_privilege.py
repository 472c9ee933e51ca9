"""Application keys hold least privilege (issue 12, failure 1 and must-show 2): a key acts in an
application role that files and reads cases of its region, never base data or sensitive tags."""

import pytest

from civicgrid.api.demo import DEMO_KEY, seed_api
from civicgrid.people.models import PersonTag, Tag
from civicgrid.people.testing import add_person, make_building

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(world):
    """Two persons in grid S1C1G1, one tagged 残疾人 (restricted), registered by community staff."""
    building = make_building(world.tree["S1C1G1"], code="B1")
    house = building.houses.first()
    tagged = add_person(world.people.community, house, name="钱多多", phone="13812345678")
    add_person(world.people.community, house, name="孙小美")
    PersonTag.objects.create(person=tagged, tag=Tag.objects.get(code="disabled"))
    return tagged


def test_demo_key_cannot_read_the_person_register(world, register):
    """Failure 1: `GET /api/v1/people/persons/?tag=disabled` with the demo key listed the register."""
    seed_api(world.tree["D"])
    client = client_for(None)
    for query in ("?tag=disabled", ""):
        response = client.get(f"/api/v1/people/persons/{query}", HTTP_X_API_KEY=DEMO_KEY)
        assert response.status_code == 403, response.content
        assert "钱多多" not in response.content.decode()
    response = client.get(f"/api/v1/people/persons/{register.pk}/", HTTP_X_API_KEY=DEMO_KEY)
    assert response.status_code == 403 and "钱多多" not in response.content.decode()
