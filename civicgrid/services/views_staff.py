"""Staff pages (laptop): the directory of government services (street staff, system admins), the
craftsmen of a subtree (community and street staff: add, edit, verify, suspend) and the orders placed
there. Out of scope, or without the permission: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.core.editing import ObjectEditView
from civicgrid.services import actions, selectors
from civicgrid.services.forms import CraftsmanForm, LinkForm
from civicgrid.services.models import Craftsman, CraftsmanStatus, OrderStatus, ServiceLink


@login_required
def links(request):
    places = selectors.link_places(request.user)
    if not places.exists():
        raise Http404
    return render(request, "services/staff/links.html", {"links": selectors.managed_links(request.user)[:500]})


class LinkEditView(ObjectEditView):
    model = ServiceLink
    template_name = "services/staff/edit.html"
    form_id = "link-form"

    def get_form(self):
        places = selectors.link_places(self.request.user)
        if not places.exists():
            raise Http404
        if self.adding:
            initial = {"region": places.first(), "order": 100, "is_published": True}
        else:
            link = self.object
            initial = {
                "region": places.filter(code=link.region_code).first(),
                **{f: getattr(link, f) for f in ("category", "title", "guide", "url", "phone", "office", "hours")},
                "order": link.order,
                "is_published": link.is_published,
            }
        return LinkForm(self.request.POST or None, initial=initial, places=places)

    def save(self, form):
        return actions.save_link(self.request.user, self.object, **form.cleaned_data)

    def success_url(self, result):
        return reverse("services:manage_links")

    def success_message(self, result):
        return _("已保存服务指南：%(title)s") % {"title": result.title}

    def cancel_url(self):
        return reverse("services:manage_links")

    def title(self):
        return _("新增服务指南") if self.adding else _("修改服务指南")


@login_required
def manage_craftsmen(request):
    if not selectors.craftsman_areas(request.user).exists():
        raise Http404
    status = request.GET.get("status", "")
    if status not in CraftsmanStatus.values:
        status = ""
    return render(
        request,
        "services/staff/craftsmen.html",
        {
            "craftsmen": selectors.managed_craftsmen(request.user, status)[:500],
            "statuses": CraftsmanStatus.choices,
            "status": status,
        },
    )


class CraftsmanEditView(ObjectEditView):
    model = Craftsman
    template_name = "services/staff/edit.html"
    form_id = "craftsman-form"

    def get_form(self):
        areas = selectors.craftsman_areas(self.request.user)
        if not areas.exists():
            raise Http404
        if self.adding:
            initial = {"is_available": True}
        else:
            c = self.object
            initial = {
                "name": c.name,
                "area": c.area,
                "skills": c.skill_list,
                "availability": c.availability,
                "is_available": c.is_available,
                "introduction": c.introduction,
                "phone": c.phone_masked,
            }
        return CraftsmanForm(self.request.POST or None, initial=initial, areas=areas)

    def save(self, form):
        data = dict(form.cleaned_data)
        # The masked number shown on the edit form means "keep the phone as it is".
        if not self.adding and data["phone"] == self.object.phone_masked:
            data["phone"] = None
        return actions.save_craftsman(self.request.user, self.object, **data)

    def success_url(self, result):
        return reverse("services:manage_craftsmen")

    def success_message(self, result):
        return _("已保存：%(name)s") % {"name": result.name}

    def cancel_url(self):
        return reverse("services:manage_craftsmen")

    def title(self):
        return _("新增能工巧匠") if self.adding else _("修改能工巧匠")


@login_required
@require_POST
def craftsman_status(request, pk):
    person = selectors.managed_craftsman(request.user, pk)
    status = request.POST.get("status", "")
    try:
        actions.set_craftsman_status(request.user, person, status)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("services:manage_craftsmen")
    messages.success(
        request, _("%(name)s：%(status)s") % {"name": person.name, "status": CraftsmanStatus(status).label}
    )
    return redirect("services:manage_craftsmen")


@login_required
def manage_orders(request):
    if not _holds_orders(request.user):
        raise Http404
    status = request.GET.get("status", "")
    if status not in OrderStatus.values:
        status = ""
    page = Paginator(selectors.orders_overview(request.user, status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "services/staff/orders.html",
        {"page": page, "orders": page.object_list, "statuses": OrderStatus.choices, "status": status},
    )


def _holds_orders(user):
    from civicgrid.accounts.scopes import scope_codes

    codes = scope_codes(user, "services.view_craftsmanorder")
    return codes is None or bool(codes)
