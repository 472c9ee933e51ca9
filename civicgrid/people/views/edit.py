"""Staff pages that keep base data current without Excel or the admin: buildings, houses (one by one or
generated floor by floor), compounds, property companies, merchants and enterprises, and moving a
person to another house of one's area.

Records are looked up through `restrict(user, "change")` (out of scope: 404) and every choice a form
offers is limited to the user's scope for the permission at stake; the writes are actions.py
functions, which check the permission again and record the change log.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.changelog import changes_for
from civicgrid.core.scoping import subtree_q
from civicgrid.people import actions
from civicgrid.people.forms import (
    BuildingForm,
    CompoundForm,
    EnterpriseForm,
    GenerateHousesForm,
    HouseForm,
    MoveForm,
    PropertyCompanyForm,
)
from civicgrid.people.models import Building, Compound, Enterprise, House, Person, PropertyCompany
from civicgrid.people.views.pages import _form_errors
from civicgrid.regions.models import Level, Region

GRID_LEVELS = (Level.GRID, Level.MICROGRID)


def scoped(queryset, user, permission, field="region_code"):
    """`queryset` limited to the subtrees in which `user` holds `permission`."""
    codes = scope_codes(user, permission)
    if codes is None:
        return queryset
    return queryset.filter(subtree_q(field, codes))


def _regions(user, permission, levels):
    return scoped(Region.objects.filter(level__in=levels), user, permission, "code").order_by("code")


def _initial_region(request):
    """The ?region= the page was opened from (only used to preselect a choice)."""
    code = (request.GET.get("region") or "").strip()
    return Region.objects.filter(code=code).first() if code.isdigit() else None


def _save(request, form, save, success, target):
    """Run the action for a valid form: PermissionDenied is a 404, a ValidationError goes back to the
    form; on success a message and a redirect (POST-redirect-GET). None: render the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        record = save(form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _form_errors(form, exc)
        return None
    messages.success(request, success(record))
    return redirect(target(record))


def _render(request, form, *, title, subtitle="", cancel, record=None, form_id="edit-form", submit=None):
    context = {
        "form": form,
        "title": title,
        "subtitle": subtitle,
        "cancel": cancel,
        "form_id": form_id,
        "submit": submit or _("保存"),
        "changes": changes_for(record)[:20] if record is not None and record.pk else None,
    }
    return render(request, "people/edit_form.html", context, status=400 if form.is_bound else 200)


# --- Buildings ----------------------------------------------------------------------------------------


def _building_form(request, building):
    grids = _regions(request.user, "people.change_building", GRID_LEVELS)
    if not grids.exists():
        raise Http404
    # The compounds of the user's area; save_building checks the one chosen is in the grid's community.
    compounds = Compound.objects.restrict(request.user, "view").order_by("region_code", "name")
    if building.pk:
        initial = {name: getattr(building, name) for name in actions.BUILDING_FIELDS}
    else:
        region = _initial_region(request)
        initial = {"grid": region if region is not None and region.level in GRID_LEVELS else None}
    return BuildingForm(request.POST or None, initial=initial, grids=grids, compounds=compounds)


@login_required
@require_http_methods(["GET", "POST"])
def building_new(request):
    building = Building()
    form = _building_form(request, building)
    done = _save(
        request,
        form,
        lambda data: actions.save_building(request.user, building, **data),
        lambda b: _("已新增楼栋：%(name)s") % {"name": b.name},
        lambda b: reverse("people:building", args=[b.pk]),
    )
    region = _initial_region(request)
    cancel = reverse("people:index") + (f"?region={region.code}" if region else "")
    return done or _render(request, form, title=_("新增楼栋"), cancel=cancel, form_id="building-form")


@login_required
@require_http_methods(["GET", "POST"])
def building_edit(request, pk):
    building = get_object_or_404(Building.objects.restrict(request.user, "change"), pk=pk)
    form = _building_form(request, building)
    done = _save(
        request,
        form,
        lambda data: actions.save_building(request.user, building, **data),
        lambda b: _("已保存。"),
        lambda b: reverse("people:building", args=[b.pk]),
    )
    return done or _render(
        request,
        form,
        title=_("修改楼栋") + f" · {building.name}",
        subtitle=building.code,
        cancel=reverse("people:building", args=[building.pk]),
        record=building,
        form_id="building-form",
    )


# --- Houses -------------------------------------------------------------------------------------------


def _house_building(request, pk):
    """A building whose houses the user may change (people.change_house: grid workers too)."""
    return get_object_or_404(scoped(Building.objects.all(), request.user, "people.change_house"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def house_new(request, pk):
    building = _house_building(request, pk)
    form = HouseForm(request.POST or None, building=building)
    done = _save(
        request,
        form,
        lambda data: actions.save_house(request.user, House(building=building), **data),
        lambda h: _("已新增房屋：%(house)s") % {"house": h},
        lambda h: reverse("people:house", args=[h.pk]),
    )
    return done or _render(
        request,
        form,
        title=_("新增房屋") + f" · {building.name}",
        subtitle=_("楼层 -5 到 %(floors)s（地下室为负数）") % {"floors": building.floors},
        cancel=reverse("people:building", args=[building.pk]),
        form_id="house-form",
    )


@login_required
@require_http_methods(["GET", "POST"])
def houses_generate(request, pk):
    building = _house_building(request, pk)
    form = GenerateHousesForm(request.POST or None, building=building)
    done = _save(
        request,
        form,
        lambda data: actions.generate_houses(request.user, building, **data),
        lambda created: _("已生成房屋 %(count)s 套（已有的房号跳过）。") % {"count": len(created)},
        lambda created: reverse("people:building", args=[building.pk]),
    )
    return done or _render(
        request,
        form,
        title=_("批量生成房屋") + f" · {building.name}",
        subtitle=_("房号为楼层加两位序号，如 101、102、1201；已有的房号跳过。"),
        cancel=reverse("people:building", args=[building.pk]),
        form_id="generate-form",
        submit=_("生成"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def house_edit(request, pk):
    house = get_object_or_404(House.objects.restrict(request.user, "change").select_related("building"), pk=pk)
    initial = {name: getattr(house, name) for name in ("unit", "floor", "number", "area", "usage")}
    form = HouseForm(request.POST or None, initial=initial, building=house.building)
    done = _save(
        request,
        form,
        lambda data: actions.save_house(request.user, house, **data),
        lambda h: _("已保存。"),
        lambda h: reverse("people:house", args=[h.pk]),
    )
    return done or _render(
        request,
        form,
        title=_("修改房屋") + f" · {house}",
        cancel=reverse("people:house", args=[house.pk]),
        record=house,
        form_id="house-form",
    )


# --- Compounds and property companies -----------------------------------------------------------------


def _enterprises_url(request):
    region = _initial_region(request)
    return reverse("people:enterprises") + (f"?region={region.code}" if region else "")


def _companies(user):
    """Property companies a compound of the user's area may name: those registered in the user's scope
    and those registered above it (a company of the street or district serves many communities)."""
    codes = scope_codes(user, "people.view_propertycompany")
    if codes is None:
        return PropertyCompany.objects.all()
    above = {ancestor for code in codes for ancestor in Region(code=code).ancestor_codes()}
    return PropertyCompany.objects.filter(Q(region_code__in=above) | subtree_q("region_code", codes))


def _compound_form(request, compound):
    communities = _regions(request.user, "people.change_compound", [Level.COMMUNITY])
    if not communities.exists():
        raise Http404
    if compound.pk:
        initial = {name: getattr(compound, name) for name in actions.COMPOUND_FIELDS}
    else:
        region = _initial_region(request)
        initial = {"community": region if region is not None and region.level == Level.COMMUNITY else None}
    return CompoundForm(
        request.POST or None, initial=initial, communities=communities, companies=_companies(request.user)
    )


@login_required
@require_http_methods(["GET", "POST"])
def compound_new(request):
    compound = Compound()
    form = _compound_form(request, compound)
    done = _save(
        request,
        form,
        lambda data: actions.save_compound(request.user, compound, **data),
        lambda c: _("已新增小区：%(name)s") % {"name": c.name},
        lambda c: reverse("people:compound_edit", args=[c.pk]),
    )
    return done or _render(request, form, title=_("新增小区"), cancel=_enterprises_url(request))


@login_required
@require_http_methods(["GET", "POST"])
def compound_edit(request, pk):
    compound = get_object_or_404(Compound.objects.restrict(request.user, "change"), pk=pk)
    form = _compound_form(request, compound)
    done = _save(
        request,
        form,
        lambda data: actions.save_compound(request.user, compound, **data),
        lambda c: _("已保存。"),
        lambda c: reverse("people:compound_edit", args=[c.pk]),
    )
    return done or _render(
        request,
        form,
        title=_("修改小区") + f" · {compound.name}",
        cancel=reverse("people:enterprises") + f"?region={compound.region_code}",
        record=compound,
    )


def _company_form(request, company):
    regions = _regions(request.user, "people.change_propertycompany", [Level.DISTRICT, Level.STREET, Level.COMMUNITY])
    if not regions.exists():
        raise Http404
    if company.pk:
        initial = {name: getattr(company, name) for name in ("name", "region", "credit_code", "contact")}
    else:
        region = _initial_region(request)
        initial = {"region": region if region is not None and region.level <= Level.COMMUNITY else None}
    return PropertyCompanyForm(request.POST or None, initial=initial, regions=regions, editing=bool(company.pk))


def _save_company(request, company, form):
    data = dict(form.cleaned_data)
    phone = form.contact_phone()
    data.pop("phone"), data.pop("clear_phone", None)
    return actions.save_property_company(request.user, company, phone=phone, **data)


@login_required
@require_http_methods(["GET", "POST"])
def company_new(request):
    company = PropertyCompany()
    form = _company_form(request, company)
    done = _save(
        request,
        form,
        lambda data: _save_company(request, company, form),
        lambda c: _("已新增物业公司：%(name)s") % {"name": c.name},
        lambda c: reverse("people:company_edit", args=[c.pk]),
    )
    return done or _render(request, form, title=_("新增物业公司"), cancel=_enterprises_url(request))


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request, pk):
    company = get_object_or_404(PropertyCompany.objects.restrict(request.user, "change"), pk=pk)
    form = _company_form(request, company)
    done = _save(
        request,
        form,
        lambda data: _save_company(request, company, form),
        lambda c: _("已保存。"),
        lambda c: reverse("people:company_edit", args=[c.pk]),
    )
    return done or _render(
        request,
        form,
        title=_("修改物业公司") + f" · {company.name}",
        subtitle=_("联系电话：%(phone)s") % {"phone": company.phone_masked or "—"},
        cancel=reverse("people:enterprises") + f"?region={company.region_code}",
        record=company,
    )


# --- Merchants and enterprises ------------------------------------------------------------------------


def _enterprise_form(request, enterprise):
    grids = _regions(request.user, "people.change_enterprise", GRID_LEVELS)
    if not grids.exists():
        raise Http404
    if enterprise.pk:
        names = ("name", "kind", "credit_code", "grid", "address", "industry", "contact", "employees")
        initial = {name: getattr(enterprise, name) for name in names}
        initial["building_code"] = enterprise.building.code if enterprise.building_id else ""
    else:
        region = _initial_region(request)
        initial = {"grid": region if region is not None and region.level in GRID_LEVELS else None}
    buildings = Building.objects.restrict(request.user, "view")
    return EnterpriseForm(
        request.POST or None, initial=initial, grids=grids, buildings=buildings, editing=bool(enterprise.pk)
    )


def _save_enterprise(request, enterprise, form):
    data = dict(form.cleaned_data)
    phone = form.contact_phone()
    for name in ("phone", "clear_phone", "building_code"):
        data.pop(name, None)
    return actions.save_enterprise(request.user, enterprise, phone=phone, **data)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_new(request):
    enterprise = Enterprise()
    form = _enterprise_form(request, enterprise)
    done = _save(
        request,
        form,
        lambda data: _save_enterprise(request, enterprise, form),
        lambda e: _("已新增商户企业：%(name)s") % {"name": e.name},
        lambda e: reverse("people:enterprise_edit", args=[e.pk]),
    )
    return done or _render(request, form, title=_("新增商户企业"), cancel=_enterprises_url(request))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, "change"), pk=pk)
    form = _enterprise_form(request, enterprise)
    done = _save(
        request,
        form,
        lambda data: _save_enterprise(request, enterprise, form),
        lambda e: _("已保存。"),
        lambda e: reverse("people:enterprise_edit", args=[e.pk]),
    )
    return done or _render(
        request,
        form,
        title=_("修改商户企业") + f" · {enterprise.name}",
        subtitle=_("联系电话：%(phone)s") % {"phone": enterprise.phone_masked or "—"},
        cancel=reverse("people:enterprises") + f"?region={enterprise.region_code}",
        record=enterprise,
    )


# --- Moving a person to another house -----------------------------------------------------------------

MOVE_SEARCH_LIMIT = 20


@login_required
@require_http_methods(["GET", "POST"])
def person_move(request, pk):
    """迁往本辖区其他房屋: find the building (code or name), then pick the house and the household."""
    person = get_object_or_404(
        Person.objects.restrict(request.user, "change").select_related("house__building", "house__unit"), pk=pk
    )
    if person.anonymised_at:
        raise Http404
    buildings = scoped(Building.objects.all(), request.user, "people.change_person").order_by("code")
    query = request.GET.get("q", "").strip()[:40]
    found = (
        list(buildings.filter(Q(code__icontains=query) | Q(name__contains=query))[:MOVE_SEARCH_LIMIT]) if query else []
    )
    building_id = request.GET.get("building", "")
    building = get_object_or_404(buildings, pk=building_id) if building_id.isdigit() else None
    form = None
    if building is not None:
        houses = scoped(House.objects.filter(building=building), request.user, "people.change_person")
        form = MoveForm(
            request.POST or None, houses=houses.select_related("unit").order_by("unit__number", "floor", "number")
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                actions.move_in(
                    request.user,
                    person,
                    data["house"],
                    household=data["household"],
                    relation=data["relation"],
                    on=data["on"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("已迁往：%(house)s") % {"house": data["house"]})
                return redirect("people:person", pk=person.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "people/person_move.html",
        {"person": person, "query": query, "found": found, "building": building, "form": form},
        status=400 if form is not None and form.is_bound else 200,
    )
