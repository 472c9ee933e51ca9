"""Resident and craftsman pages (phone): the services directory, shops near home (list and map),
craftsmen by skill, calling one, my orders with rating; a craftsman's orders (accept, decline,
complete) — reachable by the account linked to the craftsman only. Anything out of reach is 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.core.forms import add_errors
from civicgrid.people.models import EnterpriseKind
from civicgrid.services import actions, selectors
from civicgrid.services.forms import CallForm, DeclineForm, RateForm
from civicgrid.services.models import LinkCategory, OrderStatus, Skill

PAGE = 50


def _holds(user, permission):
    from civicgrid.accounts.scopes import scope_codes

    codes = scope_codes(user, permission)
    return codes is None or bool(codes)


@login_required
def home(request):
    """便民服务: the directory of government services, by category, and the ways on."""
    if not _holds(request.user, "services.view_servicelink"):
        raise Http404
    category = request.GET.get("category", "")
    if category not in LinkCategory.values:
        category = ""
    links = list(selectors.links_for(request.user, category)[:200])
    return render(
        request,
        "services/home.html",
        {
            "links": links,
            "categories": LinkCategory.choices,
            "category": category,
            "can_call": _holds(request.user, "services.add_craftsmanorder"),
            "craftsman": selectors.craftsman_of(request.user),
            "manage": {
                "links": _holds(request.user, "services.change_servicelink"),
                "craftsmen": _holds(request.user, "services.change_craftsman"),
                "orders": _holds(request.user, "services.view_craftsmanorder"),
            },
        },
    )


@login_required
def link(request, pk):
    if not _holds(request.user, "services.view_servicelink"):
        raise Http404
    return render(request, "services/link.html", {"link": selectors.link_for(request.user, pk)})


def _number(value, default, choices):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number in choices else default


@login_required
def nearby(request):
    """周边商户: merchants and enterprises within walking distance of the resident's home."""
    if not _holds(request.user, "services.add_craftsmanorder"):
        raise Http404
    home = selectors.home_for(request.user)
    within = _number(request.GET.get("within"), settings.SERVICES_WALK_METRES, selectors.WALK_CHOICES)
    if within not in selectors.WALK_CHOICES:
        within = selectors.WALK_CHOICES[1]
    kind = request.GET.get("kind", "")
    if kind not in EnterpriseKind.values:
        kind = ""
    shops = selectors.shops_near(home["lon"], home["lat"], within, kind) if home else []
    industries = sorted({shop["industry"] for shop in shops if shop["industry"]})
    industry = request.GET.get("industry", "")
    if industry and industry in industries:
        shops = [shop for shop in shops if shop["industry"] == industry]
    else:
        industry = ""
    shown = shops[:PAGE]
    map_config = {
        "home": [home["lat"], home["lon"]] if home else None,
        "within": within,
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "shops": [[s["lat"], s["lon"], f"{s['name']} · {s['distance']} m"] for s in shown],
        "strings": {"home": _("我的家")},
    }
    return render(
        request,
        "services/nearby.html",
        {
            "home": home,
            "shops": shown,
            "total": len(shops),
            "within": within,
            "walk_choices": selectors.WALK_CHOICES,
            "kind": kind,
            "kinds": EnterpriseKind.choices,
            "industry": industry,
            "industries": industries,
            "map_config": map_config,
        },
    )


@login_required
def craftsmen(request):
    """能工巧匠: the verified craftsmen serving the resident's community, by skill."""
    if not _holds(request.user, "services.view_craftsman"):
        raise Http404
    skill = request.GET.get("skill", "")
    if skill not in Skill.values:
        skill = ""
    rows = list(selectors.craftsmen_for(request.user, skill)[:PAGE])
    return render(
        request,
        "services/craftsmen.html",
        {"craftsmen": rows, "skills": Skill.choices, "skill": skill},
    )


@login_required
def craftsman(request, pk):
    """A craftsman's card and the call form (POST: the order)."""
    if not _holds(request.user, "services.view_craftsman"):
        raise Http404
    person = selectors.craftsman_for(request.user, pk)
    can_call = _holds(request.user, "services.add_craftsmanorder")
    form = None
    status = 200
    if can_call:
        home = selectors.home_for(request.user)
        form = CallForm(request.POST or None, initial={"address": home["address"] if home else ""})
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    order = actions.call_craftsman(request.user, person, **form.cleaned_data)
                except PermissionDenied:
                    raise Http404 from None
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    messages.success(request, _("已呼叫 %(name)s，师傅接单后会通知您。") % {"name": person.name})
                    return redirect("services:my_order", pk=order.pk)
    elif request.method == "POST":
        raise Http404
    return render(request, "services/craftsman.html", {"person": person, "form": form}, status=status)


@login_required
def my_orders(request):
    if not _holds(request.user, "services.add_craftsmanorder") and not selectors.orders_of(request.user).exists():
        raise Http404
    return render(request, "services/my_orders.html", {"orders": selectors.orders_of(request.user)[:PAGE]})


@login_required
def my_order(request, pk):
    order = selectors.order_of(request.user, pk)
    return render(request, "services/my_order.html", {"order": order, "rate_form": RateForm()})


def _moved(request, error):
    messages.warning(request, error.message)


@login_required
@require_POST
def order_cancel(request, pk):
    order = selectors.order_of(request.user, pk)
    try:
        actions.cancel_order(request.user, order)
    except actions.OrderMoved as error:
        _moved(request, error)
    else:
        messages.success(request, _("订单已取消。"))
    return redirect("services:my_order", pk=order.pk)


@login_required
@require_POST
def order_rate(request, pk):
    order = selectors.order_of(request.user, pk)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            actions.rate_order(
                request.user, order, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except actions.OrderMoved as error:
            _moved(request, error)
            return redirect("services:my_order", pk=order.pk)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("services:my_order", pk=order.pk)
    return render(request, "services/my_order.html", {"order": order, "rate_form": form}, status=400)


# --- The craftsman's own pages ------------------------------------------------------------------------


@login_required
def jobs(request):
    """我的接单: the orders addressed to the craftsman linked to this account (404 for anyone else)."""
    person = selectors.craftsman_of(request.user)
    if person is None:
        raise Http404
    rows = selectors.jobs_for(request.user)
    waiting = [o for o in rows[:PAGE] if o.status in (OrderStatus.REQUESTED, OrderStatus.ACCEPTED)]
    done = [o for o in rows[:PAGE] if o.status not in (OrderStatus.REQUESTED, OrderStatus.ACCEPTED)]
    return render(request, "services/jobs.html", {"person": person, "waiting": waiting, "done": done})


@login_required
def job(request, pk):
    order = selectors.job_for(request.user, pk)
    return render(request, "services/job.html", {"order": order, "decline_form": DeclineForm()})


STEPS = {"accept": actions.accept_order, "decline": actions.decline_order, "complete": actions.complete_order}


@login_required
@require_POST
def job_step(request, pk, step):
    order = selectors.job_for(request.user, pk)
    if step not in STEPS:
        raise Http404
    extra = {}
    if step == "decline":
        form = DeclineForm(request.POST)
        if not form.is_valid():
            return render(request, "services/job.html", {"order": order, "decline_form": form}, status=400)
        extra["reason"] = form.cleaned_data["reason"]
    try:
        STEPS[step](request.user, order, **extra)
    except PermissionDenied:
        raise Http404 from None
    except actions.OrderMoved as error:
        _moved(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, {"accept": _("已接单。"), "decline": _("已婉拒。"), "complete": _("已标记完成。")}[step]
        )
    return redirect(reverse("services:job", args=[order.pk]))
