"""上报: filing a case (every source: residents, grid workers, the hotline, staff entry, the API)
and routing it to its default handling unit."""

from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases import routing, workflow
from civicgrid.cases.actions.common import (
    MAX_DESCRIPTION,
    _append_event,
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
from civicgrid.cases.models import Case, CaseNumberSequence, EventType, Source, Status, Step
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


def _lock_user(user):
    # Serialises one account's concurrent reports, so two at once cannot both slip under the limit.
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def _check_rate(user, at):
    _lock_user(user)
    limits = (
        (timedelta(hours=1), settings.CASES_RESIDENT_REPORTS_PER_HOUR, _("每小时")),
        (timedelta(days=1), settings.CASES_RESIDENT_REPORTS_PER_DAY, _("每天")),
    )
    for period, limit, label in limits:
        if not limit:
            continue
        recent = list(
            Case.objects.filter(reporter=user, source=Source.RESIDENT, reported_at__gt=at - period)
            .order_by("-reported_at")
            .values_list("reported_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            retry = timezone.localtime(recent[-1] + period)
            raise RateLimited(
                _("提交过于频繁：%(period)s最多可上报 %(n)d 件，请于 %(time)s 后再试。")
                % {"period": label, "n": limit, "time": retry.strftime("%m-%d %H:%M")}
            )


def _next_number(at):
    year = timezone.localtime(at).year
    sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}-{sequence.last:06d}"


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
    if user is None or not user.is_authenticated or not user.is_active:
        raise ActionNotAllowed()
    submission_key = _optional(submission_key, 64)
    if submission_key:
        earlier = _submitted_before(user, submission_key)
        if earlier is not None:
            return ReportResult(case=earlier, duplicates=[], replayed=True)
    at = clock.now()
    try:
        source = Source(source)
    except ValueError:
        raise CaseInputError(_("来源不正确。")) from None
    category = _resolve_category(category, for_resident=source == Source.RESIDENT)
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
    if source == Source.RESIDENT:
        _check_rate(user, at)

    duplicates = routing.nearby_duplicates(category, *(coords or (None, None)), text=f"{title or ''} {description}")
    route = routing.default_route(category, place)
    case = Case(
        number=_next_number(at),
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
    try:
        with transaction.atomic():
            case.save(force_insert=True)
    except IntegrityError:
        # The same key arrived twice at once and the other request won: answer with its case.
        earlier = _submitted_before(user, submission_key) if submission_key else None
        if earlier is None:
            raise
        return ReportResult(case=earlier, duplicates=[], replayed=True)
    event = _append_event(
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
    case.save(update_fields=["event_count", "head_hash"])
    _publish(case, event, [dispatcher_notice(Kind.NEW_CASE, case)])
    return ReportResult(case=case, duplicates=duplicates)


def _submitted_before(user, submission_key):
    return Case.objects.filter(entered_by=user, submission_key=submission_key).first()
