"""Thin pages. Residents (phone): report a repair, follow and rate it, see their house's bills,
answer the survey, read the red/black list. Property staff (phone): their company's repairs — take,
feed back. Community staff and property staff: arrears per compound, bill import and status. Street
staff (laptop): rating periods, marks, publication.

Out of scope answers 404 and changes nothing; a refusal shows its message and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import has_role, scope_codes
from civicgrid.cases import access
from civicgrid.cases.errors import CaseError, CaseNotFound
from civicgrid.cases.selectors import timeline
from civicgrid.property import actions, selectors
from civicgrid.property.models import (
    Bill,
    BillStatus,
    CompanyRating,
    FeeKind,
    PeriodStatus,
    RatingPeriod,
    Repair,
    RepairPlace,
)
from civicgrid.regions.models import Level, Region

NOT_FOUND = (
    Repair.DoesNotExist,
    Bill.DoesNotExist,
    RatingPeriod.DoesNotExist,
    CompanyRating.DoesNotExist,
    Region.DoesNotExist,
    CaseNotFound,
)


def _refuse(request, error):
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _run(request, action, *args, **kwargs):
    """Run an action: 404 when out of scope, the message when refused. Returns the result or None."""
    try:
        return action(*args, **kwargs)
    except NOT_FOUND:
        raise Http404() from None
    except (ValidationError, CaseError) as error:
        _refuse(request, error)
        return None


# --- Residents --------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    if selectors.is_property_staff(user):
        return redirect("property:tasks")
    if not has_role(user, Role.RESIDENT):
        raise Http404()
    house, bills = selectors.my_bills(user)
    context = {
        "house": house,
        "bills": bills,
        "repairs": selectors.my_repairs(user),
        "survey": selectors.open_survey_for(user),
        "has_board": selectors.published_periods(user).exists(),
    }
    return render(request, "property/home.html", context)


@login_required
def repair_new(request):
    if not has_role(request.user, Role.RESIDENT):
        raise Http404()
    house = selectors.home_of(request.user)
    categories = actions.repair_categories()
    values = {"place": RepairPlace.HOUSE}
    if request.method == "POST":
        values = request.POST
        repair = _run(
            request,
            actions.report_repair,
            request.user,
            category=request.POST.get("category", ""),
            description=request.POST.get("description", ""),
            place=request.POST.get("place", ""),
            spot=request.POST.get("spot", ""),
            submission_key=request.POST.get("submission_key", "")[:64],
            photos=request.FILES.getlist("photos"),
        )
        if repair is not None:
            messages.success(request, _("报修已提交，物业公司会尽快受理。"))
            return redirect("property:repair", repair.pk)
    return render(
        request,
        "property/repair_new.html",
        {"house": house, "categories": categories, "places": RepairPlace.choices, "values": values},
    )


@login_required
def repair(request, pk):
    repair = selectors.repair_for(request.user, pk)
    if repair is None:
        raise Http404()
    case = repair.case
    staff = repair.company_id in selectors.staff_company_ids(request.user)
    mine = repair.reporter_id == request.user.pk
    level = access.reading(request.user, case)
    events = list(timeline(case, public=not staff))
    by_event = {}
    for attachment in access.visible_attachments(level, case.attachments.all(), request.user, case):
        by_event.setdefault(attachment.event_id, []).append(attachment)
    for event in events:
        event.photos = [a for a in by_event.get(event.pk, []) if a.kind == "photo"]
    context = {
        "repair": repair,
        "case": case,
        "staff": staff,
        "mine": mine,
        "events": events,
        "reporter_phone": repair.reporter.masked_phone if staff else "",
        "can_take": staff and case.status in ("reported", "registered", "dispatched"),
        "can_feedback": staff and case.status == "handling" and case.assignee_id == request.user.pk,
        "can_rate": mine and case.status == "closed" and not case.evaluations.exists(),
        "evaluation": case.evaluations.order_by("-created_at").first(),
    }
    return render(request, "property/repair.html", context)


@login_required
@require_POST
def take(request, pk):
    if _run(request, actions.take_repair, request.user, pk, version=request.POST.get("version")) is not None:
        messages.success(request, _("已受理，请尽快上门处置。"))
    return redirect("property:repair", pk)


@login_required
@require_POST
def feedback(request, pk):
    done = _run(
        request,
        actions.feedback_repair,
        request.user,
        pk,
        version=request.POST.get("version"),
        note=request.POST.get("note", ""),
        photos=request.FILES.getlist("photos"),
    )
    if done is not None:
        messages.success(request, _("已反馈处置结果，等待社区核查。"))
    return redirect("property:repair", pk)


@login_required
@require_POST
def rate(request, pk):
    done = _run(
        request,
        actions.rate_repair,
        request.user,
        pk,
        version=request.POST.get("version"),
        score=request.POST.get("score"),
        comment=request.POST.get("comment", ""),
    )
    if done is not None:
        messages.success(request, _("感谢您的评价。"))
    return redirect("property:repair", pk)


@login_required
def survey(request):
    found = selectors.open_survey_for(request.user)
    if found is None:
        raise Http404()
    period, company, _household = found
    if request.method == "POST":
        done = _run(
            request,
            actions.answer_survey,
            request.user,
            service=request.POST.get("service"),
            cleanliness=request.POST.get("cleanliness"),
            repairs=request.POST.get("repairs"),
            safety=request.POST.get("safety"),
            comment=request.POST.get("comment", ""),
        )
        if done is not None:
            messages.success(request, _("问卷已提交，感谢参与。"))
            return redirect("property:home")
    questions = [
        ("service", _("服务态度")),
        ("cleanliness", _("环境卫生")),
        ("repairs", _("维修及时")),
        ("safety", _("安全秩序")),
    ]
    return render(request, "property/survey.html", {"period": period, "company": company, "questions": questions})


@login_required
def board(request):
    """红黑榜: the published periods of the resident's street (staff: of their subtree), by period."""
    periods = list(selectors.published_periods(request.user).order_by("-published_at"))
    if not periods:
        raise Http404()
    chosen = next((p for p in periods if str(p.pk) == request.GET.get("period", "")), periods[0])
    ratings = selectors.published_ratings(chosen)
    return render(
        request,
        "property/board.html",
        {
            "periods": periods,
            "period": chosen,
            "ratings": ratings,
            "red": [r for r in ratings if r.mark == "red"],
            "black": [r for r in ratings if r.mark == "black"],
        },
    )


