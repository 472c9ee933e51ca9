"""Residents' pages (phone): my points (balances, honours, recent entries), the mall, my
redemption codes (QR), the time bank and the community leaderboard; and the merchant counter's
page that verifies a code. Out of reach answers 404 and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.points import actions, selectors
from civicgrid.points.actions import mall
from civicgrid.points.forms import CodeForm, HelpForm
from civicgrid.points.models import POINT_KINDS, Help, Item, Kind, Redemption


def _refusal(request, error):
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request, form):
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@login_required
def mine(request):
    account = selectors.my_account(request.user)
    balances = [(kind, kind.label, account.balance(kind) if account else 0) for kind in POINT_KINDS]
    return render(
        request,
        "points/mine.html",
        {
            "account": account,
            "balances": balances,
            "time_hours": (account.time_minutes / 60) if account else 0,
            "honours": selectors.honours(account),
            "entries": selectors.recent_entries(account),
            "home": selectors.resident_home(request.user),
        },
    )


@login_required
def mall_list(request):
    kind = request.GET.get("kind", "")
    items = selectors.offered_to(request.user)
    if kind in [k.value for k in POINT_KINDS]:
        items = items.filter(kind=kind)
    return render(
        request,
        "points/mall.html",
        {"items": items[:200], "kinds": [(k.value, k.label) for k in POINT_KINDS], "kind": kind},
    )


@login_required
def item_detail(request, pk):
    item = get_object_or_404(selectors.offered_to(request.user), pk=pk)
    account = selectors.my_account(request.user)
    return render(request, "points/item.html", {"item": item, "balance": account.balance(item.kind) if account else 0})


@login_required
@require_POST
def redeem(request, pk):
    item = get_object_or_404(selectors.offered_to(request.user), pk=pk)
    try:
        actions.redeem(request.user, item.pk)
    except Item.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refusal(request, error)
        return redirect("points:item", pk=item.pk)
    messages.success(request, _("兑换成功，请到商户出示兑换码。"))
    return redirect("points:redemptions")


@login_required
def redemptions(request):
    rows = list(selectors.my_redemptions(request.user)[:100])
    for row in rows:
        if row.status == Redemption.Status.ISSUED:
            row.code = mall.redemption_code(row)
    return render(request, "points/redemptions.html", {"redemptions": rows})


@login_required
@require_POST
def cancel_redemption(request, pk):
    redemption = get_object_or_404(Redemption, pk=pk, user=request.user)
    try:
        actions.cancel_redemption(request.user, redemption.pk)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("已取消兑换，积分已退回。"))
    return redirect("points:redemptions")


@login_required
def timebank(request):
    form = HelpForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.record_help(request.user, **form.cleaned_data)
            except ValidationError as error:
                _refusal(request, error)
            else:
                messages.success(request, _("已记录，等待对方确认。"))
                return redirect("points:timebank")
        else:
            _form_errors(request, form)
    account = selectors.my_account(request.user)
    return render(
        request,
        "points/timebank.html",
        {
            "form": form,
            "minutes": account.balance(Kind.TIME) if account else 0,
            "waiting": selectors.to_confirm(request.user),
            "records": selectors.my_helps(request.user)[:50],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def help_decide(request, pk, decision):
    try:
        if decision == "confirm":
            actions.confirm_help(request.user, pk)
            messages.success(request, _("已确认，时间已记入双方账户。"))
        else:
            actions.decline_help(request.user, pk)
            messages.info(request, _("已拒绝这条记录。"))
    except Help.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refusal(request, error)
    return redirect("points:timebank")


@login_required
def board(request):
    community = selectors.home_community_code(request.user)
    if not community:
        raise Http404
    kind = request.GET.get("kind", Kind.HONGDE)
    if kind not in [k.value for k in POINT_KINDS]:
        kind = Kind.HONGDE
    account = selectors.my_account(request.user)
    return render(
        request,
        "points/board.html",
        {
            "rows": selectors.leaderboard(community, kind),
            "kind": kind,
            "kinds": [(k.value, k.label, selectors.HONOURS[k]) for k in POINT_KINDS],
            "hidden": account.hidden_from_board if account else False,
            "my_account_id": account.pk if account else None,
        },
    )


@login_required
@require_POST
def board_visibility(request):
    actions.set_board_visibility(request.user, shown=request.POST.get("shown") == "1")
    messages.success(request, _("已更新排行榜显示设置。"))
    return redirect("points:board")


# --- The merchant's counter (phone) -----------------------------------------------------------


@login_required
def counter(request):
    """核销: a merchant's staff scan or type a resident's code, see what it is for, and confirm."""
    merchants = list(selectors.staffed_merchants(request.user))
    if not merchants:
        raise Http404
    form = CodeForm(request.POST or request.GET or None)
    found, status = None, 200
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if request.method == "POST" and request.POST.get("confirm") == "1":
                redemption = actions.verify_code(request.user, code)
                messages.success(request, _("核销成功：%(title)s") % {"title": redemption.item.title})
                return redirect("points:counter")
            found = mall.lookup_code(request.user, code)
        except ValidationError as error:
            _refusal(request, error)
            status = 400
    elif form.is_bound:
        _form_errors(request, form)
        status = 400
    return render(request, "points/counter.html", {"form": form, "found": found, "merchants": merchants}, status=status)
