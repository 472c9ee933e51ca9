"""上报: filing a case (every source: residents, grid workers, the hotline, staff entry, the API)
and routing it to its default handling unit."""

from dataclasses import dataclass, replace
from datetime import timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases import routing, workflow
from civicgrid.cases.actions.common import (
    MAX_DESCRIPTION,
    _build_event,
    _coordinates,
    _handling_details,
    _optional,
    _place,
    _publish,
    _required,
    _resolve_category,
    _start_step,
)
from civicgrid.cases.errors import ActionNotAllowed, CaseInputError, RateLimited
from civicgrid.cases.models import (
    Case,
    CaseEvent,
    CaseNumberSequence,
    EventType,
    HandlingLevel,
    Source,
    Status,
    Step,
)
from civicgrid.cases.notifications import Kind, dispatcher_notice
from civicgrid.core import clock


@dataclass(frozen=True)
class ReportResult:
    case: Case
    # Open cases of the same category nearby, nearest first: the page asks the reporter "follow
    # the existing case instead?" and shows staff the candidates to merge.
    duplicates: list
    # True when the submission key named a case filed earlier: nothing new was written.
    replayed: bool = False
    # The case's first timeline row ("reported"), where the report's files go (None when replayed).
    event: CaseEvent | None = None


def _rate_limits():
    return [
        (period, limit, label)
        for period, limit, label in (
            (timedelta(hours=1), settings.CASES_RESIDENT_REPORTS_PER_HOUR, _("每小时")),
            (timedelta(days=1), settings.CASES_RESIDENT_REPORTS_PER_DAY, _("每天")),
        )
        if limit
    ]


def _check_rate(times, at):
    """Refuse a resident's report over the hourly or daily limit; `times` are the account's earlier
    residents' reports (newest first) within the longest period."""
    for period, limit, label in _rate_limits():
        recent = [t for t in times if t > at - period][:limit]
        if len(recent) >= limit:
            retry = timezone.localtime(recent[-1] + period)
            raise RateLimited(
                _("提交过于频繁：%(period)s最多可上报 %(n)d 件，请于 %(time)s 后再试。")
                % {"period": label, "n": limit, "time": retry.strftime("%m-%d %H:%M")}
            )


@dataclass(frozen=True)
class _Seen:
    nearby: list  # open cases in the box around the point (routing.duplicates_among decides)
    mine: list  # when the account's earlier residents' reports were filed, newest first
    earlier: Case | None  # the case filed before with this submission key


SEEN_FIELDS = (*routing.DUPLICATE_FIELDS, "reported_at", "reporter_id", "source", "entered_by_id", "submission_key")


def _seen_before(user, source, submission_key, coords, at):
    """One read for what a report checks against: the open cases near the point (duplicates), the
    account's recent reports (the rate limit) and a case filed with the same submission key."""
    branches = []
    if coords:
        branches.append(routing.nearby_filter(*coords))
    limits = _rate_limits() if source == Source.RESIDENT else []
    window = max((period for period, _limit, _label in limits), default=None)
    if window is not None:
        branches.append(Q(reporter=user, source=Source.RESIDENT, reported_at__gt=at - window))
    if submission_key:
        branches.append(Q(entered_by=user, submission_key=submission_key))
    if not branches:
        return _Seen([], [], None)
    rows = list(Case.objects.filter(reduce(or_, branches)).only(*SEEN_FIELDS).order_by("-reported_at"))
    nearby = [row for row in rows if coords and routing.in_nearby_box(row, *coords)]
    mine = [
        row.reported_at
        for row in rows
        if window is not None
        and row.reporter_id == user.pk
        and row.source == Source.RESIDENT
        and row.reported_at > at - window
    ]
    earlier = next(
        (
            row
            for row in rows
            if submission_key and row.entered_by_id == user.pk and row.submission_key == submission_key
        ),
        None,
    )
    return _Seen(nearby, mine, earlier)


def _sequence_sql(vendor):
    """The statement that takes the next number of a year and the new case's id at once. It writes
    (and so locks until the commit) the year's row: reports are filed one after the other from here."""
    qn = connection.ops.quote_name
    table, cases = qn(CaseNumberSequence._meta.db_table), qn(Case._meta.db_table)
    if vendor == "postgresql":
        next_id = f"nextval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'))"
    else:
        # SQLite: one writer at a time, and this statement made this transaction the writer.
        next_id = f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {cases})"
    return (
        f"INSERT INTO {table} ({qn('year')}, {qn('last')}) VALUES (%s, 1) "
        f"ON CONFLICT ({qn('year')}) DO UPDATE SET {qn('last')} = {table}.{qn('last')} + 1 "
        f"RETURNING {qn('last')}, {next_id}"
    )


def _next_number(at):
    """(number, id): the year's next case number (gapless: the year's row stays locked until the
    commit) and the id the new case will have, so its first event is hashed before either is written."""
    year = timezone.localtime(at).year
    with connection.cursor() as cursor:
        cursor.execute(_sequence_sql(connection.vendor), [year])
        last, case_id = cursor.fetchone()
    return f"{year}-{last:06d}", case_id


def _give_back_number(at):
    """Undo _next_number (the year's row is still this transaction's): a replayed report files nothing."""
    CaseNumberSequence.objects.filter(year=timezone.localtime(at).year).update(last=F("last") - 1)


def _chosen_route(category, department, place):
    kind = category.effective_department_kind
    if not kind or department.kind != kind or not routing.serves(department, place.region_code):
        raise CaseInputError(_("该部门不能办理此类案件。"))
    return routing.Route(HandlingLevel.DEPARTMENT, department)


