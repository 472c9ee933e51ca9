"""一区一案, 五方协同, 转化提星 and the streets' targets: actions, bad input, scope."""

from datetime import timedelta

import pytest

from civicgrid.compounds import actions, selectors
from civicgrid.compounds.errors import InputError, NotFound, WrongState
from civicgrid.compounds.models import (
    CompoundClass,
    ItemStatus,
    Party,
    RectificationItem,
    RiseStatus,
    StarCriterion,
    StarRise,
    StreetTarget,
)
from civicgrid.core import clock


def _item(world, estate, **kwargs):
    data = {"problem": "楼道堆物", "measure": "清理", "owner": "物业经理", "due_date": clock.now().date()}
    data.update(kwargs)
    return actions.add_item(world.people.community, estate.a, **data)


def _criteria(level):
    return list(StarCriterion.objects.filter(level=level).values_list("pk", flat=True))


def test_an_item_is_added_and_closed_with_evidence(world, estate):
    item = _item(world, estate)
    assert item.status == ItemStatus.OPEN and item.region_code == estate.a.region_code
    closed = actions.close_item(world.people.community, item.pk, evidence="已清理")
    assert closed.status == ItemStatus.CLOSED and closed.closed_by == world.people.community
    with pytest.raises(WrongState):
        actions.close_item(world.people.community, item.pk, evidence="再次")


@pytest.mark.parametrize(
    "field,value",
    [
        ("problem", ""),
        ("problem", "坏\x00字"),
        ("owner", "x" * 51),
        ("due_date", "2026-13-01"),
        ("due_date", "1900-01-01"),
    ],
)
def test_bad_items_are_refused(world, estate, field, value):
    with pytest.raises(InputError):
        _item(world, estate, **{field: value})
    assert not RectificationItem.objects.exists()


def test_closing_needs_evidence(world, estate):
    item = _item(world, estate)
    with pytest.raises(InputError):
        actions.close_item(world.people.community, item.pk, evidence=" ")
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_out_of_scope_staff_find_nothing_and_change_nothing(world, estate):
    item = _item(world, estate)
    p = world.people
    for user in (p.community_neighbour, p.grid, p.resident, p.dept):
        with pytest.raises(NotFound):
            actions.add_item(user, estate.a, problem="x", measure="y", owner="z", due_date="2026-01-01")
        with pytest.raises(NotFound):
            actions.close_item(user, item.pk, evidence="e")
        with pytest.raises(NotFound):
            actions.add_party(user, estate.a, kind="branch", name="支部")
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN and RectificationItem.objects.count() == 1 and not Party.objects.exists()
    # The operator reads but does not write.
    with pytest.raises(NotFound):
        actions.close_item(p.operator, item.pk, evidence="e")


def test_parties_keep_only_the_masked_phone(world, estate):
    party = actions.add_party(
        world.people.community, estate.a, kind="owners", name="业主委员会", contact="王", phone="13912345678"
    )
    assert party.phone_masked == "139****5678"
    assert "13912345678" not in str(Party.objects.values_list().get(pk=party.pk))
    with pytest.raises(InputError):
        actions.add_party(world.people.community, estate.a, kind="nobody", name="x")
    with pytest.raises(InputError):
        actions.add_party(world.people.community, estate.a, kind="branch", name="x", phone="<script>")
    groups = dict(selectors.parties(estate.a))
    assert [p.name for p in groups["业主委员会"]] == ["业主委员会"]


