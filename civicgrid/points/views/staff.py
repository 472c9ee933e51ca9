"""Staff pages (laptop): the merchants of their subtree with items, counter staff and statements;
accounts and awards (a second person approves above the threshold); the rules. Out of scope answers
404 and changes nothing; a refusal shows its message and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.forms import add_errors
from civicgrid.core.text import object_id
from civicgrid.points import actions, conf, selectors
from civicgrid.points.forms import AwardForm, ItemForm, MerchantForm, RuleRecordForm, StaffMemberForm
from civicgrid.points.models import Account, Award, Entry, Item, Merchant, MerchantStaff


def _staff(request, permission="points.view_merchant"):
    if scope_codes(request.user, permission) == []:
        raise Http404


def _refusal(request, error):
    for message in error.messages:
        messages.error(request, message)


@login_required
def manage(request):
    _staff(request)
    form = MerchantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            merchant = actions.save_merchant(request.user, Merchant(), **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("商户已添加。"))
            return redirect("points:merchant", pk=merchant.pk)
    merchants = Merchant.objects.restrict(request.user, "view").select_related("region")
    return render(
        request,
        "points/manage.html",
        {"merchants": merchants[:300], "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _merchant(request, pk, action="view"):
    return get_object_or_404(Merchant.objects.restrict(request.user, action).select_related("region"), pk=pk)


@login_required
def merchant(request, pk):
    shop = _merchant(request, pk)
    return render(
        request,
        "points/merchant.html",
        {
            "merchant": shop,
            "items": Item.objects.filter(merchant=shop).order_by("-active", "price", "pk"),
            "members": MerchantStaff.objects.filter(merchant=shop).select_related("user"),
            "item_form": ItemForm(initial={"valid_from": timezone.localdate()}),
            "staff_form": StaffMemberForm(),
        },
    )


@login_required
def item_edit(request, pk, item_pk=None):
    shop = _merchant(request, pk, "change")
    item = (
        get_object_or_404(Item.objects.restrict(request.user, "change"), pk=item_pk, merchant=shop)
        if item_pk
        else Item()
    )
    initial = {name: getattr(item, name) for name in ItemForm.base_fields} if item.pk else None
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_item(request.user, shop.pk, item, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("商品已保存。"))
            return redirect("points:merchant", pk=shop.pk)
    return render(
        request,
        "points/item_edit.html",
        {"merchant": shop, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def merchant_staff(request, pk):
    shop = _merchant(request, pk, "change")
    form = StaffMemberForm(request.POST)
    try:
        if request.POST.get("remove"):
            actions.remove_merchant_staff(request.user, shop.pk, object_id(request.POST["remove"]) or 0)
        elif form.is_valid():
            actions.add_merchant_staff(request.user, shop.pk, form.cleaned_data["phone"])
            messages.success(request, _("店员已添加。"))
        else:
            messages.error(request, _("请填写店员手机号。"))
    except (ValueError, TypeError):
        messages.error(request, _("请求无效。"))
    except ValidationError as error:
        _refusal(request, error)
    return redirect("points:merchant", pk=shop.pk)


@login_required
def statement(request, pk):
    """对账单: the merchant's redemptions of a month (staff in scope or its counter staff)."""
    shop = selectors.merchant_for(request.user, pk)
    if shop is None:
        raise Http404
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        start, end = selectors.period_bounds(month)
    except (ValueError, TypeError):
        messages.error(request, _("月份格式应为 2026-01。"))
        month = timezone.localdate().strftime("%Y-%m")
        start, end = selectors.period_bounds(month)
    rows, totals = selectors.statement(shop, start, end)
    return render(
        request,
        "points/statement.html",
        {"merchant": shop, "rows": rows[:500], "totals": totals, "month": month},
    )


# --- Accounts and awards ----------------------------------------------------------------------


@login_required
def awards(request):
    _staff(request, "points.view_award")
    query = (request.GET.get("q") or "").strip()[:30]
    accounts = Account.objects.restrict(request.user, "view").order_by("owner_kind", "name")
    if query:
        accounts = accounts.filter(name__icontains=query)
    pending = (
        Award.objects.restrict(request.user, "view")
        .filter(status=Award.Status.PENDING)
        .select_related("account", "requested_by")
    )
    recent = Award.objects.restrict(request.user, "view").exclude(status=Award.Status.PENDING).select_related("account")
    return render(
        request,
        "points/awards.html",
        {
            "accounts": accounts[:50],
            "query": query,
            "pending": pending[:100],
            "recent": recent[:30],
            "threshold": conf.get("POINTS_APPROVAL_THRESHOLD"),
            "award_form": AwardForm(),
            "rule_form": RuleRecordForm(),
        },
    )


@login_required
@require_POST
def award_create(request):
    _staff(request, "points.add_award")
    form = AwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请完整填写奖励的类别、分值和理由。"))
        return redirect("points:awards")
    data = form.cleaned_data
    try:
        item = actions.award(
            request.user, data["account"], kind=data["kind"], amount=data["amount"], reason=data["reason"]
        )
    except Account.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refusal(request, error)
    else:
        if item.status == Award.Status.PENDING:
            messages.info(
                request, _("超过 %(n)s 分的奖励需另一位工作人员审批。") % {"n": conf.get("POINTS_APPROVAL_THRESHOLD")}
            )
        else:
            messages.success(request, _("积分已入账。"))
    return redirect("points:awards")


@login_required
@require_POST
def award_decide(request, pk, decision):
    try:
        if decision == "approve":
            actions.approve_award(request.user, pk)
            messages.success(request, _("已审批，积分已入账。"))
        else:
            actions.reject_award(request.user, pk)
            messages.info(request, _("已驳回。"))
    except Award.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refusal(request, error)
    return redirect("points:awards")


@login_required
@require_POST
def record_rule(request):
    _staff(request, "points.add_award")
    form = RuleRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写说明。"))
        return redirect("points:awards")
    try:
        actions.record_by_rule(
            request.user, form.cleaned_data["account"], form.cleaned_data["trigger"], form.cleaned_data["note"]
        )
    except Account.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("已按规则记入积分。"))
    return redirect("points:awards")


@login_required
def account(request, pk):
    holder = get_object_or_404(Account.objects.restrict(request.user, "view"), pk=pk)
    entries = Entry.objects.filter(account=holder).select_related("actor", "reversed_by").order_by("-at", "-id")[:200]
    return render(request, "points/account.html", {"holder": holder, "entries": entries})


@login_required
@require_POST
def reverse_entry(request, pk):
    entry = get_object_or_404(Entry.objects.restrict(request.user, "view"), pk=pk)
    try:
        actions.reverse_entry(request.user, entry.pk, request.POST.get("memo", ""))
    except Entry.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("已冲正。"))
    return redirect("points:account", pk=entry.account_id)


@login_required
def rules(request):
    _staff(request)
    return render(request, "points/rules.html", {"rules": selectors.rules()})
