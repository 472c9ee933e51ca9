"""Corrections before closure (更正位置, 更正类别), merging a duplicate (合并重复件) and following a
case (关注)."""

from dataclasses import replace

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.cases import deadlines, workflow
from civicgrid.cases.actions.common import (
    STEP_FIELDS,
    _append_event,
    _apply_window,
    _begin,
    _case_id,
    _coordinates,
    _elapsed,
    _handling_details,
    _lock,
    _optional,
    _place,
    _publish,
    _reroute_if_undispatched,
    _resolve_category,
    _save,
    _stop_clock,
    _transit,
)
from civicgrid.cases.errors import CaseInputError, InvalidTransition
from civicgrid.cases.models import OPEN_STATUSES, Case, CaseParticipant, EventType
from civicgrid.cases.notifications import Kind, dispatcher_notice, followers, reporter_notice
from civicgrid.cases.workflow import Action
from civicgrid.core import clock
from civicgrid.core.worktime import default_calendar

# --- Corrections, duplicates, following -------------------------------------------------------


@transaction.atomic
def correct_location(case, user, *, version, lon=None, lat=None, address=None, region=None, note=""):
    """更正位置 before closure. The grid, community, street and region code follow the new place; a
    case not yet dispatched is re-routed to the new place's default unit. A dispatched case keeps
    its handler (dispatchers re-dispatch it if that handler is now the wrong one)."""
    case, step, grant = _begin(case, user, Action.CORRECT, version)
    coords = _coordinates(lon, lat)
    if coords is None and region is None:
        raise CaseInputError(_("请在地图上标注位置，或选择所在社区。"))
    place = _place(coords, region)
    at = clock.now()
    before = {"lon": case.lon, "lat": case.lat, "address": case.address, "region_code": case.region_code}
    if coords:
        case.lon, case.lat = coords
    if address is not None:
        case.address = _optional(address, 200)
    case.grid, case.community, case.street = place.grid, place.community, place.street
    case.region_code = place.region_code
    rerouted = _reroute_if_undispatched(case)
    after = {"lon": case.lon, "lat": case.lat, "address": case.address, "region_code": case.region_code}
    moved = before["region_code"] != after["region_code"]
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.LOCATION_CORRECTED,
        at=at,
        note=_optional(note),
        details={"before": before, "after": after, "rerouted": rerouted, "route": _handling_details(case)},
        fields=["lon", "lat", "address", "grid", "community", "street", "region_code"]
        + (["handling_level", "handling_department"] if rerouted else []),
        notices=[dispatcher_notice(Kind.NEW_CASE, case) if moved else None],
    )


@transaction.atomic
def correct_category(case, user, *, version, category, note=""):
    """更正类别 before closure. The running step keeps its start but takes the new category's limit;
    a case not yet dispatched is re-routed to the new category's default unit."""
    case, step, grant = _begin(case, user, Action.CORRECT, version)
    category = _resolve_category(category, for_resident=False)
    if category.pk == case.category_id:
        raise CaseInputError(_("类别没有变化。"))
    at = clock.now()
    before = case.category.code
    case.category = category
    fields = ["category"]
    if case.step_due_at is not None and case.step_limit is not None:
        calendar = default_calendar()
        value, unit = category.limit(case.step)
        started = case.step_started_at
        total = calendar.working_seconds_between(started, deadlines.add_limit(started, value, unit, calendar))
        elapsed = _elapsed(case, at, calendar)
        _apply_window(case, deadlines.window(at, total, elapsed, started_at=started, calendar=calendar))
        case.step_limit, case.step_limit_unit = value, unit
        fields += STEP_FIELDS
    rerouted = _reroute_if_undispatched(case)
    if rerouted:
        fields += ["handling_level", "handling_department"]
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.CATEGORY_CORRECTED,
        at=at,
        note=_optional(note),
        details={"before": before, "after": category.code, "rerouted": rerouted, "route": _handling_details(case)},
        fields=fields,
    )


@transaction.atomic
def merge_duplicate(case, into, user, *, version, note=""):
    """合并重复件: `case` ends as a duplicate of `into`; its reporter and followers follow `into`,
    so they hear of its progress and closure."""
    case_id, into_id = _case_id(case), _case_id(into)
    if case_id == into_id:
        raise CaseInputError(_("不能与自身合并。"))
    # Lock both rows in id order, so two merges of the same pair cannot deadlock.
    visible = Case.objects.restrict(user, "view")
    first, second = sorted((case_id, into_id))
    locked = {first: _lock(first, user, visible), second: _lock(second, user, visible)}
    case, step, grant = _begin(locked[case_id], user, Action.MERGE, version, visible)
    target = locked[into_id]
    if target.status not in OPEN_STATUSES:
        raise InvalidTransition(_("只能并入未办结的案件。"))
    at = clock.now()
    case.merged_into = target
    _stop_clock(case, at)
    moving = [case.reporter_id] if case.reporter_id else []
    moving += [u for u in followers(case) if u not in moving]
    already = set(followers(target)) | {target.reporter_id}
    CaseParticipant.objects.bulk_create(
        [
            CaseParticipant(case=target, role=CaseParticipant.Role.FOLLOWER, user_id=u, added_at=at, added_by=user)
            for u in moving
            if u not in already
        ]
    )
    event = _append_event(
        target,
        EventType.DUPLICATE_ATTACHED,
        user,
        grant,
        at=at,
        from_status=target.status,
        to_status=target.status,
        note=_optional(note),
        details={"duplicate": case.number, "followers_added": [u for u in moving if u not in already]},
    )
    # The target's handler is not disturbed: no version bump for gaining followers.
    _save(target, [], at=at, bump=False)
    _publish(target, event)
    return _transit(
        case,
        step,
        grant,
        user,
        EventType.MERGED,
        at=at,
        note=_optional(note),
        details={"into": target.number},
        fields=["merged_into", *STEP_FIELDS],
        notices=[reporter_notice(Kind.MERGED, case)],
    )


@transaction.atomic
def follow_case(case, user):
    """关注: a resident follows an existing case ("this is already reported") to hear of its
    progress. Public cases can be followed by anyone signed in. Following does not change the
    case's version: it must not make a handler's concurrent action fail."""
    visible = Case.objects.restrict(user, "view") | Case.objects.on_board()
    case = _lock(case, user, visible)
    step = workflow.transition(case.status, Action.FOLLOW)
    grant = workflow.authorize(user, case, step) if step else None
    if step is None or grant is None:
        raise InvalidTransition(_("该案件已办结，无需关注。"))
    if case.reporter_id == user.pk or user.pk in followers(case):
        return case
    at = clock.now()
    CaseParticipant.objects.create(case=case, role=CaseParticipant.Role.FOLLOWER, user=user, added_at=at, added_by=user)
    grant = replace(grant, role=grant.role or "follower")
    event = _append_event(case, EventType.FOLLOWED, user, grant, at=at, from_status=case.status, to_status=case.status)
    _save(case, [], at=at, bump=False)
    _publish(case, event)
    return case