# --- Property staff ---------------------------------------------------------------------------


@login_required
def tasks(request):
    if not selectors.is_property_staff(request.user):
        raise Http404()
    return render(request, "property/tasks.html", {"repairs": selectors.staff_tasks(request.user)})


# --- Fees -------------------------------------------------------------------------------------


def _fee_keeper(user):
    return (
        selectors.is_property_staff(user)
        or user.is_superuser
        or has_role(user, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.SYSTEM_ADMIN)
    )


@login_required
def fees(request):
    if not _fee_keeper(request.user):
        raise Http404()
    bills = selectors.bills_for(request.user).select_related("house__building", "house__unit", "compound")
    status = request.GET.get("status", "")
    if status in BillStatus.values:
        bills = bills.filter(status=status)
    return render(
        request,
        "property/fees.html",
        {
            "arrears": selectors.arrears_by_compound(request.user),
            "bills": bills.order_by("compound__name", "house_id", "-period")[:200],
            "statuses": BillStatus.choices,
            "status": status,
            "kinds": FeeKind.choices,
            "report": request.session.pop("property_import_report", None),
        },
    )


@login_required
@require_POST
def fee_import(request):
    if not _fee_keeper(request.user):
        raise Http404()
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 Excel 文件。"))
        return redirect("property:fees")
    if upload.size > 5 * 1024 * 1024:
        messages.error(request, _("文件不能超过 5 MB。"))
        return redirect("property:fees")
    report = actions.import_bills(request.user, upload.read())
    if report.ok:
        messages.success(
            request, _("导入完成：新增 %(c)d 条，更新 %(u)d 条。") % {"c": report.created, "u": report.updated}
        )
    else:
        messages.error(request, _("文件中有错误，未导入任何数据。请按下列行号修改后重新导入。"))
        request.session["property_import_report"] = report.errors[:200]
    return redirect("property:fees")


@login_required
def fee_template(request):
    if not _fee_keeper(request.user):
        raise Http404()
    from civicgrid.property.actions.bills import template_bytes

    response = HttpResponse(
        template_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="property-bills-template.xlsx"'
    return response


@login_required
@require_POST
def bill_status(request, pk):
    done = _run(
        request,
        actions.set_bill_status,
        request.user,
        pk,
        request.POST.get("status", ""),
        note=request.POST.get("note", ""),
    )
    if done is not None:
        messages.success(request, _("已记录。"))
    return redirect("property:fees")


# --- Ratings ----------------------------------------------------------------------------------


def _streets(user):
    codes = scope_codes(user, "property.add_ratingperiod")
    streets = Region.objects.filter(level=Level.STREET, is_active=True).order_by("code")
    if codes is None:
        return list(streets)
    return [s for s in streets if any(s.code.startswith(c) for c in codes)]


@login_required
def ratings(request):
    streets = _streets(request.user)
    if not streets:
        raise Http404()
    if request.method == "POST":
        period = _run(
            request,
            actions.create_period,
            request.user,
            street=request.POST.get("street"),
            name=request.POST.get("name", ""),
            street_weight=request.POST.get("street_weight"),
            survey_weight=request.POST.get("survey_weight"),
            expert_weight=request.POST.get("expert_weight"),
            red_at=request.POST.get("red_at"),
            black_below=request.POST.get("black_below"),
        )
        if period is not None:
            return redirect("property:rating", period.pk)
    return render(
        request, "property/ratings.html", {"periods": selectors.periods_for(request.user), "streets": streets}
    )


@login_required
def rating(request, pk):
    period = selectors.period_for(request.user, pk, "change")
    if period is None:
        raise Http404()
    if request.method == "POST":
        company = request.POST.get("company", "")
        done = _run(
            request,
            actions.set_marks,
            request.user,
            period.pk,
            company if company.isdigit() else -1,
            street_score=request.POST.get("street_score"),
            expert_score=request.POST.get("expert_score"),
            reason=request.POST.get("reason", ""),
        )
        if done is not None:
            messages.success(request, _("已保存“%(name)s”的评分。") % {"name": done.company.name})
            return redirect("property:rating", period.pk)
    ratings = list(period.ratings.select_related("company").order_by("rank", "company__name"))
    for row in ratings:
        row.figures = selectors.company_repair_figures(row.company_id)
    return render(
        request,
        "property/rating.html",
        {"period": period, "ratings": ratings, "published": period.status == PeriodStatus.PUBLISHED},
    )


@login_required
@require_POST
def publish(request, pk):
    done = _run(request, actions.publish_period, request.user, pk)
    if done is not None:
        messages.success(request, _("考评结果和红黑榜已发布。"))
    return redirect("property:rating", pk)
