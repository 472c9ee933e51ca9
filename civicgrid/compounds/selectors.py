"""The read path of 小区治理. Staff reads start from the compounds in their scope (the communities
where they hold compounds.view_compoundclass); a resident reads only their own compound, found in
base data (people.selectors.resident_home) — any other compound, project or ledger is NotFound (404)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from civicgrid.accounts.models import Role
from civicgrid.compounds import conf
from civicgrid.compounds.errors import NotFound
from civicgrid.compounds.models import (
    CompoundCase,
    CompoundClass,
    ItemStatus,
    Party,
    PartyKind,
    Pledge,
    ProjectFile,
    RectificationItem,
    RenovationProject,
    RiseStatus,
    StarCriterion,
    StarRise,
    StreetTarget,
)
from civicgrid.core import clock, scoping
from civicgrid.core.scoping import subtree_q
from civicgrid.people import selectors as people_selectors
from civicgrid.people.models import Compound
from civicgrid.regions.models import Level, Region

VIEW = "compounds.view_compoundclass"


def may(user, permission, code):
    codes = scoping.scope_codes(user, permission)
    return codes is None or any(code.startswith(c) for c in codes)


def is_staff(user):
    return user.is_authenticated and scoping.scope_codes(user, VIEW) != []


def staff_compounds(user, permission=VIEW):
    codes = scoping.scope_codes(user, permission)
    compounds = Compound.objects.select_related("community", "property_company")
    if codes is None:
        return compounds
    if not codes:
        return compounds.none()
    return compounds.filter(subtree_q("region_code", codes))


def staff_compound(user, pk, permission=VIEW):
    try:
        return staff_compounds(user, permission).get(pk=int(pk))
    except (Compound.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def _get(queryset, pk):
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def staff_project(user, pk):
    project = _get(RenovationProject.objects.select_related("compound", "compound__community"), pk)
    if not may(user, VIEW, project.region_code):
        raise NotFound()
    return project


def classes_of(compounds):
    """{compound id: star}: the class of record (compounds.CompoundClass), else base data's star."""
    rows = dict(CompoundClass.objects.filter(compound__in=compounds).values_list("compound_id", "star"))
    return {c.pk: rows.get(c.pk, c.star or 0) for c in compounds}


def overview(user):
    """The staff list: every compound in scope with its class, open items, open and 12345 cases."""
    compounds = list(staff_compounds(user).order_by("region_code", "name")[:500])
    ids = [c.pk for c in compounds]
    stars = classes_of(compounds)
    open_items = dict(
        RectificationItem.objects.filter(compound_id__in=ids, status=ItemStatus.OPEN)
        .values("compound_id")
        .annotate(n=Count("pk"))
        .values_list("compound_id", "n")
    )
    cases = {
        row["compound_id"]: row
        for row in CompoundCase.objects.filter(compound_id__in=ids)
        .values("compound_id")
        .annotate(open=Count("pk", filter=Q(is_open=True)), hotline=Count("pk", filter=Q(hotline=True)))
    }
    pending = set(
        StarRise.objects.filter(compound_id__in=ids, status=RiseStatus.REQUESTED).values_list("compound_id", flat=True)
    )
    rows = []
    for c in compounds:
        counted = cases.get(c.pk, {})
        rows.append(
            {
                "compound": c,
                "star": stars[c.pk],
                "open_items": open_items.get(c.pk, 0),
                "open_cases": counted.get("open", 0),
                "hotline": counted.get("hotline", 0),
                "pending_rise": c.pk in pending,
            }
        )
    return rows


def zero_complaint(rows):
    """The compounds of `rows` (overview) with no 12345 case: 零投诉小区."""
    return [row["compound"] for row in rows if row["hotline"] == 0]


def street_progress(user, year=None):
    """[(street, target, rises confirmed this year)] for the streets the user sees."""
    year = year or clock.now().year
    codes = scoping.scope_codes(user, VIEW)
    streets = Region.objects.filter(level=Level.STREET, is_active=True).order_by("code").only("code", "name")
    if codes is not None:
        streets = [s for s in streets if any(c.startswith(s.code) or s.code.startswith(c) for c in codes)]
    streets = list(streets[:50])
    targets = dict(StreetTarget.objects.filter(year=year).values_list("region_code", "target"))
    done = dict(
        StarRise.objects.filter(status=RiseStatus.CONFIRMED, reviewed_at__year=year)
        .values("street_code")
        .annotate(n=Count("pk"))
        .values_list("street_code", "n")
    )
    default = conf.get("COMPOUNDS_DEFAULT_TARGET")
    return [(s, targets.get(s.code, default), done.get(s.code, 0)) for s in streets]


