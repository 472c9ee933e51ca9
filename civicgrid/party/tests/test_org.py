"""The organisation tree, posts, membership and 双报到: actions, reach and pages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from civicgrid.party import actions, policy
from civicgrid.party.models import Member, MemberStatus, Organisation, OrgKind, Post, PostKind, Registration, Transfer
from civicgrid.people.testing import add_person, make_building, make_id_number


def login(client, user):
    client.force_login(user)
    return client


def test_reach(world):
    p, s = world.party, world.staff
    assert policy.member_for(p.member1) == p.m1
    assert policy.member_for(s.resident) is None
    assert set(policy.members_for(p.branch_secretary)) == {p.m1, p.m2}
    assert set(policy.members_for(p.street_secretary)) == {p.m1, p.m2, p.m3}
    # Membership is for party-affairs posts only: not the admin, not the instructor, not the first secretary.
    for user in (s.admin, p.instructor, p.first_secretary, s.community, s.street):
        assert not policy.members_for(user).exists()
    # Reviews: strictly below, or the instructed branch; never one's own.
    assert p.g1 in policy.reviewed_orgs(p.c1_secretary)
    assert p.c1 not in policy.reviewed_orgs(p.c1_secretary)
    assert p.g1 in policy.reviewed_orgs(p.instructor)
    assert p.g1 not in policy.reviewed_orgs(p.branch_secretary)
    assert p.c2 not in policy.reviewed_orgs(p.c1_secretary)


def test_tree_rules(world):
    p, s = world.party, world.staff
    with pytest.raises(ValidationError) as error:
        actions.create_organisation(
            s.admin, p.g1.pk, name="错层", kind=OrgKind.GENERAL_BRANCH, region=world.tree["S1C1G1"]
        )
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.create_organisation(s.admin, p.g1.pk, name="越界小组", kind=OrgKind.GROUP, region=world.tree["S1C2"])
    assert "region" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.create_organisation(
            s.admin, p.c1.pk, name="G1网格党支部", kind=OrgKind.BRANCH, region=world.tree["S1C1G1"]
        )
    with pytest.raises(ValidationError):
        actions.create_organisation(s.admin, p.c1.pk, name="坏\x00名", kind=OrgKind.BRANCH, region=world.tree["S1C1G1"])
    # A secretary adds below; not beside or above.
    new = actions.create_organisation(
        p.c1_secretary, p.c1.pk, name="新支部", kind=OrgKind.BRANCH, region=world.tree["S1C1"]
    )
    assert new.path == f"{p.c1.path}{new.pk}/" and new.region_code == world.tree["S1C1"].code
    before = Organisation.objects.count()
    with pytest.raises(Organisation.DoesNotExist):
        actions.create_organisation(
            p.c1_secretary, p.street.pk, name="越权", kind=OrgKind.BRANCH, region=world.tree["S1"]
        )
    with pytest.raises(Organisation.DoesNotExist):
        actions.create_organisation(s.community, p.c1.pk, name="越权", kind=OrgKind.BRANCH, region=world.tree["S1C1"])
    assert Organisation.objects.count() == before


def test_posts(world):
    p, s = world.party, world.staff
    post = actions.appoint(p.c1_secretary, p.g1.pk, s.resident, PostKind.AFFAIRS)
    assert policy.members_for(s.resident).count() == 2
    with pytest.raises(ValidationError):
        actions.appoint(p.c1_secretary, p.g1.pk, s.resident, PostKind.AFFAIRS)
    with pytest.raises(ValidationError):
        actions.appoint(p.c1_secretary, p.g1.pk, s.resident, PostKind.FIRST_SECRETARY)
    with pytest.raises(Organisation.DoesNotExist):
        actions.appoint(p.branch_secretary, p.g1.pk, s.resident, PostKind.DEPUTY)  # not above its own
    actions.end_post(p.c1_secretary, post.pk)
    assert not policy.members_for(s.resident).exists()
    with pytest.raises(ValidationError):
        actions.end_post(p.c1_secretary, post.pk)
    with pytest.raises(Post.DoesNotExist):
        actions.end_post(p.c2_secretary, post.pk)


def test_members_and_history(world):
    p, s = world.party, world.staff
    house = make_building(world.tree["S1C1G1M2"], code="PX").houses.first()
    number = make_id_number()
    add_person(s.admin, house, name="李新", id_number=number, phone="13911112222")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        actions.add_member(
            p.branch_secretary, p.g1.pk, id_number=number, status="full", joined_on=today + timedelta(days=1)
        )
    assert "joined_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.add_member(p.branch_secretary, p.g1.pk, id_number="110101199001011234", status="full", joined_on=today)
    assert "id_number" in error.value.message_dict
    with pytest.raises(ValidationError):  # lives in S1C1G1, not under C2
        actions.add_member(p.c2_secretary, p.c2.pk, id_number=number, status="full", joined_on=today)
    with pytest.raises(Organisation.DoesNotExist):
        actions.add_member(s.admin, p.g1.pk, id_number=number, status="full", joined_on=today)
    member = actions.add_member(
        p.branch_secretary, p.g1.pk, id_number=number, status=MemberStatus.PROBATIONARY, joined_on=date(2025, 7, 1)
    )
    with pytest.raises(ValidationError):
        actions.add_member(p.branch_secretary, p.g1.pk, id_number=number, status="full", joined_on=date(2025, 7, 1))
    actions.make_full(p.branch_secretary, member.pk, on=date(2026, 7, 1))
    with pytest.raises(ValidationError):
        actions.make_full(p.branch_secretary, member.pk)
    actions.move_member(p.branch_secretary, member.pk, p.group.pk)
    with pytest.raises(Organisation.DoesNotExist):
        actions.move_member(p.branch_secretary, member.pk, p.c2.pk)
    actions.transfer_out(p.c1_secretary, member.pk, "外省某党支部")
    member.refresh_from_db()
    assert not member.is_active and member.organisation == p.group
    kinds = list(Transfer.objects.filter(member=member).values_list("kind", flat=True))
    assert kinds == ["joined", "full", "moved", "out"]
    with pytest.raises(Member.DoesNotExist):
        actions.transfer_out(p.c1_secretary, member.pk, "再转")


def test_registration(world):
    p = world.party
    assert Registration.objects.filter(member=p.m_commuter, community=world.tree["S1C1"]).exists()
    with pytest.raises(ValidationError):
        actions.register_with_community(p.commuter, world.tree["S1C1"].pk)
    with pytest.raises(ValidationError):
        actions.register_with_community(p.commuter, world.tree["S1C1G1"].pk)  # not a community
    with pytest.raises(ValidationError):
        actions.register_with_community(world.staff.resident, world.tree["S1C1"].pk)  # not a member
    with pytest.raises(Registration.DoesNotExist):
        actions.end_registration(p.member1, p.registration.pk)
    actions.end_registration(p.commuter, p.registration.pk)
    actions.register_with_community(p.commuter, world.tree["S1C1"].pk)


def test_pages(world, client):
    p, s = world.party, world.staff
    login(client, p.c1_secretary)
    assert client.get(reverse("party:home")).status_code == 200
    page = client.get(reverse("party:organisations"))
    assert (
        page.status_code == 200
        and "G1网格党支部" in page.content.decode()
        and "C2社区党支部" not in page.content.decode()
    )
    assert client.get(reverse("party:organisation", args=[p.c2.pk])).status_code == 404
    page = client.get(reverse("party:members", args=[p.g1.pk]))
    assert page.status_code == 200 and "member1" in page.content.decode()
    assert client.get(reverse("party:member", args=[p.m3.pk])).status_code == 404
    bad = client.post(
        reverse("party:members", args=[p.g1.pk]), {"id_number": "x\x01", "status": "full", "joined_on": "2020-13-01"}
    )
    assert bad.status_code == 400
    client.logout()
    # The admin keeps the tree but never sees the members.
    login(client, s.admin)
    assert client.get(reverse("party:organisation", args=[p.g1.pk])).status_code == 200
    assert client.get(reverse("party:members", args=[p.g1.pk])).status_code == 404
    assert client.get(reverse("party:member", args=[p.m1.pk])).status_code == 404
    client.logout()
    login(client, p.commuter)
    assert client.get(reverse("party:me")).status_code == 200
    client.logout()
    login(client, s.community)
    page = client.get(reverse("party:registrations"))
    assert page.status_code == 200 and "c**" in page.content.decode() and "commuter" not in page.content.decode()
    assert client.get(reverse("party:me")).status_code == 404
    assert client.get(reverse("party:members", args=[p.g1.pk])).status_code == 404
    before = Member.objects.count()
    client.post(
        reverse("party:members", args=[p.g1.pk]), {"id_number": "1", "status": "full", "joined_on": "2020-01-01"}
    )
    assert Member.objects.count() == before


def test_a_branch_in_a_compound(world):
    """三合一: a compound's party branch sits on a grid of the compound's community, never elsewhere."""
    from civicgrid.people.models import Compound

    p, s = world.party, world.staff
    compound = Compound.objects.create(
        name="幸福小区", community=world.tree["S1C1"], region_code=world.tree["S1C1"].code
    )
    branch = actions.create_organisation(
        p.c1_secretary,
        p.c1.pk,
        name="幸福小区党支部",
        kind=OrgKind.BRANCH,
        region=world.tree["S1C1G2"],
        compound=compound,
    )
    assert branch.compound == compound
    with pytest.raises(ValidationError) as error:
        actions.create_organisation(
            s.admin, p.c2.pk, name="越界小区党小组", kind=OrgKind.GROUP, region=world.tree["S1C2"], compound=compound
        )
    assert "compound" in error.value.message_dict