def _default_title(category, address):
    address = (address or "").strip()
    return f"{category.name}（{address[:40]}）" if address else category.name


@transaction.atomic
def report_case(
    user,
    *,
    category,
    description,
    source=Source.RESIDENT,
    title="",
    lon=None,
    lat=None,
    address="",
    region=None,
    is_public=True,
    caller_name="",
    caller_phone="",
    external_order_no="",
    reporter=None,
    submission_key="",
    department=None,
):
    """上报: file a case and route it automatically.

    The location (a point, or for staff entry without one, a chosen `region`) gives the grid,
    community and street; the category gives the default handling level and department. `reporter`
    names the resident a staff member files for (工作人员代录); a hotline caller without an account
    is described by caller_name/caller_phone. Returns a ReportResult with nearby open duplicates.

    A `submission_key` makes the report idempotent for the account that sends it: sending the same
    key again (a retry after a lost response) returns the case filed the first time, even when the
    two arrive at once.
    """
    return file_case(
        user,
        category=category,
        description=description,
        source=source,
        title=title,
        lon=lon,
        lat=lat,
        address=address,
        region=region,
        is_public=is_public,
        caller_name=caller_name,
        caller_phone=caller_phone,
        external_order_no=external_order_no,
        reporter=reporter,
        submission_key=submission_key,
        department=department,
    )


def file_case(
    user,
    *,
    category,
    description,
    source=Source.RESIDENT,
    title="",
    lon=None,
    lat=None,
    address="",
    region=None,
    is_public=True,
    caller_name="",
    caller_phone="",
    external_order_no="",
    reporter=None,
    submission_key="",
    department=None,
):
    """report_case inside the caller's transaction (which must be open): for an action that files a
    case together with more rows (cases.uploads.report_with_attachments), without a savepoint.

    `department` routes the case to a department the calling app chose where the category only
    names a department kind (a property repair: the compound's property company). It must be
    active, of the category's department kind, and serve the place; the category need not be one
    residents pick themselves (the calling app's own form chose it)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("file_case() runs inside a transaction; call report_case()")
    if user is None or not user.is_authenticated or not user.is_active:
        raise ActionNotAllowed()
    submission_key = _optional(submission_key, 64)
    at = clock.now()
    try:
        source = Source(source)
    except ValueError:
        raise CaseInputError(_("来源不正确。")) from None
    category = _resolve_category(category, for_resident=source == Source.RESIDENT and department is None)
    description = _required(description, _("请描述问题。"), MAX_DESCRIPTION)
    coords = _coordinates(lon, lat)
    place = _place(coords, region)
    grant = workflow.grant_for(user, Case(region_code=place.region_code), workflow.REPORT_RULES[source])
    if grant is None:
        raise ActionNotAllowed(_("您无权以“%(source)s”方式登记案件。") % {"source": source.label})
    if not grant.role:
        grant = replace(grant, role="reporter")
    if source in (Source.RESIDENT, Source.GRID_PHOTO):
        reporter = user
    if source == Source.HOTLINE and not (caller_phone or "").strip() and reporter is None:
        raise CaseInputError(_("请填写来电号码。"))

    # From here reports are filed one at a time (the year's number row stays locked until the
    # commit), so the read below sees every report committed before this one: two reports of one
    # account cannot both slip under its limit, and the same submission key cannot file twice.
    number, case_id = _next_number(at)
    seen = _seen_before(user, source, submission_key, coords, at)
    if seen.earlier is not None:
        _give_back_number(at)
        return ReportResult(case=seen.earlier, duplicates=[], replayed=True)
    if source == Source.RESIDENT:
        _check_rate(seen.mine, at)
    text = f"{title or ''} {description}"
    duplicates = routing.duplicates_among(seen.nearby, category, *coords, text=text) if coords else []
    route = routing.default_route(category, place)
    if department is not None:
        route = _chosen_route(category, department, place)
    case = Case(
        pk=case_id,
        number=number,
        title=_optional(title, 100) or _default_title(category, address),
        description=description,
        category=category,
        source=source,
        reporter=reporter,
        entered_by=user,
        caller_name=_optional(caller_name, 50),
        caller_phone=_optional(caller_phone, 20),
        external_order_no=_optional(external_order_no, 64),
        lon=coords[0] if coords else None,
        lat=coords[1] if coords else None,
        address=_optional(address, 200),
        grid=place.grid,
        community=place.community,
        street=place.street,
        region_code=place.region_code,
        status=Status.REPORTED,
        is_public=bool(is_public),
        handling_level=route.level,
        handling_department=route.department,
        reported_at=at,
        updated_at=at,
        submission_key=submission_key,
    )
    _start_step(case, Step.INTAKE, at)
    # The first event is hashed before anything is written (its case id is known), so the case is
    # inserted once with its chain head, then the event.
    event = _build_event(
        case,
        EventType.REPORTED,
        user,
        grant,
        at=at,
        from_status="",
        to_status=Status.REPORTED,
        details={
            "source": source,
            "category": category.code,
            "region_code": case.region_code,
            "route": _handling_details(case),
            "possible_duplicates": [d.number for d in duplicates],
        },
    )
    case.event_count, case.head_hash = event.seq, event.hash
    case.save(force_insert=True)
    event.save(force_insert=True)
    _publish(case, event, [dispatcher_notice(Kind.NEW_CASE, case)])
    return ReportResult(case=case, duplicates=duplicates, event=event)
