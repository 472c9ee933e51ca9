"""Residents' pages (phone): register as a volunteer, see and sign up for shifts, the wishes wall,
post a wish, claim, fulfil (with a photo), confirm and rate. Out of scope answers 404 and changes
nothing; a refusal shows its message and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.activities.models import EnrolmentStatus, Status
from civicgrid.core.text import object_id
from civicgrid.volunteers import actions, selectors
from civicgrid.volunteers.models import AVAILABILITY, SKILLS, Wish, WishStatus


def refuse(request, error):
    for message in error.messages:
        messages.error(request, message)


@login_required
def home(request):
    volunteer = selectors.volunteer_of(request.user)
    upcoming, past = selectors.shifts_for_resident(request.user) if volunteer else ([], [])
    mine = {e.activity_id: e for e in selectors.my_shifts(request.user)}
    for activity in upcoming:
        activity.mine_row = mine.get(activity.pk)
    return render(
        request,
        "volunteers/home.html",
        {
            "volunteer": volunteer,
            "upcoming": upcoming,
            "mine": list(mine.values())[:20],
            "community": selectors.home_community(request.user),
            "feedback": selectors.feedback_of(volunteer) if volunteer else [],
        },
    )


@login_required
def register(request):
    volunteer = selectors.volunteer_of(request.user)
    errors = {}
    values = {
        "skills": volunteer.skills if volunteer else [],
        "availability": volunteer.availability if volunteer else [],
        "intro": volunteer.intro if volunteer else "",
        "team": str(volunteer.team_id or "") if volunteer else "",
    }
    status = 200
    if request.method == "POST":
        values = {
            "skills": request.POST.getlist("skills"),
            "availability": request.POST.getlist("availability"),
            "intro": request.POST.get("intro", ""),
            "team": request.POST.get("team", ""),
        }
        team_id = object_id(values["team"])
        try:
            actions.register(
                request.user,
                skills=values["skills"],
                availability=values["availability"],
                intro=values["intro"],
                team_id=team_id,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors = {k: [m for e in v for m in e.messages] for k, v in error.error_dict.items()}
            else:
                errors = {"__all__": error.messages}
            status = 400
        else:
            messages.success(request, _("已提交，社区工作人员审核后即可参加志愿服务。"))
            return redirect("volunteers:home")
    return render(
        request,
        "volunteers/register.html",
        {
            "volunteer": volunteer,
            "skills": SKILLS,
            "availability": AVAILABILITY,
            "teams": selectors.teams_for_resident(request.user),
            "values": values,
            "errors": errors,
            "community": selectors.home_community(request.user),
        },
        status=status,
    )


def _shift(request, pk):
    activity = selectors.shift_for_resident(request.user, pk)
    if activity is None:
        raise Http404
    return activity


@login_required
def shift(request, pk):
    from civicgrid.activities import selectors as activity_selectors

    activity = _shift(request, pk)
    enrolment = activity_selectors.enrolment_of(request.user, activity)
    active = enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED
    now = timezone.now()
    return render(
        request,
        "volunteers/shift.html",
        {
            "activity": activity,
            "enrolment": enrolment if active else None,
            "position": activity_selectors.waitlist_position(enrolment),
            "volunteer": selectors.verified_volunteer(request.user),
            "can_sign_up": activity.status == Status.PUBLISHED and now <= activity.signup_deadline and not active,
            "can_cancel": active and activity.status == Status.PUBLISHED and now < activity.starts_at,
        },
    )


@login_required
@require_POST
def shift_sign_up(request, pk):
    activity = _shift(request, pk)
    try:
        enrolment = actions.sign_up_shift(request.user, activity.pk)
    except ValidationError as error:
        refuse(request, error)
    else:
        if enrolment.status == EnrolmentStatus.CONFIRMED:
            messages.success(request, _("报名成功。"))
        else:
            messages.info(request, _("名额已满，您已进入候补名单；有人取消时将自动为您递补并通知您。"))
    return redirect("volunteers:shift", pk=activity.pk)


@login_required
@require_POST
def shift_cancel(request, pk):
    activity = _shift(request, pk)
    try:
        actions.cancel_shift_sign_up(request.user, activity.pk)
    except ValidationError as error:
        refuse(request, error)
    else:
        messages.success(request, _("已取消报名。"))
    return redirect("volunteers:shift", pk=activity.pk)


# --- Micro-wishes ------------------------------------------------------------------------------


@login_required
def wall(request):
    return render(
        request,
        "volunteers/wall.html",
        {
            "wishes": list(selectors.wall(request.user)[:200]),
            "mine": list(selectors.my_wishes(request.user)[:20]),
            "claims": list(selectors.my_claims(request.user)[:20]),
            "community": selectors.home_community(request.user),
        },
    )


@login_required
def wish_new(request):
    if selectors.home_community(request.user) is None:
        raise Http404
    values, errors, status = {"title": "", "description": ""}, {}, 200
    if request.method == "POST":
        values = {"title": request.POST.get("title", ""), "description": request.POST.get("description", "")}
        try:
            wish = actions.post_wish(request.user, **values)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            status = 400
        else:
            messages.success(request, _("心愿已提交，社区工作人员审核后将在心愿墙展示。"))
            return redirect("volunteers:wish", pk=wish.pk)
    return render(request, "volunteers/wish_new.html", {"values": values, "errors": errors}, status=status)


def _wish(request, pk):
    wish = selectors.wish_for_resident(request.user, pk)
    if wish is None:
        raise Http404
    return wish


@login_required
def wish(request, pk):
    item = _wish(request, pk)
    mine = item.author_id == request.user.pk
    volunteer = selectors.verified_volunteer(request.user)
    return render(
        request,
        "volunteers/wish.html",
        {
            "wish": item,
            "mine": mine,
            "volunteer": volunteer,
            "claimer": item.claimed_by_id == request.user.pk,
            "can_claim": volunteer is not None and not mine and item.status == WishStatus.OPEN,
            "rated": hasattr(item, "feedback") if mine else False,
            "show_photo": bool(item.photo) and (mine or item.claimed_by_id == request.user.pk),
        },
    )


STEPS = {
    "claim": lambda r, pk: actions.claim_wish(r.user, pk),
    "claim-team": lambda r, pk: actions.claim_wish(r.user, pk, for_team=True),
    "fulfil": lambda r, pk: actions.fulfil_wish(r.user, pk, photo=r.FILES.get("photo"), note=r.POST.get("note", "")),
    "confirm": lambda r, pk: actions.confirm_wish(r.user, pk),
    "withdraw": lambda r, pk: actions.withdraw_wish(r.user, pk),
    "feedback": lambda r, pk: actions.give_feedback(
        r.user,
        pk,
        stars=object_id(r.POST.get("stars")) or 0,
        comment=r.POST.get("comment", ""),
    ),
}
DONE = {
    "claim": _("认领成功，请尽快帮助实现心愿。"),
    "claim-team": _("已以队伍名义认领。"),
    "fulfil": _("已上传照片，等待心愿人确认。"),
    "confirm": _("已确认心愿实现，感谢您的反馈。"),
    "withdraw": _("心愿已撤回。"),
    "feedback": _("感谢您的评价。"),
}


@login_required
@require_POST
def wish_step(request, pk, step):
    if step not in STEPS:
        raise Http404
    item = _wish(request, pk)
    try:
        STEPS[step](request, item.pk)
    except Wish.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        refuse(request, error)
    else:
        messages.success(request, DONE[step])
    return redirect("volunteers:wish", pk=item.pk)


@login_required
def wish_photo(request, pk):
    item = selectors.wish_photo_for(request.user, pk)
    if item is None:
        raise Http404
    from civicgrid.cases.uploads import attachment_storage

    name = item.photo_thumb if request.GET.get("size") == "thumb" and item.photo_thumb else item.photo
    try:
        handle = attachment_storage().open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=item.photo_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