def criteria():
    by_level = defaultdict(list)
    for row in StarCriterion.objects.filter(is_active=True):
        by_level[row.level].append(row)
    return dict(by_level)


def compound_page(compound):
    """What the compound page shows (staff, or the compound's resident without staff-only parts)."""
    klass = CompoundClass.objects.filter(compound=compound).first()
    project = RenovationProject.objects.filter(compound=compound).first()
    return {
        "star": klass.star if klass else (compound.star or 0),
        "parties": parties(compound),
        "items": list(RectificationItem.objects.filter(compound=compound).select_related("closed_by")[:200]),
        "rises": list(StarRise.objects.filter(compound=compound).select_related("requested_by", "reviewed_by")[:50]),
        "open_cases": list(CompoundCase.objects.filter(compound=compound, is_open=True)[:50]),
        "case_counts": CompoundCase.objects.filter(compound=compound).aggregate(
            total=Count("pk"), open=Count("pk", filter=Q(is_open=True)), hotline=Count("pk", filter=Q(hotline=True))
        ),
        "project": project,
        "fund": fund_totals(project) if project else None,
    }


def parties(compound):
    """The five parties, each kind with its rows (the property company from base data when none is
    registered); phones masked."""
    rows = list(Party.objects.filter(compound=compound))
    grouped = []
    for kind in PartyKind:
        mine = [r for r in rows if r.kind == kind]
        if kind == PartyKind.PROPERTY and not mine and compound.property_company_id:
            company = compound.property_company
            mine = [Party(kind=kind, name=company.name, contact=company.contact, phone_masked=company.phone_masked)]
        grouped.append((kind.label, mine))
    return grouped


# --- The fund ledger and the project, for residents and staff ------------------------------------


def fund_totals(project):
    agg = Pledge.objects.filter(project=project).aggregate(
        pledged=Sum("pledged"), paid=Sum("paid"), households=Count("pk")
    )
    cent = Decimal("0.01")
    pledged = (agg["pledged"] or Decimal("0")).quantize(cent)
    paid = (agg["paid"] or Decimal("0")).quantize(cent)
    target = project.fund_target or Decimal("0")
    base = target if target > 0 else pledged
    percent = int(paid * 100 / base) if base > 0 else 0
    return {
        "pledged": pledged,
        "paid": paid,
        "target": target,
        "households": agg["households"],
        "percent": min(percent, 100),
    }


def ledger(project):
    """The public ledger: each household by house number only, pledged and paid."""
    return list(Pledge.objects.filter(project=project).only("house_label", "pledged", "paid"))


def project_files(project):
    return list(ProjectFile.objects.filter(project=project).select_related("milestone"))


def resident_home(user):
    """(community code, people.selectors.ResidentHome) of a resident account, or (None, None)."""
    if not user.is_authenticated:
        return None, None
    codes = sorted({a.region.code for a in scoping.active_assignments(user) if a.role == Role.RESIDENT and a.region_id})
    for code in codes:
        home = people_selectors.resident_home(user, code)
        if home is not None:
            return code, home
    return None, None


def resident_compound(user):
    """The resident's own compound (from base data); NotFound when base data knows none."""
    _code, home = resident_home(user)
    if home is None:
        raise NotFound()
    return Compound.objects.select_related("community", "property_company").get(pk=home.compound_id)


def resident_project(user, pk):
    """A renovation project of the resident's own compound; another compound's answers NotFound."""
    _code, home = resident_home(user)
    project = _get(RenovationProject.objects.select_related("compound", "compound__community"), pk)
    if home is None or project.compound_id != home.compound_id:
        raise NotFound()
    return project


def file_for(user, pk):
    """A project file for staff in scope or a resident of its compound; None otherwise."""
    row = ProjectFile.objects.filter(pk=pk).select_related("project").first() if str(pk).isdigit() else None
    if row is None:
        return None
    if may(user, VIEW, row.region_code):
        return row
    _code, home = resident_home(user)
    if home is not None and row.project.compound_id == home.compound_id:
        return row
    return None


def households(project):
    return people_selectors.compound_households(project.compound_id)
