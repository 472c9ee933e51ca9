"""Staff pages that keep base data current without Excel or the admin: buildings, houses (one by one or
generated floor by floor), compounds, property companies, merchants and enterprises, persons, and
moving a person to another house of one's area.

Each record type has one add/edit view (civicgrid.core.editing.ObjectEditView, as NetBox's): the URL
without a pk adds, the URL with one edits. Records are looked up through `restrict(user, "change")` (out of scope: 404) and every choice a form
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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.editing import ObjectEditView
from civicgrid.core.forms import add_errors
from civicgrid.core.scoping import subtree_q
from civicgrid.core.text import strip_forbidden
from civicgrid.people import actions
from civicgrid.people.forms import (
    BuildingForm,
    CompoundForm,
    EnterpriseForm,
    GenerateHousesForm,
    HouseForm,
    MoveForm,
    PersonEditForm,
    PropertyCompanyForm,
)
from civicgrid.people.models import Building, Compound, Enterprise, House, Person, PropertyCompany
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


class EditView(ObjectEditView):
    """The people pages' add/edit view: the shared form page. A record placed in the tree names the
    form field that places it and the levels it may be placed on: the choices are the nodes where the
    user may change such records (none: 404), and the add page preselects the ?region= it was opened
    from."""

    template_name = "people/edit_form.html"
    place_field = None
    place_levels = ()
    fields = ()  # the record's fields the edit form starts from

    def places(self):
        opts = self.model._meta
        regions = _regions(self.request.user, f"{opts.app_label}.change_{opts.model_name}", self.place_levels)
        if not regions.exists():
            raise Http404
        return regions

    def initial(self):
        if self.adding:
            return {self.place_field: _initial_in(self.request, self.place_levels)}
        return {name: getattr(self.object, name) for name in self.fields}


def _initial_in(request, levels):
    """The ?region= the page was opened from, if a record of this type may be placed there."""
    region = _initial_region(request)
    return region if region is not None and region.level in levels else None


def _list_url(request, name):
    region = _initial_region(request)
    return reverse(name) + (f"?region={region.code}" if region else "")


# --- Buildings ----------------------------------------------------------------------------------------


class BuildingEditView(EditView):
    model = Building
    form_id = "building-form"
    place_field, place_levels, fields = "grid", GRID_LEVELS, actions.BUILDING_FIELDS

    def get_form(self):
        # The compounds of the user's area; save_building checks the one chosen is in the grid's community.
        compounds = Compound.objects.restrict(self.request.user, "view").order_by("region_code", "name")
        return BuildingForm(self.request.POST or None, initial=self.initial(), grids=self.places(), compounds=compounds)

    def save(self, form):
        return actions.save_building(self.request.user, self.object, **form.cleaned_data)

    def success_url(self, building):
        return reverse("people:building", args=[building.pk])

    def success_message(self, building):
        return _("已新增楼栋：%(name)s") % {"name": building.name} if self.adding else _("已保存。")

    def cancel_url(self):
        if self.adding:
            return _list_url(self.request, "people:index")
        return reverse("people:building", args=[self.object.pk])

    def title(self):
        return _("新增楼栋") if self.adding else _("修改楼栋") + f" · {self.object.name}"

    def subtitle(self):
        return "" if self.adding else self.object.code


# --- Houses -------------------------------------------------------------------------------------------


def _house_building(request, pk):
    """A building whose houses the user may change (people.change_house: grid workers too)."""
    return get_object_or_404(scoped(Building.objects.all(), request.user, "people.change_house"), pk=pk)


HOUSE_FIELDS = ("unit", "floor", "number", "area", "usage")


class HouseEditView(EditView):
    """Adding a house to a building (/buildings/<building>/houses/new/) or editing one."""

    model = House
    form_id = "house-form"

    def get_queryset(self):
        return super().get_queryset().select_related("building")

    def new_object(self, building):
        return House(building=_house_building(self.request, building))

    def get_form(self):
        house = self.object
        initial = {} if self.adding else {name: getattr(house, name) for name in HOUSE_FIELDS}
        return HouseForm(self.request.POST or None, initial=initial, building=house.building)

    def save(self, form):
        return actions.save_house(self.request.user, self.object, **form.cleaned_data)

    def success_url(self, house):
        return reverse("people:house", args=[house.pk])

    def success_message(self, house):
        return _("已新增房屋：%(house)s") % {"house": house} if self.adding else _("已保存。")

    def cancel_url(self):
        if self.adding:
            return reverse("people:building", args=[self.object.building.pk])
        return reverse("people:house", args=[self.object.pk])

    def title(self):
        if self.adding:
            return _("新增房屋") + f" · {self.object.building.name}"
        return _("修改房屋") + f" · {self.object}"

    def subtitle(self):
        if self.adding:
            return _("楼层 -5 到 %(floors)s（地下室为负数）") % {"floors": self.object.building.floors}
        return ""


class HousesGenerateView(EditView):
    """Houses generated floor by floor in a building: the building's page for it."""

    model = Building
    form_id = "generate-form"
    show_changes = False

    def get_queryset(self):
        return scoped(Building.objects.all(), self.request.user, "people.change_house")

    def get_form(self):
        return GenerateHousesForm(self.request.POST or None, building=self.object)

    def save(self, form):
        return actions.generate_houses(self.request.user, self.object, **form.cleaned_data)

    def success_url(self, created):
        return reverse("people:building", args=[self.object.pk])

    def success_message(self, created):
        return _("已生成房屋 %(count)s 套（已有的房号跳过）。") % {"count": len(created)}

    def cancel_url(self):
        return reverse("people:building", args=[self.object.pk])

    def title(self):
        return _("批量生成房屋") + f" · {self.object.name}"

    def subtitle(self):
        return _("房号为楼层加两位序号，如 101、102、1201；已有的房号跳过。")

    def submit_label(self):
        return _("生成")


