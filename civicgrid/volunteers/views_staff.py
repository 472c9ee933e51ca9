"""Staff pages (laptop): verify volunteers, form teams (service items, posts), run projects and their
shifts (the roster: check in, check out, confirm hours), check micro-wishes and record a partner's
claim. Every query starts from the user's scope; outside it answers 404 and changes nothing."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.activities import actions as activity_actions
from civicgrid.activities.models import Activity, Enrolment
from civicgrid.core.text import object_id
from civicgrid.volunteers import actions, selectors
from civicgrid.volunteers.models import (
    SHIFT_KIND,
    PartnerKind,
    Project,
    Team,
    Volunteer,
    VolunteerStatus,
    Wish,
    WishStatus,
)
from civicgrid.volunteers.views import refuse

DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


def _staff_only(request):
    if not selectors.is_staff(request.user):
        raise Http404


def _errors(error):
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _when(value):
    for fmt in DATETIME_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime((value or "").strip(), fmt))
        except (ValueError, OverflowError):
            continue
    return None


_int = object_id


# --- Volunteers --------------------------------------------------------------------------------


@login_required
def volunteers(request):
    _staff_only(request)
    status = request.GET.get("status", "")
    return render(
        request,
        "volunteers/manage.html",
        {
            "volunteers": list(selectors.staff_volunteers(request.user, status)[:300]),
            "status": status,
            "statuses": VolunteerStatus.choices,
        },
    )


@login_required
def volunteer(request, pk):
    item = get_object_or_404(
        Volunteer.objects.restrict(request.user, "view").select_related("user", "team", "region"), pk=pk
    )
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        try:
            actions.review_volunteer(request.user, item.pk, approve=approve, note=request.POST.get("note", ""))
        except Volunteer.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            refuse(request, error)
        else:
            messages.success(request, _("已审核通过。") if approve else _("已退回。"))
        return redirect("volunteers:staff_volunteer", pk=item.pk)
    return render(request, "volunteers/staff_volunteer.html", {"item": item, "feedback": selectors.feedback_of(item)})


# --- Teams -------------------------------------------------------------------------------------


def _team_data(request):
    from civicgrid.regions.models import Region

    region = selectors.team_regions(request.user).filter(pk=_int(request.POST.get("region"))).first()
    return {
        "name": request.POST.get("name", ""),
        "region": region or Region(pk=None),
        "description": request.POST.get("description", ""),
        "service_items": request.POST.get("service_items", ""),
        "posts": request.POST.get("posts", ""),
    }


@login_required
def teams(request):
    _staff_only(request)
    errors, status = {}, 200
    if request.method == "POST":
        data = _team_data(request)
        if data["region"].pk is None:
            data["region"] = None
        try:
            team = actions.save_team(request.user, Team(), **data)
        except ValidationError as error:
            errors, status = _errors(error), 400
        else:
            messages.success(request, _("队伍已建立。"))
            return redirect("volunteers:team", pk=team.pk)
    return render(
        request,
        "volunteers/teams.html",
        {
            "teams": list(selectors.staff_teams(request.user)),
            "regions": selectors.team_regions(request.user),
            "errors": errors,
        },
        status=status,
    )


@login_required
def team(request, pk):
    item = get_object_or_404(Team.objects.restrict(request.user, "view").select_related("region", "parent"), pk=pk)
    errors, status = {}, 200
    if request.method == "POST":
        data = _team_data(request)
        if data["region"].pk is None:
            data["region"] = None
        try:
            actions.save_team(request.user, item, **data, is_active=request.POST.get("is_active") == "on")
        except Team.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            errors, status = _errors(error), 400
        else:
            messages.success(request, _("已保存。"))
            return redirect("volunteers:team", pk=item.pk)
    members = Volunteer.objects.restrict(request.user, "view").filter(team=item).select_related("user")
    return render(
        request,
        "volunteers/team.html",
        {
            "item": item,
            "members": list(members[:200]),
            "regions": selectors.team_regions(request.user),
            "errors": errors,
        },
        status=status,
    )


# --- Projects and shifts -----------------------------------------------------------------------


@login_required
def projects(request):
    _staff_only(request)
    errors, status = {}, 200
    if request.method == "POST":
        region = selectors.team_regions(request.user).filter(pk=_int(request.POST.get("region"))).first()
        team_id = _int(request.POST.get("team"))
        team_row = Team.objects.restrict(request.user, "view").filter(pk=team_id).first() if team_id else None
        try:
            project_row = actions.save_project(
                request.user,
                Project(),
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                region=region,
                team=team_row,
            )
        except ValidationError as error:
            errors, status = _errors(error), 400
        else:
            messages.success(request, _("项目已建立，请添加班次。"))
            return redirect("volunteers:project", pk=project_row.pk)
    return render(
        request,
        "volunteers/projects.html",
        {
            "projects": list(selectors.staff_projects(request.user)[:200]),
            "regions": selectors.team_regions(request.user),
            "teams": selectors.staff_teams(request.user).filter(is_active=True),
            "errors": errors,
        },
        status=status,
    )


@login_required
def project(request, pk):
    item = get_object_or_404(Project.objects.restrict(request.user, "view").select_related("region", "team"), pk=pk)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            actions.add_shift(
                request.user,
                item.pk,
                starts_at=_when(request.POST.get("starts_at")),
                ends_at=_when(request.POST.get("ends_at")),
                signup_deadline=_when(request.POST.get("signup_deadline")),
                place=request.POST.get("place", ""),
                capacity=_int(request.POST.get("capacity")),
                post=request.POST.get("post", ""),
            )
        except Project.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            errors, status = _errors(error), 400
        else:
            messages.success(request, _("班次已发布，志愿者可以报名了。"))
            return redirect("volunteers:project", pk=item.pk)
    return render(
        request,
        "volunteers/project.html",
        {"item": item, "shifts": selectors.project_shifts(item), "errors": errors},
        status=status,
    )


@login_required
def roster(request, pk):
    activity = get_object_or_404(
        Activity.objects.restrict(request.user, "view").filter(kind=SHIFT_KIND).select_related("region"), pk=pk
    )
    return render(
        request,
        "volunteers/roster.html",
        {
            "activity": activity,
            "enrolments": selectors.roster(request.user, activity),
            "max_hours": activity_actions.scheduled_hours(activity),
            "shift": activity_shift(activity),
        },
    )


def activity_shift(activity):
    from civicgrid.volunteers.models import Shift

    return Shift.objects.select_related("project").filter(activity=activity).first()


ATTENDANCE = {
    "check-in": (lambda r, pk: actions.check_in_volunteer(r.user, pk), _("已签到。")),
    "check-out": (lambda r, pk: actions.check_out_volunteer(r.user, pk), _("已签退。")),
    "hours": (lambda r, pk: actions.confirm_hours(r.user, pk, r.POST.get("hours", "")), _("服务时长已确认。")),
}


@login_required
@require_POST
def attendance(request, pk, step):
    if step not in ATTENDANCE:
        raise Http404
    enrolment = get_object_or_404(
        Enrolment.objects.restrict(request.user, "change").filter(activity__kind=SHIFT_KIND), pk=pk
    )
    run, done = ATTENDANCE[step]
    try:
        run(request, enrolment.pk)
    except (Enrolment.DoesNotExist, Activity.DoesNotExist):
        raise Http404 from None
    except ValidationError as error:
        refuse(request, error)
    else:
        messages.success(request, done)
    return redirect("volunteers:roster", pk=enrolment.activity_id)


# --- Wishes ------------------------------------------------------------------------------------


@login_required
def wishes(request):
    _staff_only(request)
    status = request.GET.get("status", "")
    return render(
        request,
        "volunteers/staff_wishes.html",
        {
            "wishes": list(selectors.staff_wishes(request.user, status)[:300]),
            "status": status,
            "statuses": WishStatus.choices,
        },
    )


@login_required
def wish(request, pk):
    item = get_object_or_404(Wish.objects.restrict(request.user, "view").select_related("region"), pk=pk)
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step in ("approve", "reject"):
                actions.review_wish(request.user, item.pk, approve=step == "approve", note=request.POST.get("note", ""))
            elif step == "partner":
                actions.claim_for_partner(
                    request.user, item.pk, kind=request.POST.get("kind", ""), name=request.POST.get("name", "")
                )
            elif step == "fulfil":
                actions.fulfil_wish(
                    request.user, item.pk, photo=request.FILES.get("photo"), note=request.POST.get("note", "")
                )
            else:
                raise ValidationError(_("选项不正确。"))
        except Wish.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            refuse(request, error)
        else:
            messages.success(request, _("已保存。"))
        return redirect("volunteers:staff_wish", pk=item.pk)
    return render(request, "volunteers/staff_wish.html", {"item": item, "partner_kinds": PartnerKind.choices})
