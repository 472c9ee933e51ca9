"""Builders for party-building tests, here and elsewhere (the scope walk).

`build_party(tree, admin, base_user, department)` makes, through the actions, on a region tree of
civicgrid.testing.build_tree:

    S1 街道党工委 (committee, S1)            — street secretary `street_secretary` (reviews below)
      C1 社区党总支 (general branch, S1C1)   — `c1_secretary`; `first_secretary` (sent by `department`)
        G1 网格党支部 (branch, S1C1G1)       — `branch_secretary`, instructor `instructor`;
                                               members `member1`, `member2` (probationary)
          第一党小组 (group, S1C1G1)
        C1 第二党支部 (branch, S1C1G2)
      C2 社区党支部 (branch, S1C2)           — `c2_secretary`; member `member3`
    机关工委 (committee, district)            — `organ_secretary`
      城管局机关党支部 (organ branch, district, department) — member `commuter`, who registers (双报到)
                                                with S1C1

Each member is a person of base data whose phone is their account's, so `policy.member_for`
finds them. Returns a SimpleNamespace of the organisations (`street`, `c1`, `g1`, `group`,
`c1b2`, `c2`, `organ_root`, `organ`), the accounts above and the members (`m1`, `m2`, `m3`,
`m_commuter`), and the registration (`registration`)."""

from datetime import date
from types import SimpleNamespace

from civicgrid.accounts.models import Role
from civicgrid.party import actions
from civicgrid.party.models import Field, MemberStatus, OrgKind, PostKind


def build_party(tree, admin, base_user, department, prefix=""):
    from civicgrid.people.testing import add_person, make_building, make_id_number
    from civicgrid.testing import make_user

    def org(parent, name, kind, region, field=Field.COMMUNITY, **extra):
        return actions.create_organisation(
            admin, parent.pk if parent else None, name=f"{prefix}{name}", kind=kind, field=field, region=region, **extra
        )

    p = SimpleNamespace()
    p.street = org(None, "S1街道党工委", OrgKind.COMMITTEE, tree["S1"])
    p.c1 = org(p.street, "C1社区党总支", OrgKind.GENERAL_BRANCH, tree["S1C1"])
    p.g1 = org(p.c1, "G1网格党支部", OrgKind.BRANCH, tree["S1C1G1"])
    p.group = org(p.g1, "第一党小组", OrgKind.GROUP, tree["S1C1G1"])
    p.c1b2 = org(p.c1, "C1第二党支部", OrgKind.BRANCH, tree["S1C1G2"])
    p.c2 = org(p.street, "C2社区党支部", OrgKind.BRANCH, tree["S1C2"])
    p.organ_root = org(None, "区直机关工委", OrgKind.COMMITTEE, tree["D"], field=Field.ORGAN)
    p.organ = org(p.organ_root, "城管局机关党支部", OrgKind.BRANCH, tree["D"], field=Field.ORGAN, department=department)

    def account(name, phone=None):
        return make_user(f"{prefix}{name}", phone=phone)

    def post(user, organisation, kind, **extra):
        actions.appoint(admin, organisation.pk, user, kind, **extra)
        return user

    p.street_secretary = post(account("street_secretary"), p.street, PostKind.SECRETARY)
    p.c1_secretary = post(account("c1_secretary"), p.c1, PostKind.SECRETARY)
    p.branch_secretary = post(account("branch_secretary"), p.g1, PostKind.SECRETARY)
    p.instructor = post(account("instructor"), p.g1, PostKind.INSTRUCTOR)
    p.c2_secretary = post(account("c2_secretary"), p.c2, PostKind.SECRETARY)
    p.organ_secretary = post(account("organ_secretary"), p.organ_root, PostKind.SECRETARY)
    p.first_secretary = post(account("first_secretary"), p.c1, PostKind.FIRST_SECRETARY, department=department)

    digits = "1" if not prefix else str(abs(hash(prefix)) % 9 + 1)
    houses = list(make_building(tree["S1C1G1M1"], code=f"{prefix}PB1").houses.order_by("pk"))
    others = list(make_building(tree["S1C2G1M1"], code=f"{prefix}PB2").houses.order_by("pk"))

    def member(name, organisation, house, community, n, status=MemberStatus.FULL):
        phone = f"137{digits}000{n:04d}"
        user = make_user(f"{prefix}{name}", Role.RESIDENT, tree[community], phone=phone)
        id_number = make_id_number()
        add_person(base_user, house, name=f"{prefix}{name}", id_number=id_number, phone=phone)
        row = actions.add_member(
            organisation_secretary(organisation),
            organisation.pk,
            id_number=id_number,
            status=status,
            joined_on=date(2015, 7, 1),
            full_on=date(2016, 7, 1) if status == MemberStatus.FULL else None,
        )
        return user, row

    def organisation_secretary(organisation):
        return p.organ_secretary if organisation.field == Field.ORGAN else p.street_secretary

    p.member1, p.m1 = member("member1", p.g1, houses[0], "S1C1", 1)
    p.member2, p.m2 = member("member2", p.g1, houses[1], "S1C1", 2, status=MemberStatus.PROBATIONARY)
    p.member3, p.m3 = member("member3", p.c2, others[0], "S1C2", 3)
    p.commuter, p.m_commuter = member("commuter", p.organ, houses[2], "S1C1", 4)
    p.registration = actions.register_with_community(p.commuter, tree["S1C1"].pk, note="周末可参加志愿服务")
    return p


