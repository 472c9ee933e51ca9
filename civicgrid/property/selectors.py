"""Reads, each starting from the user's scope.

- Property staff: the compounds their company serves (staff_company_ids: the companies whose
  department they hold PROPERTY_STAFF on) and the repairs and bills of those compounds.
- Region-held staff: `restrict()` on the rows' region codes (community, street, admins).
- Residents: their own house's repairs and bills (people.selectors.resident_house), their street's
  published ratings.
Anything else is absent, so pages answer 404 exactly as for rows that do not exist.
"""

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import active_assignments, has_role
from civicgrid.cases.models import OPEN_STATUSES, Case, Evaluation
from civicgrid.people.models import Compound
from civicgrid.people.selectors import resident_house
from civicgrid.property.models import (
    Bill,
    BillStatus,
    CompanyDepartment,
    CompanyRating,
    PeriodStatus,
    RatingPeriod,
    Repair,
)
from civicgrid.regions.models import Level

PAGE = 50


# --- Who is who -----------------------------------------------------------------------------


def staff_company_ids(user):
    """The property companies whose department `user` holds PROPERTY_STAFF on (an empty set for others)."""
    departments = [a.department_id for a in active_assignments(user) if a.role == Role.PROPERTY_STAFF]
    if not departments:
        return set()
    return set(CompanyDepartment.objects.filter(department_id__in=departments).values_list("company_id", flat=True))


def is_property_staff(user):
    return bool(staff_company_ids(user))


def department_of(company_id):
    link = CompanyDepartment.objects.select_related("department__region").filter(company_id=company_id).first()
    return link.department if link is not None else None


def resident_community_code(user):
    """The community code of the user's RESIDENT role, or "" (not a resident)."""
    for a in active_assignments(user):
        if a.role == Role.RESIDENT and a.region_id and len(a.region.code) >= 12:
            return a.region.code[:12]
    return ""


def home_of(user):
    """The resident's current house (with building and compound), or None."""
    code = resident_community_code(user)
    return resident_house(user, code) if code else None


def staff_compounds(user):
    """Compounds a staff user may see: their company's (property staff) or their subtree's."""
    companies = staff_company_ids(user)
    condition = Q(property_company_id__in=companies) if companies else Q(pk__in=[])
    regional = Compound.objects.restrict(user, "view").values("pk") if _regional(user) else None
    if regional is not None:
        condition |= Q(pk__in=regional)
    return Compound.objects.filter(condition).select_related("property_company")


def _regional(user):
    return user.is_superuser or has_role(
        user, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.SYSTEM_ADMIN, Role.COMMAND_OPERATOR
    )


# --- Repairs ----------------------------------------------------------------------------------


def repairs_for(user):
    """Repairs `user` may read: their company's compounds' (property staff), their subtree's
    (view_repair), and those they reported."""
    companies = staff_company_ids(user)
    condition = Q(reporter=user)
    if companies:
        condition |= Q(compound__property_company_id__in=companies)
    if user.is_superuser:
        return Repair.objects.all()
    regional = Repair.objects.restrict(user, "view")
    return (Repair.objects.filter(condition) | regional).distinct()


def repair_for(user, pk):
    try:
        return repairs_for(user).select_related("case", "compound", "house__building", "house__unit").get(pk=int(pk))
    except (Repair.DoesNotExist, ValueError, TypeError):
        return None


def staff_tasks(user):
    """Property staff's open repairs, the oldest deadline first, with their case's light."""
    companies = staff_company_ids(user)
    if not companies:
        return []
    repairs = list(
        Repair.objects.filter(compound__property_company_id__in=companies, case__status__in=OPEN_STATUSES)
        .select_related("case__category", "compound", "house__building", "house__unit")
        .order_by("case__step_due_at", "pk")[:200]
    )
    lights = dict(
        Case.objects.filter(pk__in=[r.case_id for r in repairs]).with_lights().values_list("pk", "deadline_colour")
    )
    for repair in repairs:
        repair.light = lights.get(repair.case_id, "")
    return repairs


def my_repairs(user):
    return Repair.objects.filter(reporter=user).select_related("case", "compound").order_by("-reported_at")[:PAGE]


def repair_figures(repairs):
    """{"total", "open", "overdue", "on_time_rate", "satisfaction_rate"} of a Repair queryset:
    on time = fed back within the case's overall deadline; satisfied = the latest ratings' share."""
    cases = Case.objects.filter(pk__in=repairs.values("case_id"))
    now = timezone.now()
    counts = cases.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, step_red_at__lte=now)),
        handled=Count("pk", filter=Q(handled_at__isnull=False)),
        on_time=Count("pk", filter=Q(handled_at__isnull=False, handled_at__lte=F("overall_due_at"))),
    )
    ratings = Evaluation.objects.filter(case__in=cases).aggregate(
        rated=Count("pk"), satisfied=Count("pk", filter=Q(satisfied=True))
    )
    return {
        "total": counts["total"],
        "open": counts["open"],
        "overdue": counts["overdue"],
        "on_time_rate": _rate(counts["on_time"], counts["handled"]),
        "satisfaction_rate": _rate(ratings["satisfied"], ratings["rated"]),
    }


