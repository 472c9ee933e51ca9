"""The ratings' demo seeder runs on the test world and leaves what the demo promises."""

from types import SimpleNamespace

from civicgrid.party.actions import ratings as actions
from civicgrid.party.demo import ratings as demo
from civicgrid.party.models import Field, IndicatorKind, IndicatorSet, QuarterClose, Rating, RatingStatus


def test_demo_seed(world, settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path
    p = world.party
    ctx = SimpleNamespace(
        admin=world.staff.admin,
        branches=[p.g1, p.c1b2, p.c2, p.organ],
        committees=[p.street, p.organ_root],
        secretaries={
            p.street.pk: p.street_secretary,
            p.c1.pk: p.c1_secretary,
            p.g1.pk: p.branch_secretary,
            p.c2.pk: p.c2_secretary,
            p.organ_root.pk: p.organ_secretary,
        },
        street_secretary=p.street_secretary,
        instructor=p.instructor,
        today=None,
    )
    demo.seed(ctx)
    counts = {s.field: s.indicators.count() for s in IndicatorSet.objects.all()}
    assert counts == {Field.COMMUNITY: 27, Field.RURAL: 29, Field.ORGAN: 20}
    for s in IndicatorSet.objects.all():
        assert sum(i.points for i in s.indicators.filter(kind=IndicatorKind.POSITIVE)) == 100
        assert s.indicators.filter(kind=IndicatorKind.NEGATIVE).exists()
    year, quarter = actions.current_quarter()
    last = Rating.objects.exclude(year=year, quarter=quarter)
    assert last.count() == 2 and all(r.closed_at and r.status == RatingStatus.SCORED for r in last)
    assert last.filter(selected=True).exists()
    assert any(r.stars_before != r.stars_after for r in last)
    now = Rating.objects.filter(year=year, quarter=quarter)
    assert {r.status for r in now} == {RatingStatus.DRAFT, RatingStatus.SUBMITTED}
    assert QuarterClose.objects.exists()
