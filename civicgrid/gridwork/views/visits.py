"""走访 pages: the grid worker's due list and house search, one house's visit form and log; staff's
visit plans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicgrid.core.text import object_id
from civicgrid.gridwork import actions, selectors
from civicgrid.gridwork.actions.visits import visit_house
from civicgrid.gridwork.models import Purpose, VisitPlan
from civicgrid.gridwork.views.common import holds
from civicgrid.regions.models import Level, Region


@login_required
def visits(request):
    holds(request, "gridwork.add_visit")
    query = (request.GET.get("q") or "")[:40]
    return render(
        request,
        "gridwork/visits.html",
        {
            "due": selectors.due_visits(request.user, limit=100),
            "houses": selectors.houses_for_visit(request.user, query) if query else [],
            "query": query,
            "recent": selectors.my_visits(request.user),
        },
    )


@login_required
def visit_house_page(request, house_id):
    from civicgrid.cases.models import Category
    from civicgrid.people.models import Person
    from civicgrid.people.protection import mask_name

    holds(request, "gridwork.add_visit")
    try:
        house = visit_house(request.user, house_id)
    except Exception as error:
        if error.__class__.__name__ == "DoesNotExist":
            raise Http404 from None
        raise
    persons = [
        (p.pk, mask_name(p.name))
        for p in Person.objects.filter(house=house, moved_out_at__isnull=True).order_by("name")
    ]
    error = None
    if request.method == "POST":
        category = Category.objects.selectable().filter(pk=request.POST.get("category") or 0).first()
        person = request.POST.get("person") or None
        try:
            actions.log_visit(
                request.user,
                house.pk,
                purpose=request.POST.get("purpose", ""),
                notes=request.POST.get("notes", ""),
                needs=request.POST.get("needs", ""),
                person_id=object_id(person),
                make_case=request.POST.get("make_case") == "1",
                category=category,
                key=request.POST.get("key", ""),
            )
        except ValidationError as exc:
            error = " ".join(m for values in getattr(exc, "message_dict", {"": exc.messages}).values() for m in values)
        else:
            messages.success(request, _("走访已记录。"))
            return redirect("gridwork:visit_house", house.pk)
    return render(
        request,
        "gridwork/visit_house.html",
        {
            "house": house,
            "persons": persons,
            "purposes": Purpose.choices,
            "error": error,
            "log": selectors.visits_of_house(request.user, house),
            "categories": Category.objects.selectable().order_by("code")[:400],
        },
        status=400 if error else 200,
    )


@login_required
def plans(request):
    from civicgrid.accounts.scopes import scope_codes
    from civicgrid.core.scoping import subtree_q
    from civicgrid.people.selectors import public_tags

    holds(request, "gridwork.view_visitplan")
    codes = scope_codes(request.user, "gridwork.add_visitplan")
    regions = Region.objects.filter(level__in=[Level.STREET, Level.COMMUNITY, Level.GRID], is_active=True).defer(
        "boundary"
    )
    if codes is not None:
        regions = regions.filter(subtree_q("code", codes))
    error = None
    if request.method == "POST":
        holds(request, "gridwork.add_visitplan")
        region = regions.filter(pk=object_id(request.POST.get("region")) or 0).first()
        try:
            days = request.POST.get("every_days", "")
            actions.save_plan(
                request.user,
                VisitPlan(),
                name=request.POST.get("name", ""),
                region=region,
                tag_code=request.POST.get("tag_code", ""),
                every_days=object_id(days) or 0,
            )
        except ValidationError as exc:
            error = " ".join(m for values in getattr(exc, "message_dict", {"": exc.messages}).values() for m in values)
        else:
            messages.success(request, _("走访计划已保存。"))
            return redirect("gridwork:plans")
    from civicgrid.people.models import Tag

    tags = (
        list(Tag.objects.filter(code__in=["elderly_alone", "empty_nest"]).values_list("code", "name")) + public_tags()
    )
    return render(
        request,
        "gridwork/plans.html",
        {
            "plans": selectors.plans(request.user),
            "regions": regions[:300],
            "tags": list(dict(tags).items()),
            "error": error,
            "due": selectors.due_visits(request.user, limit=100),
        },
        status=400 if error else 200,
    )
