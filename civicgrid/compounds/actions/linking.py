"""Which case belongs to which compound, from the case loop's events (after the case's commit):
a new case whose point lies near one of a compound's buildings (people.selectors.compound_near) is
the compound's; every later step keeps its open/closed mark. The 12345 and zero-complaint counts
read these rows."""

from civicgrid.cases.models import Source, Status
from civicgrid.compounds import conf
from civicgrid.compounds.models import CompoundCase
from civicgrid.people import selectors as people_selectors

CLOSED = {Status.CLOSED, Status.VOIDED, Status.REJECTED, Status.MERGED}


def on_case_event(event):
    """A new case: placed in the compound whose building is nearest its point (one query; a second
    to write the row when there is one). A later step: its open/closed mark (one UPDATE)."""
    case = event.case
    if case is None:
        return
    is_open = (event.to_status or case.status) not in CLOSED
    if event.type != "reported":
        CompoundCase.objects.filter(case_id=event.case_id).update(is_open=is_open)
        return
    community = case.community.code if case.community_id else ""
    compound_id = people_selectors.compound_near(case.lon, case.lat, community, conf.get("COMPOUNDS_CASE_METRES"))
    if compound_id is None:
        return
    CompoundCase.objects.get_or_create(
        case_id=case.pk,
        defaults={
            "compound_id": compound_id,
            "region_code": community,
            "number": case.number,
            "title": (case.title or "")[:100],
            "hotline": case.source == Source.HOTLINE,
            "is_open": is_open,
            "reported_at": case.reported_at,
        },
    )


def backfill(community_code, limit=5000):
    """Place the community's cases filed before (or while the events were quiet, as the demo files
    them) in compounds; returns how many were placed. Idempotent."""
    from civicgrid.cases.models import Case
    from civicgrid.core.scoping import subtree_q

    known = set(CompoundCase.objects.filter(region_code__startswith=community_code).values_list("case_id", flat=True))
    rows = (
        Case.objects.filter(subtree_q("region_code", [community_code]), lon__isnull=False)
        .exclude(pk__in=known)
        .only("pk", "number", "title", "source", "status", "lon", "lat", "reported_at")
        .order_by("pk")[:limit]
    )
    metres, placed = conf.get("COMPOUNDS_CASE_METRES"), []
    for case in rows:
        compound_id = people_selectors.compound_near(case.lon, case.lat, community_code, metres)
        if compound_id is None:
            continue
        placed.append(
            CompoundCase(
                compound_id=compound_id,
                region_code=community_code,
                case_id=case.pk,
                number=case.number,
                title=(case.title or "")[:100],
                hotline=case.source == Source.HOTLINE,
                is_open=case.status not in CLOSED,
                reported_at=case.reported_at,
            )
        )
    CompoundCase.objects.bulk_create(placed, ignore_conflicts=True)
    return len(placed)
