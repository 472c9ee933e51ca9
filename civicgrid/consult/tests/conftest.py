"""A small world for consult tests: the cases app's world (tree, categories, one user per role in
community S1C1 and its neighbours) plus base data in S1C1 — two houses, three residents of record
with accounts (two in one household, one a child), and a resident of the neighbouring community."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from civicgrid.accounts.models import Role
from civicgrid.cases.tests.conftest import _fast_and_unlimited, world  # noqa: F401
from civicgrid.consult import actions
from civicgrid.core import clock
from civicgrid.people.models import Compound
from civicgrid.people.testing import add_person, make_building, make_id_number
from civicgrid.testing import make_user

QUESTIONS = [
    {"kind": "single", "text": "是否同意建设充电棚？", "options": ["同意", "不同意"]},
    {"kind": "multiple", "text": "需要哪些配套？", "options": ["监控", "灭火器", "照明"], "min": 1, "max": 2},
    {"kind": "text", "text": "其他意见", "required": False},
]


@pytest.fixture
def voters(world):  # noqa: F811
    tree, community = world.tree, world.people.community
    compound = Compound.objects.create(name="幸福小区", community=tree["S1C1"], region_code=tree["S1C1"].code)
    building = make_building(tree["S1C1G1M1"], code="V1")
    building.compound = compound
    building.save(update_fields=["compound"])
    other_building = make_building(tree["S1C1G1M1"], code="V2")
    houses = list(building.houses.order_by("pk"))
    adult = date(1980, 5, 1)
    child = clock.now().date() - timedelta(days=365 * 10)
    head = add_person(
        community, houses[0], name="甲", phone="13811110001", id_number=make_id_number(birth=adult, female=False)
    )
    spouse = add_person(
        community, houses[0], name="乙", phone="13811110002", id_number=make_id_number(birth=date(1981, 6, 2))
    )
    kid = add_person(community, houses[1], name="丙", phone="13811110003", id_number=make_id_number(birth=child))
    outsider = add_person(
        community,
        other_building.houses.first(),
        name="丁",
        phone="13811110004",
        id_number=make_id_number(birth=date(1982, 7, 3)),
    )
    neighbour_building = make_building(tree["S1C2G1M1"], code="N1")
    neighbour_person = add_person(
        make_user("community_n_base", Role.COMMUNITY_STAFF, tree["S1C2"]),
        neighbour_building.houses.first(),
        name="戊",
        phone="13811110005",
        id_number=make_id_number(birth=date(1983, 8, 4)),
    )
    users = SimpleNamespace(
        head=make_user("v_head", Role.RESIDENT, tree["S1C1"], phone="13811110001"),
        spouse=make_user("v_spouse", Role.RESIDENT, tree["S1C1"], phone="13811110002"),
        kid=make_user("v_kid", Role.RESIDENT, tree["S1C1"], phone="13811110003"),
        outsider=make_user("v_outsider", Role.RESIDENT, tree["S1C1"], phone="13811110004"),
        neighbour=make_user("v_neighbour", Role.RESIDENT, tree["S1C2"], phone="13811110005"),
        unknown=make_user("v_unknown", Role.RESIDENT, tree["S1C1"], phone="13811110009"),
    )
    return SimpleNamespace(
        users=users,
        compound=compound,
        persons=SimpleNamespace(head=head, spouse=spouse, kid=kid, outsider=outsider, neighbour=neighbour_person),
    )


def make_poll(world, *, open_it=True, questions=None, **kwargs):  # noqa: F811
    now = clock.now()
    kwargs.setdefault("community", world.tree["S1C1"])
    kwargs.setdefault("title", "充电棚建设意见征集")
    kwargs.setdefault("opens_at", now - timedelta(hours=1))
    kwargs.setdefault("closes_at", now + timedelta(days=3))
    poll = actions.create_poll(
        world.people.community, questions=QUESTIONS if questions is None else questions, **kwargs
    )
    if open_it:
        poll = actions.open_poll(poll, world.people.community)
    return poll


def answers_for(poll, single=0, multiple=(0,), text=""):
    q = list(poll.questions.order_by("seq").prefetch_related("options"))
    result = {q[0].pk: [q[0].options.all()[single].pk], q[1].pk: [q[1].options.all()[i].pk for i in multiple]}
    if len(q) > 2:
        result[q[2].pk] = text
    return result
