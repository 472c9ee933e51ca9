"""邻里议事板: a community's public cases for the people of that community, with comments, "me too",
offers of help, abuse reports and moderation. Access and writes live in cases.board_actions; a
board (or case) the user may not see answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicgrid.cases import board_actions, moderation
from civicgrid.cases.errors import CaseError, CaseInputError
from civicgrid.cases.forms.resident import BoardSettingForm, CommentForm, ReasonForm
from civicgrid.cases.models import AbuseReport, AttachmentVisibility, BoardComment, BoardReaction, BoardSetting

PAGE_SIZE = 20


@login_required
@require_GET
def board_home(request):
    communities = list(board_actions.board_communities(request.user)[:50])
    if len(communities) == 1:
        return redirect("cases:board", code=communities[0].code)
    return render(request, "cases/board/choose.html", {"communities": communities})


def _count(model, **conditions):
    # A correlated COUNT per listed row: no joins that multiply rows or GROUP BY over the board.
    rows = model.objects.filter(case=OuterRef("pk"), **conditions).order_by().values("case")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)


def _with_counts(cases):
    return cases.annotate(
        me_too=_count(BoardReaction, kind=BoardReaction.Kind.ME_TOO),
        helpers=_count(BoardReaction, kind=BoardReaction.Kind.HELP),
        comments=_count(BoardComment, is_hidden=False),
    )


@login_required
@require_GET
def board(request, code):
    community = board_actions.community_for(request.user, code)
    cases = _with_counts(board_actions.board_cases(community).select_related("category")).order_by(
        "-reported_at", "-pk"
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    can_moderate = board_actions.can_moderate(request.user, community)
    policy = board_actions.board_policy(community)
    return render(
        request,
        "cases/board/board.html",
        {
            "community": community,
            "page": page,
            "cases": page.object_list,
            "can_moderate": can_moderate,
            "held_cases": moderation.held_cases(community)[:PAGE_SIZE] if can_moderate else (),
            "at_once": policy == BoardSetting.ShowReports.AT_ONCE,
            "setting_form": BoardSettingForm(initial={"show_reports": policy}) if can_moderate else None,
        },
    )


@login_required
@require_POST
def board_settings(request, code):
    """A moderator switches when residents' reports appear on the board (a reader who may not
    moderate gets 403, anyone else 404; set_board_policy decides)."""
    community = board_actions.community_for(request.user, code)
    form = BoardSettingForm(request.POST)
    value = form.cleaned_data["show_reports"] if form.is_valid() else ""
    try:
        board_actions.set_board_policy(request.user, community, value)
    except CaseInputError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("议事板设置已保存。"))
    return redirect("cases:board", code=code)


@login_required
@require_GET
def board_case(request, code, number):
    user = request.user
    community = board_actions.community_for(user, code)
    case = board_actions.board_case(user, community, number)
    can_moderate = board_actions.can_moderate(user, community)
    comments = BoardComment.objects.filter(case=case).select_related("author").order_by("created_at", "pk")
    if not can_moderate:
        # Authors see their own comments held for a moderator (marked 待审核); nobody else does.
        comments = comments.filter(Q(is_hidden=False) | Q(is_held=True, author=user))
    mine = set(BoardReaction.objects.filter(case=case, user=user).values_list("kind", flat=True))
    counts = dict(
        BoardReaction.objects.filter(case=case).values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    photos = case.attachments.filter(visibility=AttachmentVisibility.PUBLIC, kind="photo")
    return render(
        request,
        "cases/board/case.html",
        {
            "community": community,
            "case": case,
            "comments": comments,
            "photos": photos,
            "me_too": counts.get(BoardReaction.Kind.ME_TOO, 0),
            "helpers": counts.get(BoardReaction.Kind.HELP, 0),
            "i_me_too": BoardReaction.Kind.ME_TOO in mine,
            "i_help": BoardReaction.Kind.HELP in mine,
            "is_own": case.reporter_id == user.pk,
            "can_moderate": can_moderate,
            "abuse_open": AbuseReport.objects.filter(case=case, resolved_at__isnull=True).count()
            if can_moderate
            else 0,
            "comment_form": CommentForm(),
        },
    )


def _back(code, number):
    return redirect("cases:board_case", code=code, number=number)


def _run(request, action, success):
    try:
        result = action()
    except CaseError as error:
        messages.error(request, error.message)
        return None
    if success:
        messages.success(request, success)
    return result


@login_required
@require_POST
def comment(request, code, number):
    community = board_actions.community_for(request.user, code)
    comment = _run(
        request, lambda: board_actions.add_comment(request.user, community, number, request.POST.get("text")), ""
    )
    if comment is not None:
        if comment.is_held:
            messages.warning(request, _("留言已提交，经社区工作人员审核后显示。"))
        else:
            messages.success(request, _("留言已发布。"))
    return _back(code, number)


@login_required
@require_POST
def react(request, code, number, kind):
    community = board_actions.community_for(request.user, code)
    if kind not in BoardReaction.Kind.values:
        raise Http404()
    result = _run(
        request,
        lambda: board_actions.react(request.user, community, number, kind, request.POST.get("note", "")),
        "",
    )
    if result is not None:
        created = result[1]
        if kind == BoardReaction.Kind.ME_TOO:
            messages.success(request, _("已记录：您也遇到了这个问题。") if created else _("您已经点过“我也遇到”。"))
        else:
            messages.success(
                request, _("感谢您愿意帮忙，社区工作人员会与您联系。") if created else _("您已表示过愿意帮忙。")
            )
    return _back(code, number)


@login_required
@require_POST
def abuse(request, code, number):
    community = board_actions.community_for(request.user, code)
    _run(
        request,
        lambda: board_actions.report_abuse(
            request.user, community, number, request.POST.get("reason"), request.POST.get("comment") or None
        ),
        _("举报已提交，社区工作人员会尽快处理。"),
    )
    return _back(code, number)


@login_required
@require_POST
def hide_comment(request, code, number, comment_id):
    community = board_actions.community_for(request.user, code)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: board_actions.hide_comment(request.user, community, number, comment_id, reason),
        _("留言已隐藏。"),
    )
    return _back(code, number)


@login_required
@require_POST
def hide_case(request, code, number):
    community = board_actions.community_for(request.user, code)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if _run(request, lambda: board_actions.hide_case(request.user, community, number, reason), _("已从议事板隐藏。")):
        return redirect("cases:board", code=code)
    return _back(code, number)


@login_required
@require_POST
def release_comment(request, code, number, comment_id):
    community = board_actions.community_for(request.user, code)
    _run(
        request,
        lambda: moderation.release_comment(request.user, community, number, comment_id),
        _("留言已审核通过，现已显示。"),
    )
    return _back(code, number)


@login_required
@require_POST
def release_case(request, code, number):
    community = board_actions.community_for(request.user, code)
    _run(request, lambda: moderation.release_case(request.user, community, number), _("已审核通过，现已在议事板显示。"))
    return redirect("cases:board", code=code)