def scope_objects(staff, nodes, side):
    """The side's party namespace for the site's scope walk (civicgrid/site/tests/scope_world.py):
    `street_org` (committee on S) whose secretary is the side's street account, `community_org`
    (general branch on C) whose secretary is the side's community account, `branch` (on G) with the
    side's resident as `member` (their base-data person, found by phone), `branch2` (on C), the
    side's `department` and `dept` account, `admin`; then each part adds its objects."""
    from importlib import import_module

    from civicgrid.people.models import Person
    from civicgrid.people.selectors import person_ids_with_phone

    admin, resident = staff["admin"], staff["resident"]
    o = SimpleNamespace(side=side, admin=admin, department=staff["department"], dept=staff["dept"])
    o.street, o.community, o.resident = staff["street"], staff["community"], resident

    def org(parent, name, kind, region):
        return actions.create_organisation(
            admin, parent.pk if parent else None, name=f"{side} {name}", kind=kind, field=Field.COMMUNITY, region=region
        )

    o.street_org = org(None, "街道党工委", OrgKind.COMMITTEE, nodes.S)
    o.community_org = org(o.street_org, "社区党委", OrgKind.GENERAL_BRANCH, nodes.C)
    o.branch = org(o.community_org, "网格党支部", OrgKind.BRANCH, nodes.G)
    o.branch2 = org(o.community_org, "第二党支部", OrgKind.BRANCH, nodes.C)
    actions.appoint(admin, o.street_org.pk, o.street, PostKind.SECRETARY)
    actions.appoint(admin, o.community_org.pk, o.community, PostKind.SECRETARY)
    person = Person.objects.filter(pk__in=person_ids_with_phone(resident.phone)).order_by("pk").first()
    o.member = actions.add_member(
        o.community, o.branch.pk, person=person, status=MemberStatus.FULL, joined_on=date(2012, 7, 1)
    )
    o.post = actions.appoint(admin, o.branch2.pk, o.community, PostKind.ORGANISER)
    # Two more persons of the side's grid: a probationary member, and a candidate to record (by ID number).
    from civicgrid.people.testing import add_person, make_building, make_id_number

    house = make_building(nodes.M, code=f"PARTY{side}").houses.order_by("pk").first()
    numbers = [make_id_number() for _ in range(2)]
    probationary = add_person(admin, house, name=f"{side}预备党员", id_number=numbers[0])
    add_person(admin, house, name=f"{side}入党积极分子", id_number=numbers[1])
    o.probationary = actions.add_member(
        o.community, o.branch.pk, person=probationary, status=MemberStatus.PROBATIONARY, joined_on=date(2026, 1, 1)
    )
    o.candidate_id_number = numbers[1]
    o.registration = actions.register_with_community(resident, nodes.C.pk)
    o.nodes = nodes
    for part in ("ratings", "projects", "study", "orders"):
        import_module(f"civicgrid.party.testing.{part}").scope_objects(o, side)
    return o
