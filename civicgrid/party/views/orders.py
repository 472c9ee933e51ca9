"""Views of party building's orders (派单 / 接单 / 赋分): the order hall (each role's lists), the
order page with the steps the user may take, the new order form, the report form (phone), the audit
form (laptop), the report photos (private), and the ranking of units with its xlsx evidence.
Every page starts from the user's reach (civicgrid.party.selectors.orders): outside it is 404."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.core.forms import add_errors
from civicgrid.core.text import object_id
from civicgrid.party.actions import orders as actions
from civicgrid.party.forms.orders import AuditForm, OrderForm, ReportForm
from civicgrid.party.models import Order, OrderPhoto, OrderStatus, TakerKind
from civicgrid.party.selectors import orders as selectors
from civicgrid.party.views.common import private_file

HALL_LIMIT = 200


def _errors(error):
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


@login_required
def hall(request):
    lists = selectors.hall(request.user)
    context = {
        "lists": {name: list(rows[:HALL_LIMIT]) for name, rows in lists.items()},
        "may_post": selectors.postable_communities(request.user).exists(),
        "may_rank": bool(selectors.ranking_codes(request.user)),
        "today": timezone.localdate(),
    }
    return render(request, "party/orders_hall.html", context)


def _order(request, pk):
    return get_object_or_404(
        selectors.visible_orders(request.user).select_related("posted_by", "audited_by", "taker_user"), pk=pk
    )


@login_required
def order(request, pk):
    item = _order(request, pk)
    user = request.user
    options = selectors.take_options(user, item) if item.shown_status == OrderStatus.OPEN else []
    context = {
        "item": item,
        "steps": list(item.steps.select_related("actor")),
        "photos": list(item.photos.all()),
        "take_options": [(kind, TakerKind(kind).label, department) for kind, department, _post, _m in options],
        "may_report": selectors.may_report(user, item),
        "may_audit": item.status == OrderStatus.REPORTED and selectors.may_audit(user, item),
        "may_cancel": selectors.may_cancel(user, item) and item.shown_status == OrderStatus.OPEN,
    }
    return render(request, "party/orders_detail.html", context)


@login_required
def new(request):
    communities = list(selectors.postable_communities(request.user))
    if not communities:
        raise Http404
    status = 200
    initial = {"case_number": request.GET.get("case", "")[:16]}
    form = OrderForm(request.POST or None, communities=communities, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = actions.post_order(
                    request.user,
                    community_id=data["community"],
                    kind=data["kind"],
                    title=data["title"],
                    need=data["need"],
                    deadline=data["deadline"],
                    points_offered=data["points_offered"],
                    case_number=data["case_number"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("已派单，等待下沉单位接单。"))
                return redirect("party:order", pk=item.pk)
        status = 400
    return render(request, "party/orders_new.html", {"form": form, "max_points": selectors.max_points()}, status=status)


@login_required
@require_POST
def take(request, pk):
    item = _order(request, pk)
    as_kind = request.POST.get("as", "")
    try:
        actions.take_order(request.user, item.pk, as_kind if as_kind in TakerKind.values else None)
    except Order.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("接单成功，请按时完成并提交完成报告。"))
    return redirect("party:order", pk=item.pk)


@login_required
@require_POST
def cancel(request, pk):
    item = _order(request, pk)
    try:
        actions.cancel_order(request.user, item.pk, request.POST.get("note", ""))
    except Order.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("派单已撤销。"))
    return redirect("party:order", pk=item.pk)


@login_required
def report(request, pk):
    item = _order(request, pk)
    if item.taker_user_id != request.user.pk:
        raise Http404
    form = ReportForm(request.POST or None, initial={"report": item.report})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.report_order(
                    request.user, item.pk, form.cleaned_data["report"], request.FILES.getlist("photos")
                )
            except Order.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
                form.photo_error = _errors(error).get("photos")
            else:
                messages.success(request, _("完成报告已提交，等待街道审核。"))
                return redirect("party:order", pk=item.pk)
        status = 400
    return render(
        request,
        "party/orders_report.html",
        {
            "item": item,
            "form": form,
            "max_photos": selectors.max_photos(),
            "may_report": selectors.may_report(request.user, item),
        },
        status=status,
    )


@login_required
def audit(request, pk):
    item = _order(request, pk)
    if not selectors.may_audit(request.user, item):
        raise Http404
    top = selectors.max_points()
    form = AuditForm(
        request.POST or None, max_points=top, initial={"decision": "approve", "points": item.points_offered}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            approve = data["decision"] == "approve"
            try:
                actions.audit_order(
                    request.user,
                    item.pk,
                    approve=approve,
                    points="" if data["points"] is None else data["points"],
                    comment=data["comment"],
                )
            except Order.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("已赋分。") if approve else _("已退回，接单方补充后可再次提交。"))
                return redirect("party:order", pk=item.pk)
        status = 400
    context = {
        "item": item,
        "form": form,
        "photos": list(item.photos.all()),
        "max_points": top,
        "waiting": item.status == OrderStatus.REPORTED,
    }
    return render(request, "party/orders_audit.html", context, status=status)


@login_required
def photo(request, pk, photo_pk):
    item = _order(request, pk)
    row = OrderPhoto.objects.filter(pk=photo_pk, order=item).first()
    if row is None:
        raise Http404
    from civicgrid.cases import uploads

    try:
        handle = uploads.attachment_storage().open(row.file, "rb")
    except OSError:
        raise Http404 from None
    return private_file(handle, row, download=False)


# --- Ranking ------------------------------------------------------------------------------------


def _period(request):
    today = timezone.localdate()
    kind = request.GET.get("period", "month")
    if kind not in selectors.PERIODS:
        kind = "month"
    year = object_id(request.GET.get("year")) or today.year
    default = today.month if kind == "month" else (today.month - 1) // 3 + 1
    number = object_id(request.GET.get("n")) or default
    try:
        start, end = selectors.period_bounds(kind, year, number)
    except (ValueError, OverflowError):
        kind, year, number = "month", today.year, today.month
        start, end = selectors.period_bounds(kind, year, number)
    return kind, year, number, start, end


def _ranking_codes(request):
    codes = selectors.ranking_codes(request.user)
    if not codes:
        raise Http404
    return codes


@login_required
def ranking(request):
    codes = _ranking_codes(request)
    kind, year, number, start, end = _period(request)
    today = timezone.localdate()
    context = {
        "period": kind,
        "year": year,
        "n": number,
        "start": start,
        "end": end,
        "years": list(range(today.year - 4, today.year + 1)),
        "months": list(range(1, 13)),
        "quarters": [1, 2, 3, 4],
        "ranking": selectors.ranking(codes, start, end),
        "query": f"period={kind}&year={year}&n={number}",
    }
    return render(request, "party/orders_ranking.html", context)


@login_required
def ranking_export(request):
    from openpyxl import Workbook

    from civicgrid.core import xlsx

    codes = _ranking_codes(request)
    kind, year, number, start, end = _period(request)
    workbook = Workbook(write_only=True)
    summary = xlsx.Table(
        workbook.create_sheet(_("单位排名")), [(_("名次"), 8), (_("单位"), 28), (_("积分"), 10), (_("完成派单"), 12)]
    )
    for position, row in enumerate(selectors.ranking(codes, start, end)["units"], start=1):
        summary.row([position, row["name"], row["points"], row["orders"]])
    summary.close()
    detail = xlsx.Table(
        workbook.create_sheet(_("赋分明细")),
        [
            (_("单位"), 24),
            (_("审核日期"), 12, xlsx.DATE_FORMAT),
            (_("社区"), 18),
            (_("派单标题"), 36),
            (_("接单方式"), 12),
            (_("赋分"), 8),
            (_("审核人"), 14),
        ],
    )
    for item in selectors.evidence_rows(codes, start, end):
        detail.row(
            [
                item.taker_department.name if item.taker_department else _("（无派出单位）"),
                timezone.localtime(item.audited_at).date(),
                item.community.name,
                item.title,
                TakerKind(item.taker_kind).label if item.taker_kind else "",
                item.points,
                (item.audited_by.name or item.audited_by.username) if item.audited_by else "",
            ]
        )
    detail.close()
    xlsx.notes_sheet(
        workbook,
        _("说明"),
        [
            (_("内容"), _("派单接单赋分情况（绩效考核佐证）")),
            (_("期间"), _("%(start)s 至 %(end)s") % {"start": start, "end": end - timedelta(days=1)}),
            (_("导出人"), request.user.name or request.user.username),
            (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ],
    )
    return xlsx.response(workbook, f"order-ranking-{kind}-{year}-{number}.xlsx")


urlpatterns = [
    path("orders/", hall, name="orders"),
    path("orders/new/", new, name="order_new"),
    path("orders/ranking/", ranking, name="order_ranking"),
    path("orders/ranking/export/", ranking_export, name="order_ranking_export"),
    path("orders/<int:pk>/", order, name="order"),
    path("orders/<int:pk>/take/", take, name="order_take"),
    path("orders/<int:pk>/cancel/", cancel, name="order_cancel"),
    path("orders/<int:pk>/report/", report, name="order_report"),
    path("orders/<int:pk>/audit/", audit, name="order_audit"),
    path("orders/<int:pk>/photos/<int:photo_pk>/", photo, name="order_photo"),
]
