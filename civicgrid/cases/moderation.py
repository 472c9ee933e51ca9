"""Holding neighbourhood-board texts for a moderator (issue 16, item 4): the hook and the release.

The board does not judge words itself. Plug-ins register a check, `register(check)`, where
`check(text)` returns the reasons (strings) why a text must wait; the smart-intake plug-in registers
its abusive-word and personal-data check. A comment with a reason is held: saved, hidden from
everyone but its author and the moderators, marked 待审核 with the reasons, until a moderator
releases it (or hides it for good). A public case whose words have a reason is held off the board
the same way (`hold_case`, called by the plug-in when the case is reported).
"""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases.models import AbuseReport, BoardComment, BoardHiddenCase, BoardModeration, Case

_checks = []


def register(check):
    """Add `check(text) -> list of reasons` to the checks every board text passes."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister(check):
    if check in _checks:
        _checks.remove(check)


def reasons(text):
    """Every registered check's reasons for `text`, each once, as strings."""
    found = []
    for check in _checks:
        for reason in check(text) or ():
            if str(reason) not in found:
                found.append(str(reason))
    return found


def _held_reason(found):
    return (_("待审核：") + "；".join(found))[:200]


def screen_comment(comment):
    """Hold the just-written `comment` if a check has reasons. Returns the comment."""
    found = reasons(comment.text)
    if found:
        comment.is_held = comment.is_hidden = True
        comment.hidden_reason = _held_reason(found)
        comment.hidden_at = timezone.now()
        comment.save(update_fields=["is_held", "is_hidden", "hidden_reason", "hidden_at"])
    return comment


@transaction.atomic
def hold_case(case, found):
    """Keep the public `case` off its board until a moderator releases it, for the reasons `found`.
    Returns the hold (None when there is nothing to hold or it is already off the board)."""
    case = Case.objects.select_for_update().filter(pk=getattr(case, "pk", case)).first()
    if case is None or not case.is_public or not found or BoardHiddenCase.objects.filter(case=case).exists():
        return None
    return BoardHiddenCase.objects.create(case=case, reason=_held_reason([str(r) for r in found]), is_held=True)


def held_cases(community):
    """The cases of `community` held for moderation, oldest first."""
    return (
        Case.objects.filter(community=community, is_public=True, board_hidden__is_held=True)
        .select_related("board_hidden")
        .order_by("reported_at", "pk")
    )


def _moderator(user, community):
    from civicgrid.cases import board_actions

    if not board_actions.can_moderate(user, community):
        raise Http404()


@transaction.atomic
def release_comment(user, community, number, comment_id):
    """A moderator lets a held comment show. Someone else's hide (not a hold) stays."""
    from civicgrid.cases import board_actions

    _moderator(user, community)
    case = board_actions.board_case(user, community, number)
    comment = BoardComment.objects.select_for_update().filter(case=case, pk=comment_id, is_held=True).first()
    if comment is None:
        raise Http404()
    reason = comment.hidden_reason
    comment.is_held = comment.is_hidden = False
    comment.hidden_reason, comment.hidden_at = "", None
    comment.save(update_fields=["is_held", "is_hidden", "hidden_reason", "hidden_at"])
    BoardModeration.objects.create(
        case=case, comment=comment, action=BoardModeration.Action.RELEASE_COMMENT, reason=reason, moderator=user
    )
    return comment


@transaction.atomic
def release_case(user, community, number):
    """A moderator lets a held case show on its board."""
    _moderator(user, community)
    hold = (
        BoardHiddenCase.objects.select_for_update()
        .filter(case__community=community, case__number=number, is_held=True)
        .select_related("case")
        .first()
    )
    if hold is None:
        raise Http404()
    case, reason = hold.case, hold.reason
    hold.delete()
    AbuseReport.objects.filter(case=case, comment__isnull=True, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    BoardModeration.objects.create(case=case, action=BoardModeration.Action.RELEASE_CASE, reason=reason, moderator=user)
    return case
