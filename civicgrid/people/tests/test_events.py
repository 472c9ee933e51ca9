"""Base data publishes its events (civicgrid.people.events) once the change is written: ids and
region codes only, never names or numbers."""

import pytest

from civicgrid.core import events
from civicgrid.people import actions
from civicgrid.people import events as people_events
from civicgrid.people.models import Usage
from civicgrid.people.testing import add_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    seen = []
    events.subscribe(people_events.PersonEvent, seen.append, phase=events.IN_TRANSACTION)
    events.subscribe(people_events.HouseVisited, seen.append, phase=events.IN_TRANSACTION)
    yield seen
    events.unsubscribe(people_events.PersonEvent, seen.append, phase=events.IN_TRANSACTION)
    events.unsubscribe(people_events.HouseVisited, seen.append, phase=events.IN_TRANSACTION)


def test_registering_moving_and_a_visit_are_announced(worker, building, heard):
    first, second = building.houses.all()[:2]
    person = add_person(worker, first, name="李秀英")
    stays = add_person(worker, first, name="王大妈")
    actions.move_in(worker, person, second)
    actions.verify_house(worker, first, usage=Usage.SELF, present_ids=[])
    kinds = [type(e).__name__ for e in heard]
    assert kinds == [
        "PersonRegistered",
        "PersonRegistered",
        "PersonMovedOut",
        "PersonMovedIn",
        "PersonMovedOut",
        "HouseVisited",
    ]
    registered, moved_out, moved_in, visit = heard[0], heard[2], heard[3], heard[-1]
    assert registered.house_id == first.pk and registered.actor_id == worker.pk
    assert moved_out.house_id == first.pk and moved_in.house_id == second.pk
    assert visit.house_id == first.pk and visit.moved_out_ids == (stays.pk,)
    assert "李秀英" not in repr(heard) and "王大妈" not in repr(heard)


def test_a_refused_change_announces_nothing(worker, building, heard):
    from django.core.exceptions import ValidationError

    house = building.houses.first()
    person = add_person(worker, house, name="李秀英")
    heard.clear()
    with pytest.raises(ValidationError):
        actions.move_in(worker, person, house)
    assert heard == []
