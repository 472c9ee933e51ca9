import pytest

from civicgrid.accounts.models import Role
from civicgrid.regions.models import Department, Region
from civicgrid.testing import build_tree, make_department, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return build_tree()


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_every_role_sees_exactly_its_subtree(tree):
    cases = [
        (Role.GRID_WORKER, "S1C1G2"),
        (Role.COMMUNITY_STAFF, "S2C1"),
        (Role.STREET_STAFF, "S1"),
        (Role.COMMAND_OPERATOR, "D"),
        (Role.MICROGRID_MEMBER, "S2C2G1M1"),
        (Role.RESIDENT, "S1C2"),
    ]
    for i, (role, key) in enumerate(cases):
        node = tree[key]
        user = make_user(f"u{i}", role, tree[key])
        expected = codes(Region.objects.subtree(node))
        assert codes(Region.objects.restrict(user, "view")) == expected, role


def test_a_user_with_two_assignments_sees_both_subtrees(tree):
    user = make_user("two", Role.GRID_WORKER, tree["S1C1G1"])
    from civicgrid.accounts.actions import grant_role

    grant_role(user, Role.GRID_WORKER, region=tree["S2C2G2"])
    expected = codes(Region.objects.subtree(tree["S1C1G1"])) | codes(Region.objects.subtree(tree["S2C2G2"]))
    assert codes(Region.objects.restrict(user, "view")) == expected


def test_no_role_sees_nothing_and_superuser_everything(tree):
    nobody = make_user("nobody")
    assert not Region.objects.restrict(nobody, "view").exists()
    boss = make_user("boss")
    boss.is_superuser = True
    boss.save()
    assert Region.objects.restrict(boss, "view").count() == Region.objects.count()


def test_view_does_not_grant_change(tree):
    worker = make_user("w", Role.GRID_WORKER, tree["S1C1G1"])
    assert not Region.objects.restrict(worker, "change").exists()
    admin = make_user("a", Role.SYSTEM_ADMIN, tree["S1"])
    assert codes(Region.objects.restrict(admin, "change")) == codes(Region.objects.subtree(tree["S1"]))


def test_department_staff_sees_the_region_its_department_serves(tree):
    dept = make_department(tree["S2"])
    staff = make_user("d", Role.DEPARTMENT_STAFF, department=dept)
    assert codes(Region.objects.restrict(staff, "view")) == codes(Region.objects.subtree(tree["S2"]))
    assert list(Department.objects.restrict(staff, "view")) == [dept]


def test_revoked_role_no_longer_scopes(tree):
    from civicgrid.accounts.actions import revoke_role

    user = make_user("r", Role.STREET_STAFF, tree["S1"])
    revoke_role(user.role_assignments.get())
    user.refresh_from_db()
    assert not Region.objects.restrict(user, "view").exists()
