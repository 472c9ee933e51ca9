"""Role assignments are cached across requests under the user's roles stamp: every change of roles,
and of a region or department someone holds a role on, shows at the next request."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from civicgrid.accounts import scopes
from civicgrid.accounts.actions import grant_role, revoke_role
from civicgrid.accounts.models import Role, User
from civicgrid.regions.actions import save_department, update_region
from civicgrid.testing import build_tree, make_department, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    cache.clear()
    return build_tree(fanout=2)


def fresh(user):
    """The user as the next request loads them."""
    return User.objects.get(pk=user.pk)


def read(user):
    with CaptureQueriesContext(connection) as queries:
        held = [
            (a.role, a.scope_code, a.region.name if a.region_id else a.department.name)
            for a in scopes.active_assignments(user)
        ]
    return held, len(queries.captured_queries)


def test_the_second_request_reads_no_assignment_row(tree):
    street = tree["S1"]
    user = make_user("jd", Role.STREET_STAFF, region=street)
    first, queries = read(fresh(user))
    assert queries == 1 and first == [(Role.STREET_STAFF, street.code, street.name)]
    assert read(fresh(user)) == (first, 0)


def test_a_grant_and_a_revoke_show_at_the_next_request(tree):
    street, other = tree["S1"], tree["S2C1"]
    user = make_user("jd", Role.STREET_STAFF, region=street)
    read(fresh(user))
    assignment = grant_role(fresh(user), Role.COMMUNITY_STAFF, region=other)
    held, _ = read(fresh(user))
    assert {role for role, *_ in held} == {Role.STREET_STAFF, Role.COMMUNITY_STAFF}
    revoke_role(assignment)
    held, _ = read(fresh(user))
    assert held == [(Role.STREET_STAFF, street.code, street.name)]


def test_renaming_a_region_or_moving_a_department_shows_at_the_next_request(tree):
    street, other = tree["S1"], tree["S2"]
    user = make_user("jd", Role.STREET_STAFF, region=street)
    department = make_department(street)
    staff = make_user("bm", Role.DEPARTMENT_STAFF, department=department)
    read(fresh(user)), read(fresh(staff))
    update_region(street, name="新名街道")
    assert read(fresh(user))[0] == [(Role.STREET_STAFF, street.code, "新名街道")]
    department.region = other
    save_department(department)
    assert read(fresh(staff))[0][0][1] == other.code


def test_a_rolled_back_grant_leaves_no_stale_entry(tree):
    street, other = tree["S1"], tree["S2C1"]
    user = make_user("jd", Role.STREET_STAFF, region=street)
    before = read(fresh(user))[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        grant_role(fresh(user), Role.COMMUNITY_STAFF, region=other)
        read(fresh(user))  # cached inside the doomed transaction, under its own stamp
        raise RuntimeError
    assert read(fresh(user))[0] == before
    grant_role(fresh(user), Role.STREET_STAFF, region=tree["S2"])
    assert {role for role, *_ in read(fresh(user))[0]} == {Role.STREET_STAFF}
    assert len(read(fresh(user))[0]) == 2
