"""Household visits: the log, needs → a case, plans and due lists, the "not visited" warning."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civicgrid.core import events
from civicgrid.gridwork import actions, selectors
from civicgrid.gridwork.events import VisitLogged
from civicgrid.gridwork.models import Visit, VisitPlan
from civicgrid.people.events import HouseVisited

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured():
    seen = []
    for kind in (VisitLogged, HouseVisited):
        events.subscribe(kind, seen.append, phase=events.IN_TRANSACTION)
    yield seen
    for kind in (VisitLogged, HouseVisited):
        events.unsubscribe(kind, seen.append, phase=events.IN_TRANSACTION)


def plan(world, **overrides):
    data = {"name": "独居老人每周走访", "region": world.tree["S1C1"], "tag_code": "elderly_alone", "every_days": 7}
    data.update(overrides)
    return actions.save_plan(world.people.community, VisitPlan(), **data)


def test_a_visit_is_logged_confirms_the_house_and_publishes_both_events(world, captured):
    house = world.houses[0]
    visit = actions.log_visit(
        world.people.grid, house.pk, purpose="care", notes="身体还好", person_id=world.elder.pk, key="v1"
    )
    assert actions.log_visit(world.people.grid, house.pk, purpose="care", key="v1") == visit
    assert Visit.objects.count() == 1 and visit.region_code == house.region_code
    house.refresh_from_db()
    assert house.last_verified_by == world.people.grid
    kinds = [type(e) for e in captured]
    assert kinds.count(HouseVisited) == 1 and kinds.count(VisitLogged) == 1
    logged = next(e for e in captured if isinstance(e, VisitLogged))
    assert logged.visit_id == visit.pk and not logged.planned


def test_a_visit_clears_the_elderly_not_visited_condition(world):
    from civicgrid.people.selectors import elderly_alone_not_visited

    community = world.tree["S1C1"]
    assert world.elder in elderly_alone_not_visited(community, 7)
    actions.log_visit(world.people.grid, world.houses[0].pk, purpose="care", person_id=world.elder.pk)
    assert world.elder not in elderly_alone_not_visited(community, 7)


def test_needs_become_a_case_in_one_step(world):
    from civicgrid.cases.models import Case, Category

    category = Category.objects.selectable().first()
    visit = actions.log_visit(
        world.people.grid, world.houses[1].pk, purpose="routine", needs="楼道灯坏了", make_case=True, category=category
    )
    assert visit.case is not None and Case.objects.count() == 1
    with pytest.raises(ValidationError):
        actions.log_visit(
            world.people.grid, world.houses[1].pk, purpose="routine", needs="", make_case=True, category=category
        )
    assert Visit.objects.count() == 1 and Case.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"purpose": "nonsense"},
        {"purpose": "care", "notes": "坏\x07"},
        {"purpose": "care", "notes": "长" * 2001},
        {"purpose": "care", "key": "bad key!"},
    ],
)
def test_bad_input_is_refused_and_nothing_written(world, data):
    with pytest.raises(ValidationError):
        actions.log_visit(world.people.grid, world.houses[0].pk, **data)
    assert Visit.objects.count() == 0


def test_a_person_of_another_house_is_refused(world):
    with pytest.raises(ValidationError):
        actions.log_visit(world.people.grid, world.houses[1].pk, purpose="care", person_id=world.elder.pk)
    assert Visit.objects.count() == 0


def test_a_house_out_of_scope_is_not_found(world):
    from civicgrid.people.models import House

    for user in (world.people.neighbour_grid, world.people.resident, world.people.neighbour_staff):
        with pytest.raises(House.DoesNotExist):
            actions.log_visit(user, world.houses[0].pk, purpose="care")
    assert Visit.objects.count() == 0


def test_plans_and_the_due_list(world):
    p = plan(world)
    due = selectors.due_visits(world.people.grid)
    assert [row["person"] for row in due] == [world.elder]
    assert selectors.due_visits(world.people.neighbour_grid) == []
    visit = actions.log_visit(world.people.grid, world.houses[0].pk, purpose="care", person_id=world.elder.pk)
    assert visit.plan == p
    assert selectors.due_visits(world.people.grid) == []
    Visit.objects.filter(pk=visit.pk).update(at=timezone.now() - timedelta(days=8))
    assert [row["person"] for row in selectors.due_visits(world.people.grid)] == [world.elder]


def test_plan_input_and_scope(world):
    for bad in (
        {"every_days": 0},
        {"every_days": 400},
        {"tag_code": "nope"},
        {"name": ""},
        {"region": world.tree["S1C2"]},
    ):
        with pytest.raises(ValidationError):
            plan(world, **bad)
    with pytest.raises(ValidationError):
        actions.save_plan(
            world.people.grid,
            VisitPlan(),
            name="x",
            region=world.tree["S1C1G1"],
            tag_code="elderly_alone",
            every_days=7,
        )
    assert VisitPlan.objects.count() == 0