def test_a_rise_needs_every_criterion_and_no_open_item(world, estate):
    p = world.people
    with pytest.raises(InputError):
        actions.request_rise(p.community, estate.a, criteria_met=_criteria(1)[:1])
    with pytest.raises(InputError):
        actions.request_rise(p.community, estate.a, criteria_met=_criteria(2))  # another level's
    with pytest.raises(InputError):
        actions.request_rise(p.community, estate.a, criteria_met=["x"])
    item = _item(world, estate)
    with pytest.raises(WrongState):
        actions.request_rise(p.community, estate.a, criteria_met=_criteria(1))
    actions.close_item(p.community, item.pk, evidence="ok")
    rise = actions.request_rise(p.community, estate.a, criteria_met=_criteria(1), note="达标")
    assert (rise.from_star, rise.to_star, rise.status) == (0, 1, RiseStatus.REQUESTED)
    assert rise.street_code == world.tree["S1"].code
    with pytest.raises(WrongState):
        actions.request_rise(p.community, estate.a, criteria_met=_criteria(1))
    assert StarRise.objects.count() == 1


def test_a_reviewer_confirms_and_the_class_rises(world, estate):
    p = world.people
    rise = actions.request_rise(p.community, estate.a, criteria_met=_criteria(1))
    # Community staff may not review; a neighbouring street's staff cannot see it; the requester never.
    for user in (p.community2, p.street_neighbour):
        with pytest.raises(NotFound):
            actions.review_rise(user, rise.pk, confirm=True)
    rise.refresh_from_db()
    assert rise.status == RiseStatus.REQUESTED and not CompoundClass.objects.filter(star__gt=0).exists()
    confirmed = actions.review_rise(p.street, rise.pk, confirm=True)
    assert confirmed.status == RiseStatus.CONFIRMED and confirmed.reviewed_by == p.street
    assert CompoundClass.objects.get(compound=estate.a).star == 1
    # Base data's star follows, logged under the reviewer's name.
    from civicgrid.core.changelog import changes_for
    from civicgrid.people.models import Compound

    compound = Compound.objects.get(pk=estate.a.pk)
    assert compound.star == 1
    assert changes_for(compound).first().user == p.street
    with pytest.raises(WrongState):
        actions.review_rise(p.street2, rise.pk, confirm=True)
    progress = {s.code: (goal, done) for s, goal, done in selectors.street_progress(p.street)}
    assert progress[world.tree["S1"].code] == (10, 1)


def test_the_requester_cannot_confirm_their_own_rise(world, estate):
    p = world.people
    rise = actions.request_rise(p.street, estate.a, criteria_met=_criteria(1))
    with pytest.raises(WrongState):
        actions.review_rise(p.street, rise.pk, confirm=True)
    refused = actions.review_rise(p.street2, rise.pk, confirm=False)
    assert refused.status == RiseStatus.REFUSED
    assert CompoundClass.objects.get(compound=estate.a).star == 0


def test_street_targets(world, estate):
    p = world.people
    year = clock.now().year
    actions.set_target(p.street, world.tree["S1"], year=year, target=12)
    actions.set_target(p.street, world.tree["S1"], year=year, target=11)
    assert StreetTarget.objects.get(region_code=world.tree["S1"].code, year=year).target == 11
    for user in (p.community, p.street_neighbour):
        with pytest.raises(NotFound):
            actions.set_target(user, world.tree["S1"], year=year, target=1)
    with pytest.raises(InputError):
        actions.set_target(p.street, world.tree["S1"], year="x", target=1)
    with pytest.raises(InputError):
        actions.set_target(p.street, world.tree["S1"], year=year, target=-1)
    with pytest.raises(InputError):
        actions.set_target(p.street, world.tree["S1C1"], year=year, target=1)
    assert StreetTarget.objects.get().target == 11


def test_overview_counts_and_zero_complaint(world, estate):
    p = world.people
    _item(world, estate, due_date=clock.now().date() + timedelta(days=3))
    rows = selectors.overview(p.street)
    by_name = {r["compound"].name: r for r in rows}
    assert by_name["幸福小区"]["open_items"] == 1
    assert "和谐小区" not in by_name or by_name["和谐小区"]  # S1C2 is in street S1 too
    assert estate.a in selectors.zero_complaint(rows)
    assert [r["compound"].name for r in selectors.overview(p.community)] == ["幸福小区"]
    assert selectors.overview(p.resident) == []
