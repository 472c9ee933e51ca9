"""How much of a case a user may read, decided by the case's data, never by the action that linked
them to it (issue 12: "access follows the data, not the action").

    FULL      staff whose region or department scope holds the case (Case.objects.restrict with
              as_reporter=False), its assignee, superusers: the whole record.
    REPORTER  the account the report belongs to: their own report and its public timeline.
    FOLLOWER  an active follower (关注, or the reporter of a duplicate merged into it): the public
              version only (public_version below).
    BOARD     a neighbour who sees the case on their community's board: the public version, and
              only on the board.
    NONE      anything else answers "not found".

Merging, re-dispatching, transferring, escalating (吹哨), supervising (督办), correcting the place
or reopening change the case's data (its region, handling unit, assignee, followers); the levels
above are recomputed from that data at each request, so an action can widen reading only as far
as its new data says — a follower never reads more than the public version.

Attachments carry their own visibility (AttachmentVisibility) and are checked one by one:
`attachment_visible(level, attachment, user, case)`.
"""

import copy
from enum import IntEnum

from civicgrid.cases.models import AttachmentVisibility, Case, CaseParticipant, EventType

# The notes the public timeline shows: the handler's reply and the reason for not registering.
PUBLIC_NOTE_TYPES = frozenset({EventType.FED_BACK, EventType.REJECTED})
# …and the reporter also sees their own rating's comment.
REPORTER_NOTE_TYPES = PUBLIC_NOTE_TYPES | {EventType.EVALUATED}


class Reading(IntEnum):
    NONE = 0
    BOARD = 1
    FOLLOWER = 2
    REPORTER = 3
    FULL = 4


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def full_cases(user):
    """The cases `user` reads in full: their scope, what they handle, what they are assigned."""
    return Case.objects.restrict(user, "view", as_reporter=False)


def followed_ids(user):
    if not _active(user):
        return []
    return list(
        CaseParticipant.objects.filter(user=user, role=CaseParticipant.Role.FOLLOWER, is_active=True).values_list(
            "case_id", flat=True
        )
    )


def is_follower(user, case):
    return (
        _active(user)
        and CaseParticipant.objects.filter(
            case_id=case.pk, user=user, role=CaseParticipant.Role.FOLLOWER, is_active=True
        ).exists()
    )


def on_board_of(user, case):
    from civicgrid.cases import board_actions

    if not _active(user) or not case.is_public:
        return False
    communities = board_actions.board_communities(user)
    return board_actions.board_cases_in(communities).filter(pk=case.pk).exists()


def reading(user, case, *, board=False):
    """How much of `case` `user` may read (Reading). `board` also considers the neighbourhood
    board (the attachment view serves the photos the board shows)."""
    if not _active(user):
        return Reading.NONE
    if full_cases(user).filter(pk=case.pk).exists():
        return Reading.FULL
    if case.reporter_id is not None and case.reporter_id == user.pk:
        return Reading.REPORTER
    if is_follower(user, case):
        return Reading.FOLLOWER
    if board and on_board_of(user, case):
        return Reading.BOARD
    return Reading.NONE


def staff_view(user, case, level):
    """Whether to show the staff record: read in full, and not as the case's own reporter (a grid
    worker's own 随手拍 shows as theirs on the reporter's pages). An application (an API key) reads
    the public record however far its region reaches: no reporter, caller or staff names."""
    if getattr(user, "_api_key", None) is not None:
        return False
    return level >= Reading.FULL and case.reporter_id != user.pk


def attachment_visible(level, attachment, user, case):
    """One attachment, by its own visibility, for a user reading its case at `level`."""
    if level <= Reading.NONE:
        return False
    if level >= Reading.FULL:
        return True
    if attachment.uploaded_by_id is not None and attachment.uploaded_by_id == user.pk:
        return True
    if attachment.visibility == AttachmentVisibility.PUBLIC:
        # A neighbour sees a file only with a case the board shows; a follower with any case.
        return level >= Reading.FOLLOWER or case.is_public
    if attachment.visibility == AttachmentVisibility.PARTIES:
        return level >= Reading.REPORTER
    return False


def visible_attachments(level, attachments, user, case):
    return [a for a in attachments if attachment_visible(level, a, user, case)]


def default_visibility(case):
    """What a newly stored file of `case` carries: public for a public case, the parties' only
    for a private one (its reporter and the staff who handle it)."""
    return AttachmentVisibility.PUBLIC if case.is_public else AttachmentVisibility.PARTIES


def public_title(case):
    """The title a follower sees: a private case's title is often built from its address (or
    typed freely), so only its category names it."""
    if case.is_public:
        return case.title
    return case.category.name if case.category_id else ""


def public_version(case):
    """An unsaved copy of `case` holding only what its public version shows.

    A public case shows what the neighbourhood board and public Open311 already show (title,
    description, address, point); a private one only its status, category, community and street,
    dates and lights, never its description, address, point, grid or reporter. Neither shows the
    reporter, the caller, the external order number or who handles it by name.
    """
    shown = copy.copy(case)
    shown.reporter_id = None
    shown.caller_name = shown.caller_phone = shown.external_order_no = ""
    shown.assignee_id = None
    shown.entered_by_id = None
    shown.submission_key = ""
    if not case.is_public:
        shown.title = public_title(case)
        shown.description = ""
        shown.address = ""
        shown.lon = shown.lat = None
        shown.grid = None
        shown.region_code = case.community.code if case.community_id else ""
    return shown


def shown_note(level, event, staff):
    """The note of a timeline event as this reader sees it."""
    if staff:
        return event.note
    types = REPORTER_NOTE_TYPES if level >= Reading.REPORTER else PUBLIC_NOTE_TYPES
    return event.note if event.type in types else ""
