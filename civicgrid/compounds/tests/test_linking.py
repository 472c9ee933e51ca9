"""Cases placed in compounds from the case loop's events: a report near a compound's building is
the compound's; closing it takes it off the open count; a 12345 order counts against zero-complaint."""

from civicgrid.cases import actions as case_actions
from civicgrid.cases.models import Source
from civicgrid.compounds import selectors
from civicgrid.compounds.actions.linking import backfill
from civicgrid.compounds.models import CompoundCase


def test_a_report_near_a_building_belongs_to_its_compound(world, estate, django_capture_on_commit_callbacks):
    b = estate.building_a
    with django_capture_on_commit_callbacks(execute=True):
        result = case_actions.report_case(
            world.people.resident, category=world.cats["S05001"], description="楼道堆物", lon=b.lon, lat=b.lat
        )
    row = CompoundCase.objects.get(case_id=result.case.pk)
    assert row.compound == estate.a and row.is_open and not row.hotline
    with django_capture_on_commit_callbacks(execute=True):
        far = case_actions.report_case(
            world.people.resident, category=world.cats["S05001"], description="远处", lon=b.lon + 0.05, lat=b.lat
        )
    assert not CompoundCase.objects.filter(case_id=far.case.pk).exists()
    # Rejecting the case takes it off the open count.
    with django_capture_on_commit_callbacks(execute=True):
        case_actions.reject_case(result.case, world.people.community, version=result.case.version, reason="重复")
    assert not CompoundCase.objects.get(case_id=result.case.pk).is_open


def test_hotline_orders_count_and_backfill_places_earlier_cases(world, estate, django_capture_on_commit_callbacks):
    b = estate.building_a
    with django_capture_on_commit_callbacks(execute=True):
        hotline = case_actions.report_case(
            world.people.operator,
            category=world.cats["S05001"],
            description="热线反映楼道堆物",
            source=Source.HOTLINE,
            caller_phone="13800001111",
            lon=b.lon,
            lat=b.lat,
        )
    assert CompoundCase.objects.get(case_id=hotline.case.pk).hotline
    CompoundCase.objects.all().delete()  # as if filed before the app was installed
    assert backfill(world.tree["S1C1"].code) == 1
    assert backfill(world.tree["S1C1"].code) == 0
    assert CompoundCase.objects.get(case_id=hotline.case.pk).hotline
    rows = selectors.overview(world.people.street)
    assert estate.a not in selectors.zero_complaint(rows)
    assert {r["compound"].pk: r["hotline"] for r in rows}[estate.a.pk] == 1