# --- Compounds, property companies, merchants and enterprises ----------------------------------------


class EnterprisesPageEditView(EditView):
    """A record listed on the merchants page: cancel goes back to that page (of its region)."""

    def cancel_url(self):
        if self.adding:
            return _list_url(self.request, "people:enterprises")
        return reverse("people:enterprises") + f"?region={self.object.region_code}"

    def success_url(self, record):
        return reverse(self.edit_url_name, args=[record.pk])

    def success_message(self, record):
        return self.added % {"name": record.name} if self.adding else _("已保存。")

    def title(self):
        return self.add_title if self.adding else self.edit_title + f" · {self.object.name}"


def _companies(user):
    """Property companies a compound of the user's area may name: those registered in the user's scope
    and those registered above it (a company of the street or district serves many communities)."""
    codes = scope_codes(user, "people.view_propertycompany")
    if codes is None:
        return PropertyCompany.objects.all()
    above = {ancestor for code in codes for ancestor in Region(code=code).ancestor_codes()}
    return PropertyCompany.objects.filter(Q(region_code__in=above) | subtree_q("region_code", codes))


class CompoundEditView(EnterprisesPageEditView):
    model = Compound
    edit_url_name = "people:compound_edit"
    added = gettext_lazy("已新增小区：%(name)s")
    add_title, edit_title = gettext_lazy("新增小区"), gettext_lazy("修改小区")
    place_field, place_levels, fields = "community", [Level.COMMUNITY], actions.COMPOUND_FIELDS

    def get_form(self):
        return CompoundForm(
            self.request.POST or None,
            initial=self.initial(),
            communities=self.places(),
            companies=_companies(self.request.user),
        )

    def save(self, form):
        return actions.save_compound(self.request.user, self.object, **form.cleaned_data)


def _with_contact_phone(form):
    """The form's data for the action, the contact phone (kept, replaced or cleared) as `phone`."""
    data = dict(form.cleaned_data)
    data.pop("clear_phone", None)
    data["phone"] = form.contact_phone()
    return data


def _contact_phone_subtitle(view):
    return "" if view.adding else _("联系电话：%(phone)s") % {"phone": view.object.phone_masked or "—"}


class CompanyEditView(EnterprisesPageEditView):
    model = PropertyCompany
    edit_url_name = "people:company_edit"
    added = gettext_lazy("已新增物业公司：%(name)s")
    add_title, edit_title = gettext_lazy("新增物业公司"), gettext_lazy("修改物业公司")
    place_field, place_levels = "region", [Level.DISTRICT, Level.STREET, Level.COMMUNITY]
    fields = ("name", "region", "credit_code", "contact")

    def get_form(self):
        return PropertyCompanyForm(
            self.request.POST or None, initial=self.initial(), regions=self.places(), editing=not self.adding
        )

    def save(self, form):
        return actions.save_property_company(self.request.user, self.object, **_with_contact_phone(form))

    def subtitle(self):
        return _contact_phone_subtitle(self)


class EnterpriseEditView(EnterprisesPageEditView):
    model = Enterprise
    edit_url_name = "people:enterprise_edit"
    added = gettext_lazy("已新增商户企业：%(name)s")
    add_title, edit_title = gettext_lazy("新增商户企业"), gettext_lazy("修改商户企业")
    place_field, place_levels = "grid", GRID_LEVELS
    fields = ("name", "kind", "credit_code", "grid", "address", "industry", "contact", "employees")

    def get_form(self):
        initial = self.initial()
        if not self.adding:
            initial["building_code"] = self.object.building.code if self.object.building_id else ""
        buildings = Building.objects.restrict(self.request.user, "view")
        return EnterpriseForm(
            self.request.POST or None,
            initial=initial,
            grids=self.places(),
            buildings=buildings,
            editing=not self.adding,
        )

    def save(self, form):
        data = _with_contact_phone(form)
        data.pop("building_code", None)
        return actions.save_enterprise(self.request.user, self.object, **data)

    def subtitle(self):
        return _contact_phone_subtitle(self)


# --- Persons ------------------------------------------------------------------------------------------
# A person is added on their house's page (pages.add_person), with the household they join.


class PersonEditView(EditView):
    model = Person
    form_id = "person-edit-form"
    show_changes = False  # the person's page shows them

    def get_form(self):
        names = ("name", "ethnicity", "residence_type", "relation", "political_status", "notes")
        initial = {name: getattr(self.object, name) for name in names}
        return PersonEditForm(self.request.POST or None, initial=initial)

    def save(self, form):
        data = dict(form.cleaned_data)
        id_number, phone = data.pop("id_number") or None, data.pop("phone") or None
        return actions.update_person(self.request.user, self.object, id_number=id_number, phone=phone, **data)

    def success_url(self, person):
        return reverse("people:person", args=[self.object.pk])

    def cancel_url(self):
        return reverse("people:person", args=[self.object.pk])

    def title(self):
        return _("修改信息") + f" · {self.object.name}"

    def subtitle(self):
        person = self.object
        return f"{_('身份证号')} {person.id_number_masked or '—'} · {_('手机号')} {person.phone_masked or '—'}"


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
    query = strip_forbidden(request.GET.get("q", "")).strip()[:40]
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
                add_errors(form, exc)
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
