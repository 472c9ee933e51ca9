"""The write path and access rules of the neighbourhood board (邻里议事板).

A community's board shows its public cases (Case.objects.board) minus those moderators took off.
Who may read it: anyone holding a role on that community or below (its residents, grid workers,
community staff) and the staff above it. Who may moderate: community staff of that community and
street staff / command operators above it. Anything else answers 404, like a board that does not
exist.
A community's board setting (BoardSetting) says whether residents' reports show at once or only
once accepted (the default); the same moderators change it (set_board_policy).
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.accounts.scopes import active_assignments
from civicgrid.cases import moderation
from civicgrid.cases.errors import ActionNotAllowed, CaseInputError
from civicgrid.cases.models import (
    AbuseReport,
    BoardComment,
    BoardHiddenCase,
    BoardModeration,
    BoardReaction,
    BoardSetting,
    Case,
)
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.core.text import CONTROL_MESSAGE, has_forbidden
from civicgrid.regions.models import Level, Region

MODERATOR_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR, Role.SYSTEM_ADMIN})
COMMUNITY_CODE_LENGTH = 12


def _codes(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return [(a.role, a.region.code) for a in active_assignments(user) if a.region_id]


def board_communities(user):
    """The communities whose board `user` may read."""
    codes = _codes(user)
    own = {code[:COMMUNITY_CODE_LENGTH] for _role, code in codes if len(code) >= COMMUNITY_CODE_LENGTH}
    above = [code for role, code in codes if role in MODERATOR_ROLES and len(code) < COMMUNITY_CODE_LENGTH]
    communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True)
    condition = Q(code__in=own)
    for code in above:
        condition |= Q(code__startswith=code)
    return communities.filter(condition).order_by("code")


def can_moderate(user, community):
    if user is not None and user.is_authenticated and user.is_superuser:
        return True
    return any(role in MODERATOR_ROLES and community.code.startswith(code) for role, code in _codes(user))


def community_for(user, code):
    community = board_communities(user).filter(code=code).first()
    if community is None:
        raise Http404()
    return community


def board_cases(community):
    return Case.objects.board(community).filter(board_hidden__isnull=True)


def board_case(user, community, number):
    case = board_cases(community).select_related("category").filter(number=number).first()
    if case is None:
        raise Http404()
    return case


def _text(value, message, limit):
    value = (value or "").strip()
    if not value:
        raise CaseInputError(message)
    if has_forbidden(value):
        raise CaseInputError(CONTROL_MESSAGE)
    if len(value) > limit:
        raise CaseInputError(_("内容过长（最多 %(n)d 字）。") % {"n": limit})
    return value


@transaction.atomic
def add_comment(user, community, number, text):
    case = board_case(user, community, number)
    comment = BoardComment.objects.create(case=case, author=user, text=_text(text, _("请输入留言内容。"), 500))
    return moderation.screen_comment(comment)  # held for a moderator when a check has reasons


@transaction.atomic
def react(user, community, number, kind, note=""):
    """我也遇到 / 我能帮忙, once per person: a second press changes nothing. Returns (reaction, created)."""
    case = board_case(user, community, number)
    kind = BoardReaction.Kind(kind)
    note = (note or "").strip()[:200]
    if has_forbidden(note):
        raise CaseInputError(CONTROL_MESSAGE)
    existing = BoardReaction.objects.filter(case=case, user=user, kind=kind).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return BoardReaction.objects.create(case=case, user=user, kind=kind, note=note), True
    except IntegrityError:
        return BoardReaction.objects.get(case=case, user=user, kind=kind), False


@transaction.atomic
def report_abuse(user, community, number, reason, comment_id=None):
    case = board_case(user, community, number)
    comment = None
    if comment_id:
        comment = BoardComment.objects.filter(case=case, pk=comment_id, is_hidden=False).first()
        if comment is None:
            raise Http404()
    reason = _text(reason, _("请说明举报理由。"), 200)
    existing = AbuseReport.objects.filter(case=case, comment=comment, reporter=user).first()
    if existing is not None:
        return existing, False
    return AbuseReport.objects.create(case=case, comment=comment, reporter=user, reason=reason), True


def _moderator(user, community):
    if not can_moderate(user, community):
        raise Http404()


@transaction.atomic
def hide_comment(user, community, number, comment_id, reason):
    _moderator(user, community)
    case = board_case(user, community, number)
    reason = _text(reason, _("请填写隐藏理由。"), 200)
    comment = BoardComment.objects.select_for_update().filter(case=case, pk=comment_id).first()
    if comment is None:
        raise Http404()
    if comment.is_hidden:
        return comment
    at = timezone.now()
    comment.is_hidden, comment.hidden_reason, comment.hidden_by, comment.hidden_at = True, reason, user, at
    comment.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
    AbuseReport.objects.filter(comment=comment, resolved_at__isnull=True).update(resolved_at=at)
    BoardModeration.objects.create(
        case=case, comment=comment, action=BoardModeration.Action.HIDE_COMMENT, reason=reason, moderator=user
    )
    return comment


@transaction.atomic
def hide_case(user, community, number, reason):
    _moderator(user, community)
    case = board_case(user, community, number)
    reason = _text(reason, _("请填写隐藏理由。"), 200)
    at = timezone.now()
    BoardHiddenCase.objects.create(case=case, reason=reason, hidden_by=user, hidden_at=at)
    AbuseReport.objects.filter(case=case, comment__isnull=True, resolved_at__isnull=True).update(resolved_at=at)
    BoardModeration.objects.create(case=case, action=BoardModeration.Action.HIDE_CASE, reason=reason, moderator=user)
    return case


def board_cases_in(communities):
    """The board cases of several communities (a queryset of Region)."""
    return Case.objects.on_board().filter(community__in=communities, board_hidden__isnull=True)


def board_policy(community):
    """When residents' reports appear on `community`'s board (a BoardSetting.ShowReports value)."""
    setting = BoardSetting.objects.filter(community=community).only("show_reports").first()
    return setting.show_reports if setting is not None else BoardSetting.ShowReports.AFTER_ACCEPTANCE


@transaction.atomic
def set_board_policy(user, community, value):
    """A moderator of `community` chooses when residents' reports appear on its board. Someone who
    may read the board but not moderate it is refused (403); anyone else gets 404. Returns the
    setting (None while the community keeps the default without ever having chosen)."""
    if not can_moderate(user, community):
        if board_communities(user).filter(pk=community.pk).exists():
            raise ActionNotAllowed(_("只有本社区工作人员和上级可以修改议事板设置。"))
        raise Http404()
    if value not in BoardSetting.ShowReports.values:
        raise CaseInputError(_("请选择居民上报何时出现在议事板上。"))
    fields = ["show_reports"]
    setting = BoardSetting.objects.select_for_update().filter(community=community).first()
    if setting is None:
        if value == BoardSetting.ShowReports.AFTER_ACCEPTANCE:
            return None
        try:
            with transaction.atomic():
                setting = BoardSetting.objects.create(community=community, show_reports=value, updated_by=user)
        except IntegrityError:  # another moderator chose at the same moment: change that row instead
            setting = BoardSetting.objects.select_for_update().get(community=community)
        else:
            before = {"show_reports": BoardSetting.ShowReports.AFTER_ACCEPTANCE.value}
            record_change(user, setting, ObjectChange.Action.CREATE, before, snapshot(setting, fields))
            return setting
    before = snapshot(setting, fields)
    if setting.show_reports == value:
        return setting
    setting.show_reports, setting.updated_by, setting.updated_at = value, user, timezone.now()
    setting.save(update_fields=["show_reports", "updated_by", "updated_at"])
    record_change(user, setting, ObjectChange.Action.UPDATE, before, snapshot(setting, fields))
    return setting
