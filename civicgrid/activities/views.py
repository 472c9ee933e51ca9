"""Thin pages: residents (phone) list their community's activities, sign up or cancel, keep their
personal check-in code, and check in by opening the venue code's URL; staff (laptop) create, edit,
publish, cancel and finish activities, see the sign-ups and check-ins, show the venue code and take
residents' codes, and add a summary and photos afterwards.

Out of scope (another community's activity, a resident on a staff page) answers 404 and changes
nothing; a refusal (a full deadline, a bad code) shows its message and changes nothing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.activities import actions, conf, selectors
from civicgrid.activities.forms import ActivityForm, CodeForm, SummaryForm
from civicgrid.activities.models import Activity, EnrolmentStatus, Status
from civicgrid.core.editing import ObjectEditView
from civicgrid.core.forms import add_errors


def _refusal(request, error):
    for message in error.messages:
        messages.error(request, message)


def _map_config(activity=None, editable=False, default_region=None):
    config = {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "editable": editable,
        "strings": {"hint": _("点击地图标注活动地点，可拖动图钉调整。"), "pinned": _("已标注活动地点。")},
    }
    if activity is not None and activity.lat is not None:
        config["pin"] = [activity.lat, activity.lng]
        config["title"] = activity.place
    region = activity.region if activity is not None and getattr(activity, "region_id", None) else default_region
    if region is not None:
        if region.centroid_lat is not None:
            config["center"] = [region.centroid_lat, region.centroid_lon]
        config["outline"] = region.boundary
    return config


# --- Residents -------------------------------------------------------------------------------


@login_required
def resident_list(request):
    upcoming, past = selectors.resident_list(request.user)
    mine = {e.activity_id: e for e in selectors.my_enrolments(request.user)}
    for activity in upcoming:
        activity.mine_row = mine.get(activity.pk)
    return render(
        request,
        "activities/list.html",
        {"upcoming": upcoming, "past": past, "home": selectors.resident_home(request.user)},
    )


def _resident_activity(request, pk):
    return get_object_or_404(selectors.for_resident(request.user).select_related("region"), pk=pk)


@login_required
def detail(request, pk):
    activity = _resident_activity(request, pk)
    enrolment = selectors.enrolment_of(request.user, activity)
    active = enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED
    can_sign_up = activity.status == Status.PUBLISHED and timezone.now() <= activity.signup_deadline and not active
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "enrolment": enrolment if active else None,
            "position": selectors.waitlist_position(enrolment),
            "can_sign_up": can_sign_up,
            "why_not": actions.eligibility_error(request.user, activity) if can_sign_up else None,
            "can_cancel": active and activity.status == Status.PUBLISHED and timezone.now() < activity.starts_at,
            "photos": selectors.photos(activity) if activity.status == Status.FINISHED else [],
            "map_config": _map_config(activity),
            "code_form": CodeForm(),
        },
    )


@login_required
@require_POST
def sign_up(request, pk):
    activity = _resident_activity(request, pk)
    try:
        enrolment = actions.sign_up(request.user, activity.pk)
    except ValidationError as error:
        _refusal(request, error)
    else:
        if enrolment.status == EnrolmentStatus.CONFIRMED:
            messages.success(request, _("报名成功。"))
        else:
            messages.info(request, _("名额已满，您已进入候补名单；有人取消时将自动为您递补并通知您。"))
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def cancel_sign_up(request, pk):
    activity = _resident_activity(request, pk)
    try:
        actions.cancel_sign_up(request.user, activity.pk)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("已取消报名。"))
    return redirect("activities:detail", pk=activity.pk)


@login_required
def mine(request):
    enrolments = list(selectors.my_enrolments(request.user))
    now = timezone.now()
    for enrolment in enrolments:
        enrolment.show_code = (
            enrolment.status == EnrolmentStatus.CONFIRMED
            and enrolment.activity.status == Status.PUBLISHED
            and enrolment.activity.ends_at >= now
            and enrolment.checked_in_at is None
        )
        if enrolment.show_code:
            enrolment.code = actions.personal_code(enrolment)
            enrolment.short_code = actions.personal_short_code(enrolment)
    return render(
        request,
        "activities/mine.html",
        {"enrolments": enrolments, "refresh": conf.get("ACTIVITIES_CODE_SECONDS") // 2},
    )


@login_required
def checkin(request, token):
    """The venue code's URL, opened by a resident's phone: the page shows the activity and one button
    (a GET never writes); the button checks in."""
    status = 200
    if request.method == "POST":
        try:
            result = actions.check_in_at_venue(request.user, token)
        except Activity.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            _refusal(request, error)
            status = 400
        else:
            if result.already:
                messages.info(request, _("您已经签到过了。"))
            else:
                messages.success(request, _("签到成功，欢迎参加活动！"))
            return redirect("activities:detail", pk=result.enrolment.activity_id)
    from civicgrid.activities import codes

    try:
        activity_id = codes.read_token(codes.VENUE, token)
        problem = None
    except codes.CodeError as error:
        activity_id = None
        problem = (
            _("签到码已过期，请扫描现场屏幕上最新的签到码。") if error.expired else _("签到码无效，请核对后重试。")
        )
    activity = None
    if activity_id is not None:
        activity = selectors.for_resident(request.user).filter(pk=activity_id).first()
        if activity is None:
            raise Http404
    if problem and status == 200:
        status = 400
    return render(
        request, "activities/checkin.html", {"activity": activity, "problem": problem, "token": token}, status=status
    )


@login_required
@require_POST
def enter_code(request, pk):
    """A resident types the venue's six-digit short code on the activity's page."""
    activity = _resident_activity(request, pk)
    form = CodeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("activities:detail", pk=activity.pk)
    try:
        result = actions.check_in_at_venue(request.user, form.cleaned_data["code"], activity_id=activity.pk)
    except Activity.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("您已经签到过了。") if result.already else _("签到成功，欢迎参加活动！"))
    return redirect("activities:detail", pk=activity.pk)


@login_required
def photo(request, pk, variant="file"):
    item = selectors.photo_for(request.user, pk)
    if item is None:
        raise Http404
    from civicgrid.cases.uploads import attachment_storage

    name = item.thumbnail if variant == "thumb" and item.thumbnail else item.file
    try:
        handle = attachment_storage().open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Staff -----------------------------------------------------------------------------------


def _staff_only(request):
    """Staff pages answer 404 to whoever holds no activities permission anywhere (residents)."""
    from civicgrid.accounts.scopes import scope_codes

    if scope_codes(request.user, "activities.view_activity") == []:
        raise Http404


@login_required
def manage(request):
    _staff_only(request)
    status = request.GET.get("status", "")
    activities = list(selectors.staff_list(request.user, status=status)[:200])
    return render(
        request,
        "activities/manage.html",
        {"activities": activities, "status": status, "statuses": Status.choices},
    )


def _staff_activity(request, pk, action="view"):
    return get_object_or_404(
        Activity.objects.restrict(request.user, action).select_related("region", "organiser"), pk=pk
    )


@login_required
def staff_detail(request, pk):
    activity = _staff_activity(request, pk)
    can_change = Activity.objects.restrict(request.user, "change").filter(pk=pk).exists()
    return render(
        request,
        "activities/staff_detail.html",
        {
            "activity": activity,
            "counts": selectors.counts(activity),
            "enrolments": selectors.enrolments(request.user, activity),
            "photos": selectors.photos(activity),
            "can_change": can_change,
            "summary_form": SummaryForm(initial={"summary": activity.summary}),
            "code_form": CodeForm(),
            "map_config": _map_config(activity),
            "started": timezone.now() >= activity.starts_at,
        },
    )


class ActivityEditView(ObjectEditView):
    model = Activity
    template_name = "activities/edit.html"
    form_id = "activity-form"

    def get_queryset(self):
        return super().get_queryset().select_related("region")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.organiser_regions(request.user).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        initial = {}
        if not self.adding:
            initial = {name: getattr(self.object, name) for name in actions.FIELDS}
            for name in ("starts_at", "ends_at", "signup_deadline"):
                initial[name] = timezone.localtime(initial[name])
        form = ActivityForm(self.request.POST or None, initial=initial, user=self.request.user)
        # The pin map's settings travel with the form (ObjectEditView renders the shared context).
        form.map_config = _map_config(
            None if self.adding else self.object,
            editable=True,
            default_region=selectors.organiser_regions(self.request.user).first(),
        )
        return form

    def save(self, form):
        data = dict(form.cleaned_data)
        data["tag_code"] = data.get("tag_code") or ""
        return actions.save_activity(self.request.user, self.object, **data)

    def success_url(self, result):
        return reverse("activities:staff_detail", args=[result.pk])

    def cancel_url(self):
        return (
            reverse("activities:manage") if self.adding else reverse("activities:staff_detail", args=[self.object.pk])
        )

    def title(self):
        return _("新建活动") if self.adding else _("编辑活动")

    def subtitle(self):
        return "" if self.adding else self.object.title


def _staff_post(request, pk, action, success):
    activity = _staff_activity(request, pk)
    try:
        action(activity)
    except Activity.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, success)
    return redirect("activities:staff_detail", pk=activity.pk)


@login_required
@require_POST
def publish(request, pk):
    return _staff_post(request, pk, lambda a: actions.publish_activity(request.user, a.pk), _("活动已发布。"))


@login_required
@require_POST
def cancel(request, pk):
    return _staff_post(
        request, pk, lambda a: actions.cancel_activity(request.user, a.pk), _("活动已取消，已通知报名居民。")
    )


@login_required
@require_POST
def finish(request, pk):
    form = SummaryForm(request.POST)
    if not form.is_valid():
        _staff_activity(request, pk)
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("activities:staff_detail", pk=pk)
    summary = form.cleaned_data["summary"]
    return _staff_post(
        request,
        pk,
        lambda a: actions.finish_activity(request.user, a.pk, summary or None),
        _("活动已结束，已记录未到场人员。"),
    )


@login_required
@require_POST
def summary(request, pk):
    activity = _staff_activity(request, pk)
    form = SummaryForm(request.POST)
    files = request.FILES.getlist("photos")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("activities:staff_detail", pk=activity.pk)
    try:
        if activity.status == Status.FINISHED:
            actions.save_summary(request.user, activity.pk, form.cleaned_data["summary"])
        if files:
            actions.add_photos(request.user, activity.pk, files)
    except Activity.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("已保存。"))
    return redirect("activities:staff_detail", pk=activity.pk)


@login_required
def venue(request, pk):
    """The venue screen: the signed, expiring venue code (its URL and short code), renewed every
    minute, and the form where staff type or paste a resident's personal code."""
    activity = _staff_activity(request, pk)
    status = 200
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                result = actions.check_in_by_staff(request.user, activity.pk, form.cleaned_data["code"])
            except Activity.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
                status = 400
            else:
                name = result.enrolment.user.display_name
                if result.already:
                    messages.info(request, _("%(name)s 已经签到过了。") % {"name": name})
                else:
                    messages.success(request, _("%(name)s 签到成功。") % {"name": name})
                return redirect("activities:venue", pk=activity.pk)
        else:
            status = 400
    token = actions.venue_code(activity)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[token]))
    return render(
        request,
        "activities/venue.html",
        {
            "activity": activity,
            "url": url,
            "short_code": actions.venue_short_code(activity),
            "counts": selectors.counts(activity),
            "form": form,
            "window_problem": actions.check_in_window_error(activity, timezone.now()),
            "refresh": 60,
        },
        status=status,
    )
