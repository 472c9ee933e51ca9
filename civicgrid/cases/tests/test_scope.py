"""Who sees which cases: Case.objects.restrict(user, "view") and the neighbourhood board."""

import pytest

from civicgrid.cases import actions
from civicgrid.cases.errors import CaseNotFound
from civicgrid.cases.models import Case, HandlingLevel, Status
from civicgrid.cases.tests.conftest import accepted, make_case, point_in, report
from civicgrid.testing import make_user


@pytest.fixture
def spread(world):
    """One case in each of: our grid, the neighbour grid, the neighbour community, the other
    street; and one of ours handled by the city-management department with water co-handling."""
    return {
        "home": report(world),
        "grid2": report(world, where="S1C1G2M1"),
        "community2": report(world, where="S1C2G1M1"),
        "street2": report(world, where="S2C1G1M1", user=world.people.resident2),
        "department": make_case(
            world, Status.DISPATCHED, level=HandlingLevel.DEPARTMENT, code="06010", co=[world.water]
        ),
    }


def lonlat(node):
    lon, lat = point_in(node)
    return {"lon": lon, "lat": lat}


def visible(world, who, spread):
    user = getattr(world.people, who)
    ids = set(Case.objects.restrict(user, "view").values_list("pk", flat=True))
    return {name for name, case in spread.items() if case.pk in ids}


ALL = {"home", "grid2", "community2", "street2", "department"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("grid", {"home", "department"}),
        ("grid_neighbour", {"grid2"}),
        ("community", {"home", "grid2", "department"}),
        ("community_neighbour", {"community2"}),
        ("street", {"home", "grid2", "community2", "department"}),
        ("street_neighbour", {"street2"}),
        ("operator", ALL),
        ("admin", ALL),
        # Department staff see their department's cases, not their whole service area.
        ("dept", {"department"}),
        ("dept_water", {"department"}),  # co-handling
        # Residents see what they reported.
        ("resident", {"home", "grid2", "community2", "department"}),
        ("resident2", {"street2"}),
    ],
)
def test_each_role_sees_its_subtree_or_its_own(world, spread, who, expected):
    assert visible(world, who, spread) == expected


def test_nobody_and_superuser(world, spread):
    assert visible(world, "admin", spread) == ALL
    nobody = make_user("nobody")
    assert not Case.objects.restrict(nobody).exists()
    boss = make_user("boss")
    boss.is_superuser = True
    boss.save()
    assert Case.objects.restrict(boss).count() == len(ALL)
    from django.contrib.auth.models import AnonymousUser

    assert not Case.objects.restrict(AnonymousUser()).exists()


def test_a_grid_worker_cannot_open_or_act_on_a_neighbour_grids_case(world, spread):
    theirs = spread["grid2"]
    neighbour = world.people.grid
    assert not Case.objects.restrict(neighbour).filter(pk=theirs.pk).exists()
    with pytest.raises(CaseNotFound):
        actions.accept_case(theirs, neighbour, version=theirs.version)
    with pytest.raises(CaseNotFound):
        actions.follow_case(report(world, where="S1C1G2M1", is_public=False), neighbour)


def test_the_assignee_keeps_sight_of_a_case_moved_out_of_their_grid(world):
    case = make_case(world, Status.HANDLING)
    case = actions.correct_location(
        case,
        world.people.community,
        version=case.version,
        **lonlat(world.tree["S1C1G2M1"]),
    )
    assert case.grid == world.tree["S1C1G2"] and case.assignee == world.people.grid
    assert Case.objects.restrict(world.people.grid).filter(pk=case.pk).exists()
    assert Case.objects.restrict(world.people.grid_neighbour).filter(pk=case.pk).exists()
    # …but the grid worker is no longer its handling unit, so they cannot act on it any more.
    from civicgrid.cases.errors import ActionNotAllowed

    with pytest.raises(ActionNotAllowed):
        actions.feedback_case(case, world.people.grid, version=case.version, note="done")


def test_correcting_the_location_of_an_undispatched_case_reroutes_it(world):
    case = report(world, code="S05001")
    case = actions.correct_location(case, world.people.street, version=case.version, **lonlat(world.tree["S1C2G1M1"]))
    assert (case.community, case.region_code) == (world.tree["S1C2"], world.tree["S1C2G1M1"].code)
    assert not Case.objects.restrict(world.people.community).filter(pk=case.pk).exists()
    assert Case.objects.restrict(world.people.community_neighbour).filter(pk=case.pk).exists()
    event = case.events.order_by("-seq").first()
    assert event.details["before"]["region_code"] == world.tree["S1C1G1M1"].code and event.details["rerouted"]


def test_the_board_shows_a_communitys_public_cases_only(world):
    public = accepted(world, report(world))
    report(world)  # public, but not accepted yet: the default board waits for acceptance
    accepted(world, report(world, is_public=False))
    accepted(world, report(world, where="S1C2G1M1"), by=world.people.community_neighbour)  # another community
    rejected = report(world)
    actions.reject_case(rejected, world.people.community, version=rejected.version, reason="不属实")
    assert list(Case.objects.board(world.tree["S1C1"])) == [public]
    # A resident of the community sees the board, without seeing the cases through restrict().
    assert list(Case.objects.board_for(world.people.resident2)) == [public]
    assert not Case.objects.restrict(world.people.resident2).exists()
    assert not Case.objects.board_for(make_user("nobody")).exists()


def test_staff_keep_what_they_reported_elsewhere_in_their_queue_but_not_what_they_follow(world, spread):
    """restrict() lists a staff member's own cases outside their area by id (so the area branch
    stays index-only); they must still be visible, and in the queue with its status filter. A
    case they merely follow elsewhere is not theirs to handle: following gives its public version
    (cases.access), never the whole record in a queue (issue 12)."""
    from civicgrid.cases import selectors

    street = world.people.street
    mine_elsewhere = report(world, where="S2C1G1M1", user=street)
    spread["street2"] = accepted(world, spread["street2"], by=world.people.street_neighbour)  # public on the board
    actions.follow_case(spread["street2"], street)
    visible_ids = set(Case.objects.restrict(street).values_list("pk", flat=True))
    assert {mine_elsewhere.pk, spread["home"].pk} <= visible_ids
    assert spread["street2"].pk not in visible_ids
    queue_ids = set(selectors.queue(street).values_list("pk", flat=True))
    assert mine_elsewhere.pk in queue_ids and spread["street2"].pk not in queue_ids
    closed_only = set(selectors.queue(street, statuses=[Status.CLOSED]).values_list("pk", flat=True))
    assert mine_elsewhere.pk not in closed_only
    # The neighbour street's own staff see it through their area, as before.
    assert mine_elsewhere.pk in set(Case.objects.restrict(world.people.street_neighbour).values_list("pk", flat=True))
