"""A resident's report verified and closed earns 弘德 points (once per case, also when reopened and
closed again); a grid worker's own report does not."""

from civicgrid.cases.models import Status
from civicgrid.cases.tests.conftest import advance, report, world  # noqa: F401
from civicgrid.points.models import Account, Entry, OwnerKind


def test_a_resident_report_closed_earns_points(world):  # noqa: F811
    case = advance(world, report(world), Status.CLOSED)
    account = Account.objects.get(owner_kind=OwnerKind.PERSON, owner_id=world.people.resident.pk)
    assert account.hongde == 5
    entry = Entry.objects.get(account=account)
    assert entry.source == f"cases.case:{case.pk}"
    assert entry.event == "cases.CaseClosed"


def test_a_grid_workers_report_earns_nothing(world):  # noqa: F811
    advance(world, report(world, user=world.people.grid, source="grid_photo"), Status.CLOSED)
    assert not Entry.objects.exists()
