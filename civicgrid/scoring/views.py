"""Thin pages: the grid worker's own score (phone), the rankings at every level, the 金牌网格员,
the workload per worker and a worker's traceable entries (office laptop), the sinking departments'
ranking, and the rules. Out of scope answers 404 and changes nothing; a bad month or level falls
back to the current month / the workers' ranking with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicgrid.scoring import actions, metrics, selectors
from civicgrid.scoring.errors import InputError, NotFound

PAGE_SIZE = 50
LEVEL_LABELS = {
    "worker": gettext_lazy("网格员"),
    "grid": gettext_lazy("网格"),
    "community": gettext_lazy("社区"),
    "street": gettext_lazy("街道"),
    "district": gettext_lazy("区县"),
}


def _month(request):
    value = request.GET.get("month", "")
    month = selectors.parse_month(value)
    if month is None:
        if value:
            messages.error(request, _("月份格式应为 YYYY-MM（近十年内），已显示本月。"))
        month = selectors.this_month()
    return month


def _page(request, rows):
    paginator = Paginator(rows, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _common(request, month, **extra):
    return {"month": month, "months": selectors.recent_months(), **extra}


@login_required
def mine(request):
    month = _month(request)
    score = selectors.own_score(request.user, month)
    rank, of = selectors.street_rank(score)
    context = _common(
        request,
        month,
        score=score,
        rank=rank,
        of=of,
        breakdown=selectors.breakdown(month=month, user=request.user),
        entries=selectors.entries(month=month, user=request.user, limit=100),
        public=bool(selectors.ranking_codes(request.user)),
    )
    return render(request, "scoring/mine.html", context)


@login_required
def ranking(request):
    codes = selectors.ranking_codes(request.user)
    if codes == []:
        raise Http404
    month = _month(request)
    level = request.GET.get("level", "worker")
    if level not in selectors.LEVELS:
        messages.error(request, _("未知的排名层级，已显示网格员排名。"))
        level = "worker"
    region = request.GET.get("region", "")[:24]
    page = _page(request, selectors.ranking(request.user, level=level, month=month, region_code=region))
    rows = selectors.attach_places(list(page.object_list))
    offset = page.start_index()
    for i, row in enumerate(rows):
        row.rank = offset + i
    staff = selectors.staff_codes(request.user) != []
    context = _common(
        request,
        month,
        page=page,
        rows=rows,
        level=level,
        levels=LEVEL_LABELS.items(),
        region=region,
        regions=selectors.scope_regions(request.user),
        staff=staff,
    )
    return render(request, "scoring/ranking.html", context)


@login_required
def gold(request):
    if selectors.ranking_codes(request.user) == []:
        raise Http404
    month = _month(request)
    rule = selectors.medal_rule()
    context = _common(
        request,
        month,
        rule=rule,
        streets=selectors.gold_medals(request.user, month, rule),
        staff=selectors.staff_codes(request.user) != [],
        provisional=month == selectors.this_month(),
    )
    return render(request, "scoring/gold.html", context)


@login_required
def workload(request):
    if selectors.staff_codes(request.user) == []:
        raise Http404
    month = _month(request)
    region = request.GET.get("region", "")[:24]
    page = _page(request, selectors.workload(request.user, month=month, region_code=region))
    rows = selectors.attach_workload(list(page.object_list), month)
    context = _common(
        request, month, page=page, rows=rows, region=region, regions=selectors.scope_regions(request.user)
    )
    return render(request, "scoring/workload.html", context)


@login_required
def worker(request, pk):
    if selectors.staff_codes(request.user) == []:
        raise Http404
    person = selectors.worker_in_scope(request.user, pk)
    if person is None:
        raise Http404
    month = _month(request)
    score = selectors.worker_score(request.user, pk, month)
    rank, of = selectors.street_rank(score)
    context = _common(
        request,
        month,
        person=person,
        score=score,
        rank=rank,
        of=of,
        breakdown=selectors.breakdown(month=month, user=person),
        entries=selectors.entries(month=month, user=person),
    )
    return render(request, "scoring/worker.html", context)


def _period(request):
    """('2026-12' → that month; '2026' → the year's months so far), with its label."""
    value = request.GET.get("period", "").strip()
    if len(value) == 4 and value.isdigit():
        months = [m for m in selectors.recent_months(24) if m.year == int(value)]
        if months:
            return value, months
    month = selectors.parse_month(value)
    if month is None:
        if value:
            messages.error(request, _("统计周期应为 YYYY-MM 或 YYYY，已显示本月。"))
        month = selectors.this_month()
    return f"{month:%Y-%m}", [month]


@login_required
def departments(request):
    if selectors.department_codes(request.user) == []:
        raise Http404
    period, months = _period(request)
    this_year = selectors.this_month().year
    periods = [f"{m:%Y-%m}" for m in selectors.recent_months()] + [str(this_year), str(this_year - 1)]
    context = {
        "period": period,
        "periods": periods,
        "rows": selectors.department_ranking(request.user, months=months),
        "rules": [(spec, rule) for spec, rule in selectors.rules() if spec.subject == metrics.DEPARTMENT],
        "staff": selectors.staff_codes(request.user) != [],
    }
    return render(request, "scoring/departments.html", context)


@login_required
def department(request, pk):
    period, months = _period(request)
    found = selectors.department_breakdown(request.user, pk, months)
    if found is None:
        raise Http404
    department, rows = found
    return render(request, "scoring/department.html", {"period": period, "department": department, "rows": rows})


@login_required
def rules(request):
    if selectors.ranking_codes(request.user) == [] and selectors.department_codes(request.user) == []:
        raise Http404
    editable = selectors.may_edit_rules(request.user)
    if request.method == "POST":
        if not editable:
            raise Http404
        metric = request.POST.get("metric", "")
        try:
            actions.update_rule(
                request.user,
                metric,
                points=request.POST.get("points", ""),
                monthly_cap=request.POST.get("monthly_cap", ""),
                is_active=request.POST.get("is_active") == "on",
            )
        except NotFound:
            raise Http404 from None
        except InputError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("考核规则已更新，从现在起计分。"))
        return redirect("scoring:rules")
    context = {
        "rows": selectors.rules(),
        "editable": editable,
        "medal": selectors.medal_rule(),
        "staff": selectors.staff_codes(request.user) != [],
        "subjects": {metrics.WORKER: _("网格员"), metrics.DEPARTMENT: _("职能部门")},
    }
    return render(request, "scoring/rules.html", context)


@login_required
@require_POST
def medal_rule(request):
    try:
        actions.update_medal_rule(
            request.user,
            per_street=request.POST.get("per_street", ""),
            min_points=request.POST.get("min_points", ""),
            min_patrol_hours=request.POST.get("min_patrol_hours", ""),
            no_bad_rating=request.POST.get("no_bad_rating") == "on",
        )
    except NotFound:
        raise Http404 from None
    except InputError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("金牌网格员评选规则已更新。"))
    return redirect("scoring:rules")
