"""Pages of the star ratings (五优): the list (to fill, to review, open a rating), a rating (evidence
form for the branch's leaders, scoring form for reviewers, read-only otherwise), its files, a
branch's history, the indicator sets, closing a quarter, and the public stars board. Staff pages are
laptop pages (a secretary may use a phone). Thin: every write is an action; out of reach is 404 and
bad input re-renders with 400, never 500."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from civicgrid.core.text import object_id
from civicgrid.party.actions import ratings as actions
from civicgrid.party.models import (
    Field,
    IndicatorKind,
    IndicatorSet,
    Organisation,
    Rating,
    RatingFile,
    RatingItem,
    RatingStatus,
)
from civicgrid.party.selectors import ratings as selectors
from civicgrid.party.views.common import private_file

NOT_FOUND = (Rating.DoesNotExist, RatingItem.DoesNotExist, RatingFile.DoesNotExist, Organisation.DoesNotExist)
MAX_ROWS = 100
EXTRA_ROWS = 5


def _errors(error):
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _staff_only(request):
    if not selectors.is_staff_reader(request.user):
        raise Http404


def _quarters():
    year, quarter = actions.current_quarter()
    result = []
    for _n in range(6):
        result.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return result


# --- The list ---------------------------------------------------------------------------------


@login_required
def ratings(request):
    _staff_only(request)
    errors, status = {}, 200
    if request.method == "POST":
        org_id = object_id(request.POST.get("organisation"))
        try:
            if org_id is None:
                raise ValidationError({"organisation": _("请选择党组织。")})
            rating = actions.open_rating(
                request.user, org_id, request.POST.get("year", ""), request.POST.get("quarter", "")
            )
        except Organisation.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            errors, status = _errors(error), 400
        else:
            messages.success(request, _("已建立 %(quarter)s 的评定，请填报佐证。") % {"quarter": rating.label})
            return redirect("party:rating", pk=rating.pk)
    year, quarter = actions.current_quarter()
    context = {
        "to_fill": list(selectors.to_fill(request.user)),
        "to_review": list(selectors.to_review(request.user)),
        "recent": list(selectors.recent(request.user)),
        "choices": list(selectors.open_choices(request.user)),
        "years": [year, year - 1],
        "quarter_numbers": [1, 2, 3, 4],
        "current_quarter": quarter,
        "errors": errors,
        "keeps_sets": actions.keeps_indicator_sets(request.user),
    }
    return render(request, "party/ratings_list.html", context, status=status)


# --- A rating ---------------------------------------------------------------------------------


def _rating_page(request, rating, errors=None, status=200):
    role = selectors.role_on(request.user, rating)
    items = list(rating.items.all())
    posted = request.POST if request.method == "POST" else {}
    for i in items:
        i.form_evidence = posted.get(f"evidence_{i.pk}", i.evidence)
        score = "" if i.score is None else actions.fmt(i.score)
        i.form_score = posted.get(f"score_{i.pk}", score)
        i.form_comment = posted.get(f"comment_{i.pk}", i.comment)
    context = {
        "rating": rating,
        "items": items,
        "role": role,
        "editable": role == "leader" and rating.status in actions.EDITABLE,
        "scoring": role == "reviewer" and rating.status == RatingStatus.SUBMITTED,
        "errors": errors or {},
        "return_note": posted.get("return_note", ""),
        "positive": IndicatorKind.POSITIVE,
        "positive_sum": sum(i.score or 0 for i in items if i.indicator.kind == IndicatorKind.POSITIVE),
        "negative_sum": sum(i.score or 0 for i in items if i.indicator.kind == IndicatorKind.NEGATIVE),
    }
    return render(request, "party/ratings_rating.html", context, status=status)


def _get_rating(request, pk):
    try:
        return selectors.rating_for(request.user, pk)
    except Rating.DoesNotExist:
        raise Http404 from None


@login_required
def rating(request, pk):
    """GET: the rating page. POST (the branch's leaders): save the evidence, or save and submit."""
    item = _get_rating(request, pk)
    if request.method != "POST":
        return _rating_page(request, item)
    if selectors.role_on(request.user, item) != "leader":
        raise Http404  # before any file is read: only the branch's leaders write evidence
    ids = [i.pk for i in item.items.all()]
    evidence = {i: request.POST[f"evidence_{i}"] for i in ids if f"evidence_{i}" in request.POST}
    uploads = {i: request.FILES.getlist(f"files_{i}") for i in ids if request.FILES.getlist(f"files_{i}")}
    raw_remove = request.POST.getlist("remove_file")[:MAX_ROWS]
    remove = [object_id(v) for v in raw_remove]
    try:
        if None in remove:
            raise ValidationError({"files": _("要删除的材料不正确。")})
        actions.save_evidence(
            request.user, item.pk, evidence, uploads, remove, submit=request.POST.get("step") == "submit"
        )
    except NOT_FOUND:
        raise Http404 from None
    except ValidationError as error:
        return _rating_page(request, selectors.rating_for(request.user, pk), _errors(error), 400)
    if request.POST.get("step") == "submit":
        messages.success(request, _("已提交评审。"))
    else:
        messages.success(request, _("佐证已保存。"))
    return redirect("party:rating", pk=item.pk)


@login_required
def rating_review(request, pk):
    """POST (reviewers): save the scores, finish the review, or return it for more evidence."""
    if request.method != "POST":
        return redirect("party:rating", pk=pk)
    item = _get_rating(request, pk)
    step = request.POST.get("step", "save")
    scores = {
        i.pk: (request.POST.get(f"score_{i.pk}", ""), request.POST.get(f"comment_{i.pk}", ""))
        for i in item.items.all()
        if f"score_{i.pk}" in request.POST
    }
    try:
        if step == "return":
            actions.return_rating(request.user, item.pk, request.POST.get("return_note", ""))
        elif step in ("save", "finish"):
            with transaction.atomic():
                actions.score_items(request.user, item.pk, scores)
                if step == "finish":
                    actions.finish_review(request.user, item.pk)
        else:
            raise ValidationError({"step": _("请选择操作。")})
    except NOT_FOUND:
        raise Http404 from None
    except ValidationError as error:
        return _rating_page(request, selectors.rating_for(request.user, pk), _errors(error), 400)
    done = {"return": _("已退回补充佐证。"), "finish": _("评审完成。"), "save": _("评分已保存。")}
    messages.success(request, done[step])
    return redirect("party:rating", pk=item.pk)


@login_required
def rating_file(request, pk):
    from civicgrid.cases import uploads

    try:
        row = selectors.file_for(request.user, pk)
        handle = uploads.attachment_storage().open(row.file, "rb")
    except (RatingFile.DoesNotExist, OSError):
        raise Http404 from None
    return private_file(handle, row, fallback=f"evidence-{row.pk}")


@login_required
def rating_history(request, pk):
    try:
        org, rows = selectors.history(request.user, pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    return render(request, "party/ratings_history.html", {"org": org, "rows": rows})


# --- Closing a quarter --------------------------------------------------------------------------


@login_required
def rating_close(request):
    _staff_only(request)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            closed = actions.close_quarter(
                request.user,
                request.POST.get("field", ""),
                request.POST.get("year", ""),
                request.POST.get("quarter", ""),
            )
        except Rating.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            errors, status = _errors(error), 400
        else:
            messages.success(
                request,
                _("%(quarter)s 已结算：%(n)d 个评定，%(moved)d 个星级变动，入选 %(selected)d 个。")
                % {"quarter": closed.label, "n": closed.ratings, "moved": closed.moved, "selected": closed.selected},
            )
            return redirect("party:rating_close")
    pending = selectors.pending_counts(request.user)
    rows = selectors.close_overview(request.user)
    for row in rows:
        row["pending"] = pending.get((row["field"], row["year"], row["quarter"]), 0)
    context = {"rows": rows, "errors": errors, "fields": Field.choices, "quarters": _quarters()}
    return render(request, "party/ratings_close.html", context, status=status)


# --- Indicator sets -----------------------------------------------------------------------------


def _date(value):
    try:
        return date.fromisoformat((value or "").strip())
    except (ValueError, TypeError):
        return None


def _set_data(request):
    post = request.POST
    columns = [post.getlist(f"ind_{name}") for name in ("title", "points", "kind", "evidence", "hint")]
    if any(len(column) > MAX_ROWS for column in columns) or len({len(c) for c in columns}) > 1:
        raise ValidationError({"indicators": _("指标行不完整或过多，请刷新页面后重试。")})
    rows = [
        {"title": t, "points": p, "kind": k, "evidence_required": e == "1", "hint": h}
        for t, p, k, e, h in zip(*columns, strict=True)
    ]
    return {
        "field": post.get("field", ""),
        "name": post.get("name", ""),
        "valid_from": _date(post.get("valid_from")),
        "is_active": post.get("is_active") == "on",
        "up_at": post.get("up_at", ""),
        "down_below": post.get("down_below", ""),
        "select_top": post.get("select_top", ""),
        "indicators": rows,
    }


def _form_rows(request, indicators=()):
    """The indicator rows the form shows: what was posted (re-rendered after a refusal), else the
    set's indicators; and a few blank rows to add more."""
    if request.method == "POST":
        columns = [request.POST.getlist(f"ind_{n}")[:MAX_ROWS] for n in ("title", "points", "kind", "evidence", "hint")]
        rows = [
            {"title": t, "points": p, "kind": k, "evidence": e == "1", "hint": h}
            for t, p, k, e, h in zip(*columns, strict=False)
            if t.strip()
        ]
    else:
        rows = [
            {
                "title": i.title,
                "points": actions.fmt(i.points),
                "kind": i.kind,
                "evidence": i.evidence_required,
                "hint": i.hint,
            }
            for i in indicators
        ]
    blank = {"title": "", "points": "", "kind": IndicatorKind.POSITIVE, "evidence": True, "hint": ""}
    return rows + [dict(blank) for _n in range(EXTRA_ROWS)]


def _set_page(request, template, context, status=200):
    context.update({"fields": Field.choices, "kinds": IndicatorKind.choices})
    return render(request, template, context, status=status)


@login_required
def indicator_sets(request):
    if not actions.keeps_indicator_sets(request.user) and not selectors.is_staff_reader(request.user):
        raise Http404
    errors, status = {}, 200
    if request.method == "POST":
        try:
            item = actions.save_indicator_set(request.user, None, **_set_data(request))
        except IndicatorSet.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            errors, status = _errors(error), 400
        else:
            messages.success(request, _("指标体系已建立。"))
            return redirect("party:indicator_set", pk=item.pk)
    context = {
        "sets": list(selectors.indicator_sets()),
        "errors": errors,
        "keeps": actions.keeps_indicator_sets(request.user),
        "values": request.POST,
        "rows": _form_rows(request),
    }
    return _set_page(request, "party/ratings_sets.html", context, status)


@login_required
def indicator_set(request, pk):
    if not actions.keeps_indicator_sets(request.user) and not selectors.is_staff_reader(request.user):
        raise Http404
    item = IndicatorSet.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    errors, status = {}, 200
    if request.method == "POST":
        try:
            actions.save_indicator_set(request.user, item.pk, **_set_data(request))
        except IndicatorSet.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            errors, status = _errors(error), 400
        else:
            messages.success(request, _("已保存。"))
            return redirect("party:indicator_set", pk=item.pk)
    indicators = list(item.indicators.order_by("order", "pk"))
    context = {
        "item": item,
        "indicators": indicators,
        "used": item.ratings.exists(),
        "errors": errors,
        "keeps": actions.keeps_indicator_sets(request.user),
        "positive_sum": sum(i.points for i in indicators if i.kind == IndicatorKind.POSITIVE),
        "rows": _form_rows(request, indicators),
        "values": request.POST if request.method == "POST" else {},
    }
    return _set_page(request, "party/ratings_set.html", context, status)


# --- The stars board (every signed-in user) ------------------------------------------------------


@login_required
def stars_board(request):
    field = request.GET.get("field", "")
    if field and field not in Field.values:
        return render(
            request,
            "party/ratings_stars_board.html",
            {"board": [], "fields": Field.choices, "field": "", "bad_field": True},
            status=400,
        )
    board = selectors.stars_board(field or None)
    return render(request, "party/ratings_stars_board.html", {"board": board, "fields": Field.choices, "field": field})


urlpatterns = [
    path("ratings/", ratings, name="ratings"),
    path("ratings/<int:pk>/", rating, name="rating"),
    path("ratings/<int:pk>/review/", rating_review, name="rating_review"),
    path("ratings/files/<int:pk>/", rating_file, name="rating_file"),
    path("ratings/history/<int:pk>/", rating_history, name="rating_history"),
    path("ratings/close/", rating_close, name="rating_close"),
    path("ratings/indicators/", indicator_sets, name="indicator_sets"),
    path("ratings/indicators/<int:pk>/", indicator_set, name="indicator_set"),
    path("stars/", stars_board, name="stars_board"),
]
