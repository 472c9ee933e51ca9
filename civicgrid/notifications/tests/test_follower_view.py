"""Issue 12: a follower hears of a case through its public version. The reporter of a duplicate
merged into another resident's private case is told of that case's closure without its title
(built from the private address), its internal close note or a link to the staff page."""

import pytest

from civicgrid.cases import actions
from civicgrid.cases.models import Status
from civicgrid.cases.tests.conftest import advance, fresh, report
from civicgrid.notifications.actions import case_url, messages_for
from civicgrid.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

ADDRESS = "和平里5号楼1单元402室"


def test_a_merged_duplicates_reporter_hears_the_public_version_only(world, committed):
    private = report(world, is_public=False, address=ADDRESS)
    assert ADDRESS in private.title
    duplicate = report(world, user=world.people.resident2)
    actions.merge_duplicate(duplicate, private, world.people.community, version=duplicate.version)
    case = advance(world, fresh(private), Status.VERIFIED)
    with committed():
        actions.close_case(case, world.people.community, version=case.version, note="内部：已与甲方房东协调")
    mine = Notification.objects.get(kind=Kind.CLOSED, recipient=world.people.resident)
    theirs = Notification.objects.get(kind=Kind.CLOSED, recipient=world.people.resident2)
    assert ADDRESS in mine.title and "房东" in mine.body
    assert ADDRESS not in theirs.title and case.number in theirs.title and "房东" not in theirs.body
    assert case_url(case, world.people.resident2.pk) == f"/cases/my/{case.number}/"
    assert messages_for([theirs.pk])[0]["url"] == f"/cases/my/{case.number}/"