def _rate(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def company_repair_figures(company_id, since=None):
    repairs = Repair.objects.filter(company_id=company_id)
    if since is not None:
        repairs = repairs.filter(reported_at__gte=since)
    return repair_figures(repairs)


# --- Bills ------------------------------------------------------------------------------------


def bills_for(user):
    if user.is_superuser:
        return Bill.objects.all()
    companies = staff_company_ids(user)
    regional = Bill.objects.restrict(user, "view")
    if companies:
        return (Bill.objects.filter(compound__property_company_id__in=companies) | regional).distinct()
    return regional


def bill_for(user, pk, *, for_change=False):
    bills = bills_for(user)
    if for_change and not user.is_superuser:
        companies = staff_company_ids(user)
        bills = Bill.objects.restrict(user, "change")
        if companies:
            bills = (Bill.objects.filter(compound__property_company_id__in=companies) | bills).distinct()
    try:
        return bills.select_related("house__building", "house__unit", "compound").get(pk=int(pk))
    except (Bill.DoesNotExist, ValueError, TypeError):
        return None


def may_keep_bills(user, compound):
    """May `user` enter, import or mark bills of `compound`?"""
    if compound.property_company_id in staff_company_ids(user):
        return True
    return Compound.objects.restrict(user, "view").filter(pk=compound.pk).exists() and (
        user.is_superuser or has_role(user, Role.COMMUNITY_STAFF, Role.SYSTEM_ADMIN)
    )


def my_bills(user):
    house = home_of(user)
    if house is None:
        return None, []
    return house, list(Bill.objects.filter(house=house).order_by("-period", "kind"))


def arrears_by_compound(user):
    """Per visible compound: unpaid and disputed bills and amounts."""
    return list(
        bills_for(user)
        .filter(status__in=[BillStatus.UNPAID, BillStatus.DISPUTED])
        .values("compound_id", "compound__name")
        .annotate(count=Count("pk"), amount=Sum("amount"), houses=Count("house_id", distinct=True))
        .order_by("-amount", "compound__name")
    )


def compound_arrears(compound):
    return Bill.objects.filter(compound=compound, status__in=[BillStatus.UNPAID, BillStatus.DISPUTED]).aggregate(
        count=Count("pk"), amount=Sum("amount"), houses=Count("house_id", distinct=True)
    )


# --- Ratings ----------------------------------------------------------------------------------


def periods_for(user):
    return RatingPeriod.objects.restrict(user, "view").select_related("street")


def period_for(user, pk, action="view"):
    try:
        return RatingPeriod.objects.restrict(user, action).select_related("street").get(pk=int(pk))
    except (RatingPeriod.DoesNotExist, ValueError, TypeError):
        return None


def street_companies(street):
    """The property companies serving a compound in the street's subtree."""
    from civicgrid.people.models import PropertyCompany

    return PropertyCompany.objects.filter(
        pk__in=Compound.objects.filter(region_code__startswith=street.code).values("property_company_id")
    ).order_by("name")


def resident_street_code(user):
    code = resident_community_code(user)
    if not code:
        return ""
    from civicgrid.regions.codes import code_length

    return code[: code_length(Level.STREET)]


def published_periods(user):
    """The published rating periods of the resident's street (or of a staff user's subtree)."""
    street = resident_street_code(user)
    published = RatingPeriod.objects.filter(status=PeriodStatus.PUBLISHED).select_related("street")
    if street:
        return published.filter(street__code=street)
    return published.filter(pk__in=periods_for(user).values("pk"))


def published_ratings(period):
    return list(CompanyRating.objects.filter(period=period).select_related("company").order_by("rank", "company__name"))


def open_survey_for(user):
    """(period, company, household_id) for a resident who may answer a survey now, else None."""
    house = home_of(user)
    if house is None or house.resident_household_id is None:
        return None
    compound = house.building.compound
    if compound is None or compound.property_company_id is None:
        return None
    street = resident_street_code(user)
    period = (
        RatingPeriod.objects.filter(street__code=street, status=PeriodStatus.OPEN, survey_open=True)
        .order_by("-created_at")
        .first()
    )
    if period is None:
        return None
    return period, compound.property_company, house.resident_household_id


def repairs_open_in(compound):
    return Repair.objects.filter(compound=compound, case__status__in=OPEN_STATUSES).select_related("case")
