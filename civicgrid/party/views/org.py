"""The party-building home, the organisation tree (staff, laptop), membership (party-affairs posts
only) and a member's own page with 双报到 (phone). Out of reach answers 404 and changes nothing."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.party import actions, policy
from civicgrid.party.actions.common import mask_name
from civicgrid.party.forms.org import (
    AppointForm,
    FullForm,
    MemberForm,
    MoveForm,
    OrganisationForm,
    OutForm,
    RegistrationForm,
)
from civicgrid.party.models import OrgKind, Post
from civicgrid.party.selectors import org as selectors
from civicgrid.party.views.common import attempt, form_message, found, object_id, run


@login_required
def home(request):
    user = request.user
    context = {
        "posts": policy.posts_of(user).select_related("organisation", "department"),
        "member": policy.member_for(user),
        "sees_tree": policy.visible_orgs(user).exists(),
        "sees_registrations": selectors.registrations_for(user).exists(),
    }
    return render(request, "party/home.html", context)


@login_required
def organisations(request):
    rows = list(selectors.tree_for(request.user))
    # Nodes a new top 党委 may sit on: only a system admin's scope has any.
    can_add_root = selectors.regions_for_new(request.user).exists()
    if not rows and not can_add_root:
        raise Http404
    kept = set(policy.kept_orgs(request.user).values_list("pk", flat=True))
    members = set(policy.member_orgs(request.user).values_list("pk", flat=True))
    top = min((row.depth for row in rows), default=0)
    for row in rows:
        row.indent = row.depth - top
        row.kept = row.pk in kept
        row.sees_members = row.pk in members
    return render(
        request,
        "party/organisations.html",
        {"rows": rows, "can_add_root": can_add_root},
    )


def _is_admin(user):
    from civicgrid.accounts.scopes import scope_codes

    codes = scope_codes(user, policy.ADMIN_PERMISSION)
    return codes is None or bool(codes)


@login_required
def organisation(request, pk):
    org = found(selectors.organisation_for, request.user, pk)
    kept = policy.kept_orgs(request.user).filter(pk=pk).exists()
    sees_members = policy.member_orgs(request.user).filter(pk=pk).exists()
    context = {
        "org": org,
        "children": policy.visible_orgs(request.user).filter(parent=org).order_by("name"),
        "posts": selectors.posts_of_org(org),
        "kept": kept,
        "sees_members": sees_members,
        "member_count": org.members.filter(is_active=True).count() if sees_members else None,
        "appoint_form": AppointForm() if kept else None,
        "can_add_child": policy.parent_orgs(request.user).filter(pk=org.pk).exists() and org.kind != OrgKind.GROUP,
    }
    return render(request, "party/organisation.html", context)


@login_required
def organisation_new(request):
    parent_id = object_id(request.GET.get("parent") or request.POST.get("parent"))
    parent = None
    if parent_id is not None:
        parent = found(policy.parent_orgs(request.user).get, pk=parent_id)
    elif not _is_admin(request.user):
        raise Http404
    regions = selectors.regions_for_new(request.user, parent)
    form = OrganisationForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        org = run(form, actions.create_organisation, request.user, parent.pk if parent else None, **form.cleaned_data)
        if org is not None:
            messages.success(request, _("已建立党组织。"))
            return redirect("party:organisation", org.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "party/organisation_form.html", {"form": form, "parent": parent}, status=status)


@login_required
def organisation_edit(request, pk):
    org = found(policy.kept_orgs(request.user).select_related("parent").get, pk=pk)
    regions = selectors.regions_for_new(request.user, org.parent)
    initial = {
        "name": org.name,
        "kind": org.kind,
        "field": org.field,
        "region": org.region_id,
        "compound": org.compound_id,
        "department": org.department_id,
        "founded_on": org.founded_on,
        "is_active": org.is_active,
    }
    form = OrganisationForm(request.POST or None, regions=regions, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, actions.update_organisation, request.user, org.pk, **form.cleaned_data)
    ):
        messages.success(request, _("已保存。"))
        return redirect("party:organisation", org.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "party/organisation_form.html", {"form": form, "org": org}, status=status)


@login_required
@require_POST
def post_appoint(request, pk):
    org = found(policy.kept_orgs(request.user).get, pk=pk)
    form = AppointForm(request.POST)
    if form.is_valid():
        account = form.cleaned_data["account"].strip()
        holder = get_user_model().objects.filter(Q(username=account) | Q(phone=account), is_active=True).first()
        kind, department = form.cleaned_data["kind"], form.cleaned_data["department"]
        if run(form, actions.appoint, request.user, org.pk, holder, kind, department=department) is not None:
            messages.success(request, _("已任命。"))
            return redirect("party:organisation", org.pk)
    form_message(request, form)
    return redirect("party:organisation", org.pk)


@login_required
@require_POST
def post_end(request, pk):
    post = found(Post.objects.filter(organisation__in=policy.kept_orgs(request.user).values("pk")).get, pk=pk)
    if attempt(request, actions.end_post, request.user, post.pk) is not None:
        messages.success(request, _("已免去职务。"))
    return redirect("party:organisation", post.organisation_id)


# --- Membership: party-affairs posts only ----------------------------------------------------------


@login_required
def members(request, pk):
    org = found(policy.member_orgs(request.user).select_related("region").get, pk=pk)
    include_left = request.GET.get("left") == "1"
    rows = selectors.members_of(request.user, org, include_left=include_left)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            member = run(form, actions.add_member, request.user, org.pk, **form.cleaned_data)
            if member is not None:
                messages.success(request, _("已登记党员。"))
                return redirect("party:member", member.pk)
        status = 400
    else:
        status = 200
    context = {
        "org": org,
        "rows": rows,
        "form": form,
        "include_left": include_left,
        "can_add": org.kind != OrgKind.COMMITTEE,
    }
    return render(request, "party/members.html", context, status=status)


@login_required
def member(request, pk):
    row = found(selectors.member_for, request.user, pk)
    targets = policy.member_orgs(request.user).exclude(kind=OrgKind.COMMITTEE).exclude(pk=row.organisation_id)
    context = {
        "member": row,
        "history": selectors.history_of(row),
        "registrations": selectors.my_registrations(row),
        "move_form": MoveForm(organisations=targets.order_by("path")),
        "out_form": OutForm(),
        "full_form": FullForm(),
    }
    return render(request, "party/member.html", context)


def _member_step(request, pk, form_class, action, done, **form_kwargs):
    row = found(selectors.member_for, request.user, pk)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid() and run(form, action, request.user, row.pk, **form.cleaned_data) is not None:
        messages.success(request, done)
    elif form.errors:
        form_message(request, form)
    return redirect("party:member", row.pk)


@login_required
@require_POST
def member_move(request, pk):
    targets = policy.member_orgs(request.user).exclude(kind=OrgKind.COMMITTEE)
    return _member_step(request, pk, MoveForm, _move, _("已调整组织关系。"), organisations=targets)


def _move(user, member_id, organisation, note=""):
    return actions.move_member(user, member_id, organisation.pk, note=note)


@login_required
@require_POST
def member_out(request, pk):
    return _member_step(request, pk, OutForm, actions.transfer_out, _("已办理组织关系转出。"))


@login_required
@require_POST
def member_full(request, pk):
    return _member_step(request, pk, FullForm, actions.make_full, _("已办理转正。"))


# --- A member's own page and 双报到 -----------------------------------------------------------------


@login_required
def me(request):
    row = policy.member_for(request.user)
    if row is None:
        raise Http404
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = run(
                form,
                actions.register_with_community,
                request.user,
                form.cleaned_data["community"].pk,
                note=form.cleaned_data["note"],
            )
            if done is not None:
                messages.success(request, _("已向社区报到。"))
                return redirect("party:me")
        status = 400
    context = {"member": row, "registrations": selectors.my_registrations(row), "form": form}
    return render(request, "party/me.html", context, status=status)


@login_required
@require_POST
def registration_end(request, pk):
    if attempt(request, actions.end_registration, request.user, pk) is not None:
        messages.success(request, _("已结束报到。"))
    return redirect("party:me")


@login_required
def registrations(request):
    """双报到 members of the communities the user serves. Names in full only to the member posts of
    an organisation on that community; community and street staff see a surname."""
    if not selectors.staff_codes(request.user) and not policy.member_orgs(request.user).exists():
        raise Http404
    rows = list(selectors.registrations_for(request.user)[:500])
    full = list(policy.member_orgs(request.user).values_list("region_code", flat=True))
    for row in rows:
        name = row.member.person.name
        row.shown_name = name if any(row.community_code.startswith(code) for code in full) else mask_name(name)
    return render(request, "party/registrations.html", {"rows": rows})


urlpatterns = [
    path("", home, name="home"),
    path("organisations/", organisations, name="organisations"),
    path("organisations/new/", organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", organisation, name="organisation"),
    path("organisations/<int:pk>/edit/", organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/appoint/", post_appoint, name="post_appoint"),
    path("posts/<int:pk>/end/", post_end, name="post_end"),
    path("organisations/<int:pk>/members/", members, name="members"),
    path("members/<int:pk>/", member, name="member"),
    path("members/<int:pk>/move/", member_move, name="member_move"),
    path("members/<int:pk>/out/", member_out, name="member_out"),
    path("members/<int:pk>/full/", member_full, name="member_full"),
    path("me/", me, name="me"),
    path("me/registrations/<int:pk>/end/", registration_end, name="registration_end"),
    path("registrations/", registrations, name="registrations"),
]
