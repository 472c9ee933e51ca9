"""Blocks on the compound page (place "compound", civicgrid.compounds): the compound's open repairs
with on-time and satisfaction rates, and its fee arrears. Each applies the viewer's scope and shows
nothing (None) to someone who may not see it."""

from civicgrid.people.models import Compound
from civicgrid.property import selectors
from civicgrid.property.models import Repair


def _visible(user, compound):
    if not user.is_authenticated:
        return False
    if compound.property_company_id and compound.property_company_id in selectors.staff_company_ids(user):
        return True
    return Compound.objects.restrict(user, "view").filter(pk=compound.pk).exists()


def _lives_in(user, compound):
    house = selectors.home_of(user) if user.is_authenticated else None
    return house is not None and house.building.compound_id == compound.pk


def compound_repairs(request, compound):
    if not _visible(request.user, compound):
        if _lives_in(request.user, compound):
            # A resident of the compound sees its public figures, not the repairs themselves.
            figures = selectors.repair_figures(Repair.objects.filter(compound=compound))
            return {"compound": compound, "figures": figures, "open_repairs": []}
        return None
    repairs = selectors.repairs_for(request.user).filter(compound=compound)
    figures = selectors.repair_figures(repairs)
    open_repairs = list(selectors.repairs_open_in(compound).filter(pk__in=repairs.values("pk"))[:10])
    return {"compound": compound, "figures": figures, "open_repairs": open_repairs}


def compound_fees(request, compound):
    if not _visible(request.user, compound):
        return None
    if not selectors.bills_for(request.user).filter(compound=compound).exists():
        return None
    return {"compound": compound, "arrears": selectors.compound_arrears(compound)}
