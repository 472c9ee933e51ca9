"""Base-data pages: the overview of a region, the building table (楼盘表), house, household and
person pages, person search, the door-knocking list, the map of buildings and the access log.

Everything is looked up through `restrict(user, action)`, so out-of-scope records answer 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicgrid.core.changelog import changes_for
from civicgrid.core.forms import add_errors
from civicgrid.core.http import client_ip
from civicgrid.core.text import strip_forbidden
from civicgrid.people import actions, selectors
from civicgrid.people.forms import MoveOutForm, PersonForm, RentalForm, UnmaskForm, VerifyForm
from civicgrid.people.models import (
    AccessKind,
    AccessLog,
    Building,
    Compound,
    Enterprise,
    House,
    Household,
    Person,
    PropertyCompany,
    Residence,
    Usage,
)
from civicgrid.people.policy import allowed, allowed_within, visible_tags
from civicgrid.people.views.common import chosen_region
from civicgrid.regions.models import Level, Region

PAGE_SIZE = 50


def _require_people(user):
    if not allowed(user, "people.view_person"):
        raise Http404


def _form_status(form):
    """An invalid form shown again answers 400, as every form of the project does."""
    return 400 if form.is_bound and form.errors else 200


@login_required
@require_GET
def index(request):
    _require_people(request.user)
    region, roots = chosen_region(request)
    stats = selectors.region_stats(request.user, region)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    buildings = (
        selectors.in_region(Building.objects.restrict(request.user, "view"), region)
        .annotate(house_count=Count("houses", distinct=True))
        .order_by("region_code", "code")
    )
    page = Paginator(buildings, PAGE_SIZE).get_page(request.GET.get("page"))
    ancestors = Region.objects.filter(code__in=region.ancestor_codes()).order_by("level") if region.parent_id else []
    root_codes = [root.code for root in roots]
    return render(
        request,
        "people/index.html",
        {
            "region": region,
            "ancestors": [a for a in ancestors if any(a.code.startswith(c) for c in root_codes)],
            "roots": roots,
            "stats": stats,
            "children": children,
            "page": page,
            "can_import": allowed(request.user, "people.import_person", region.code),
            "can_export": allowed(request.user, "people.export_person", region.code),
            "can_audit": allowed(request.user, "people.view_accesslog"),
            "can_add_building": allowed_within(request.user, "people.change_building", region.code),
            "is_grid": region.level >= Level.GRID,
        },
    )


@login_required
@require_GET
def building(request, pk):
    building = get_object_or_404(Building.objects.restrict(request.user, "view").select_related("grid"), pk=pk)
    table = selectors.building_table(request.user, building)
    mode = "tags" if request.GET.get("mode") == "tags" else "usage"
    return render(
        request,
        "people/building.html",
        {
            "building": building,
            "table": table,
            "mode": mode,
            "usages": Usage.choices,
            "changes": changes_for(building)[:20],
            "can_edit": allowed(request.user, "people.change_building", building.region_code),
            "can_add_house": allowed(request.user, "people.change_house", building.region_code),
        },
    )


def _house_context(request, house):
    residents = list(
        Person.objects.filter(house=house).select_related("household").order_by("household_id", "relation", "name")
    )
    tags = selectors.visible_person_tags(request.user, residents)
    for person in residents:
        person.visible_tags = tags.get(person.pk, [])
    return {
        "house": house,
        "residents": residents,
        "households": Household.objects.filter(house=house).select_related("head", "last_verified_by"),
        "rentals": house.rentals.select_related("landlord").prefetch_related("tenants")[:10],
        "history": Residence.objects.filter(house=house).select_related("person")[:30],
        "changes": changes_for(house)[:20],
        "can_change": allowed(request.user, "people.change_person", house.region_code),
        "can_edit_house": allowed(request.user, "people.change_house", house.region_code),
    }


@login_required
@require_GET
def house(request, pk):
    house = get_object_or_404(
        House.objects.restrict(request.user, "view").select_related("building", "unit", "last_verified_by"), pk=pk
    )
    context = _house_context(request, house)
    context["verify_form"] = VerifyForm(initial={"usage": house.usage})
    context["person_form"] = PersonForm()
    context["rental_form"] = RentalForm()
    return render(request, "people/house.html", context)


@login_required
@require_POST
def add_rental(request, pk):
    house = get_object_or_404(House.objects.restrict(request.user, "change").select_related("building"), pk=pk)
    form = RentalForm(request.POST)
    if form.is_valid():
        tenant_ids = [t for t in request.POST.getlist("tenants") if t.isdigit()]
        try:
            actions.register_rental(request.user, house, tenant_ids=[int(t) for t in tenant_ids], **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已登记出租。"))
            return redirect("people:house", pk=house.pk)
    context = _house_context(request, house)
    context["verify_form"] = VerifyForm(initial={"usage": house.usage})
    context["person_form"] = PersonForm()
    context["rental_form"] = form
    return render(request, "people/house.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request, pk):
    """敲门行动: the phone page a grid worker fills in at the door."""
    house = get_object_or_404(
        House.objects.restrict(request.user, "change").select_related("building", "unit", "last_verified_by"), pk=pk
    )
    form = VerifyForm(request.POST or None, initial={"usage": house.usage})
    if request.method == "POST" and form.is_valid():
        present = request.POST.getlist("present")
        try:
            actions.verify_house(
                request.user,
                house,
                usage=form.cleaned_data["usage"],
                present_ids=[p for p in present if p.isdigit()],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已完成入户核查：%(house)s") % {"house": house})
            return redirect("people:house", pk=house.pk)
    context = _house_context(request, house)
    context["form"] = form
    return render(request, "people/verify.html", context, status=_form_status(form))


@login_required
@require_POST
def add_person(request, pk):
    house = get_object_or_404(House.objects.restrict(request.user, "change"), pk=pk)
    form = PersonForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            household = None
            household_id = request.POST.get("household")
            if household_id and household_id.isdigit():
                household = Household.objects.filter(house=house, pk=household_id).first()
            person = actions.register_person(
                request.user,
                house,
                household=household,
                id_number=data.pop("id_number"),
                phone=data.pop("phone"),
                **data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": person.name})
            return redirect("people:person", pk=person.pk)
    context = _house_context(request, house)
    context["verify_form"] = VerifyForm(initial={"usage": house.usage})
    context["person_form"] = form
    context["rental_form"] = RentalForm()
    return render(request, "people/house.html", context, status=400)


@login_required
@require_GET
def household(request, pk):
    household = get_object_or_404(
        Household.objects.restrict(request.user, "view").select_related("house__building", "head", "last_verified_by"),
        pk=pk,
    )
    members = list(household.members.order_by("relation", "name"))
    tags = selectors.visible_person_tags(request.user, members)
    for person in members:
        person.visible_tags = tags.get(person.pk, [])
    return render(
        request,
        "people/household.html",
        {"household": household, "members": members, "changes": changes_for(household)[:20]},
    )


def _person_context(request, person):
    tags = selectors.visible_person_tags(request.user, [person]).get(person.pk, [])
    return {
        "person": person,
        "tags": tags,
        "residences": person.residences.select_related("house__building", "house__unit")[:30],
        "changes": changes_for(person)[:30],
        "can_change": allowed(request.user, "people.change_person", person.region_code) and not person.anonymised_at,
        "can_unmask": allowed(request.user, "people.unmask_person", person.region_code),
        "unmask_form": UnmaskForm(),
        "move_form": MoveOutForm(),
        "tag_choices": visible_tags(request.user, person.region_code),
        "tag_codes": {tag.code for tag in tags},
    }


@login_required
@require_GET
def person(request, pk):
    person = get_object_or_404(
        Person.objects.restrict(request.user, "view").select_related("house__building", "house__unit", "household"),
        pk=pk,
    )
    return render(request, "people/person.html", _person_context(request, person))


@login_required
@require_POST
def person_move_out(request, pk):
    person = get_object_or_404(Person.objects.restrict(request.user, "change"), pk=pk)
    form = MoveOutForm(request.POST)
    if form.is_valid():
        try:
            actions.move_out(request.user, person, on=form.cleaned_data["on"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已办理迁出。"))
    else:
        messages.error(request, _("请填写迁出日期。"))
    return redirect("people:person", pk=person.pk)


@login_required
@require_POST
def person_tags(request, pk):
    person = get_object_or_404(Person.objects.restrict(request.user, "change"), pk=pk)
    try:
        actions.set_tags(request.user, person, request.POST.getlist("tags"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已保存。"))
    return redirect("people:person", pk=person.pk)


@login_required
@require_POST
def unmask(request, pk):
    """Shows one field in plain text, once, after logging who, when, which field and why."""
    person = get_object_or_404(Person.objects.restrict(request.user, "unmask"), pk=pk)
    form = UnmaskForm(request.POST)
    context = _person_context(request, person)
    if form.is_valid():
        try:
            value = actions.unmask(
                request.user, person, form.cleaned_data["field"], form.cleaned_data["reason"], ip=client_ip(request)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            context["plain"] = {"field": form.cleaned_data["field"], "value": value}
            response = render(request, "people/person.html", context)
            response["Cache-Control"] = "no-store"
            return response
    context["unmask_form"] = form
    return render(request, "people/person.html", context, status=400)


@login_required
@require_GET
def search(request):
    _require_people(request.user)
    query = strip_forbidden(request.GET.get("q", "")).strip()[:50]  # no NUL or control characters into SQL
    include_moved_out = request.GET.get("all") == "1"
    try:
        page = max(1, min(selectors.SEARCH_MAX_PAGES, int(request.GET.get("page") or 1)))
    except ValueError:
        page = 1
    size = selectors.SEARCH_PAGE
    # One row more than the page shows says whether there is a next page, without counting matches.
    persons, how = selectors.search_persons(
        request.user, query, include_moved_out=include_moved_out, limit=size + 1, offset=(page - 1) * size
    )
    persons = list(persons)
    has_next = len(persons) > size and page < selectors.SEARCH_MAX_PAGES
    persons = persons[:size]
    tags = selectors.visible_person_tags(request.user, persons)
    for person in persons:
        person.visible_tags = tags.get(person.pk, [])
    return render(
        request,
        "people/search.html",
        {
            "query": query,
            "persons": persons,
            "how": how,
            "include_moved_out": include_moved_out,
            "page": page,
            "has_next": has_next,
            "first_row": (page - 1) * size + 1,
            "last_row": (page - 1) * size + len(persons),
        },
    )


@login_required
@require_GET
def unverified(request):
    _require_people(request.user)
    region, _roots = chosen_region(request)
    try:
        days = max(1, min(3650, int(request.GET.get("days") or settings.PEOPLE_VERIFY_DAYS)))
    except ValueError:
        days = settings.PEOPLE_VERIFY_DAYS
    houses = selectors.unverified_houses(request.user, region, days)
    page = Paginator(houses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "people/unverified.html", {"region": region, "days": days, "days_str": str(days), "page": page}
    )


@login_required
@require_GET
def map_page(request):
    _require_people(request.user)
    region, _roots = chosen_region(request)
    config = {
        "buildingsUrl": f"{reverse('people:map_data')}?region={region.code}",
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "outline": region.boundary,
        "strings": {
            "houses": _("房屋"),
            "persons": _("人员"),
            "open": _("打开楼盘表"),
            "none": _("该范围内没有带坐标的楼栋。"),
        },
    }
    return render(request, "people/map.html", {"region": region, "config": config})


MAP_LIMIT = 5000


@login_required
@require_GET
def map_data(request):
    _require_people(request.user)
    region, _roots = chosen_region(request)
    buildings = (
        selectors.in_region(Building.objects.restrict(request.user, "view"), region)
        .filter(lon__isnull=False, lat__isnull=False)
        .annotate(
            house_count=Count("houses", distinct=True),
            person_count=Count("houses__persons", distinct=True),
        )
        .order_by("code")[:MAP_LIMIT]
    )
    grids = (
        Region.objects.filter(code__startswith=region.code, level=Level.GRID)
        if region.level < Level.GRID
        else Region.objects.filter(pk=region.pk)
    )
    return JsonResponse(
        {
            "buildings": [
                {
                    "id": b.pk,
                    "name": b.name,
                    "lon": b.lon,
                    "lat": b.lat,
                    "houses": b.house_count,
                    "persons": b.person_count,
                    "url": reverse("people:building", args=[b.pk]),
                }
                for b in buildings
            ],
            "grids": [{"code": g.code, "name": g.name, "boundary": g.boundary} for g in grids[:500]],
        }
    )


@login_required
@require_GET
def access_log(request):
    if not allowed(request.user, "people.view_accesslog"):
        raise Http404
    logs = AccessLog.objects.restrict(request.user, "view").select_related("user", "person")
    kind = request.GET.get("kind", "")
    if kind not in AccessKind.values:  # an unknown kind (or a NUL byte) filters nothing
        kind = ""
    if kind:
        logs = logs.filter(kind=kind)
    who = strip_forbidden(request.GET.get("user", "")).strip()[:50]
    if who:
        logs = logs.filter(Q(user__username__icontains=who) | Q(user__name__icontains=who))
    page = Paginator(logs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/access_log.html", {"page": page, "kind": kind, "who": who})


@login_required
@require_GET
def enterprises(request):
    """Merchants and enterprises (商户企业) of a region, with their property companies' compounds."""
    if not allowed(request.user, "people.view_enterprise"):
        raise Http404
    region, _roots = chosen_region(request)
    items = selectors.in_region(Enterprise.objects.restrict(request.user, "view"), region).select_related("grid")
    query = strip_forbidden(request.GET.get("q", "")).strip()[:50]
    if query:
        items = items.filter(name__contains=query)
    page = Paginator(items.order_by("region_code", "name"), PAGE_SIZE).get_page(request.GET.get("page"))
    compounds = (
        selectors.in_region(Compound.objects.restrict(request.user, "view"), region)
        .select_related("property_company")
        .annotate(building_count=Count("buildings"))
        .order_by("region_code", "name")[:200]
    )
    companies = selectors.in_region(PropertyCompany.objects.restrict(request.user, "view"), region).order_by("name")
    user = request.user
    for item in page.object_list:
        item.can_edit = allowed(user, "people.change_enterprise", item.region_code)
    compounds = list(compounds)
    for item in compounds:
        item.can_edit = allowed(user, "people.change_compound", item.region_code)
    companies = list(companies[:200])
    for item in companies:
        item.can_edit = allowed(user, "people.change_propertycompany", item.region_code)
    return render(
        request,
        "people/enterprises.html",
        {
            "region": region,
            "page": page,
            "query": query,
            "compounds": compounds,
            "companies": companies,
            "can_add_enterprise": allowed_within(user, "people.change_enterprise", region.code),
            "can_add_compound": allowed_within(user, "people.change_compound", region.code),
            "can_add_company": allowed_within(user, "people.change_propertycompany", region.code),
        },
    )
