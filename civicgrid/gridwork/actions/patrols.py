"""巡格: start and end a patrol, take the phone's track in batches, check in at key places, and
report findings (随手拍) linked to the patrol.

Batches are idempotent point by point: every point carries the phone's sequence number for the
patrol, unique per patrol, and is inserted with ON CONFLICT DO NOTHING, so a batch repeated after a
lost answer, two overlapping batches, or batches arriving out of order each store every point once
— also when two uploads of the same batch run at the same time. A point that cannot be right (bad
coordinates, stamped in the future or before the patrol began) is refused with its reason and the
others are taken; a malformed or oversized batch is refused whole.

A patrol outside the user's own patrols raises Patrol.DoesNotExist (the views answer 404)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change
from civicgrid.core.models import ObjectChange
from civicgrid.gridwork import conf, geo
from civicgrid.gridwork.actions.common import client_key, coordinate, text, timestamp, worker_grids
from civicgrid.gridwork.events import PatrolEnded
from civicgrid.gridwork.models import CheckIn, Finding, KeyPlace, Patrol, PatrolStatus, TrackPoint

SEQ_MAX = 10_000_000


def own_patrol(user, patrol_id, lock=True):
    query = Patrol.objects.filter(user=user, pk=patrol_id) if user.is_authenticated else Patrol.objects.none()
    if lock:
        query = query.select_for_update()
    return query.get()


@transaction.atomic
def start_patrol(user, grid_id=None, key=""):
    """Open a patrol of one of the worker's grids; the patrol already open (or the one this key
    opened) is returned instead of a second."""
    key = client_key(key)
    grids = worker_grids(user)
    if not user.is_authenticated or not grids.exists():
        raise ValidationError(_("您没有负责的网格，不能巡格。"))
    if key:
        earlier = Patrol.objects.filter(user=user, client_key=key).first()
        if earlier is not None:
            return earlier
    current = Patrol.objects.select_for_update().filter(user=user, status=PatrolStatus.ACTIVE).first()
    if current is not None:
        return current
    grid = grids.filter(pk=grid_id).first() if grid_id else grids.first()
    if grid is None:
        raise ValidationError(_("只能巡查自己负责的网格。"))
    try:
        with transaction.atomic():
            return Patrol.objects.create(
                user=user, grid=grid, region_code=grid.code, started_at=clock.now(), client_key=key
            )
    except IntegrityError:  # the same start at the same moment from a second tab
        return Patrol.objects.get(user=user, status=PatrolStatus.ACTIVE)


@dataclass
class BatchResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: dict = field(default_factory=dict)  # seq (or index) -> reason


def _parse_points(patrol, points, now):
    if not isinstance(points, list):
        raise ValidationError(_("轨迹数据格式不正确。"))
    if len(points) > conf.get("GRIDWORK_BATCH_MAX"):
        raise ValidationError(_("每批最多上传 %(n)s 个位置。") % {"n": conf.get("GRIDWORK_BATCH_MAX")})
    latest = now + timedelta(seconds=conf.get("GRIDWORK_CLOCK_SKEW_SECONDS"))
    earliest = patrol.started_at - timedelta(seconds=60)
    if patrol.ended_at:
        latest = min(latest, patrol.ended_at + timedelta(seconds=60))
    rows, rejected, seen = {}, {}, set()
    for index, point in enumerate(points):
        if not isinstance(point, dict):
            rejected[str(index)] = _("位置格式不正确。")
            continue
        seq = point.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < SEQ_MAX:
            rejected[str(index)] = _("位置序号不正确。")
            continue
        try:
            lat, lng = coordinate(point.get("lat"), point.get("lng"))
        except (TypeError, ValueError):
            rejected[str(seq)] = _("经纬度超出范围。")
            continue
        try:
            at = timestamp(point.get("at"))
        except (TypeError, ValueError):
            rejected[str(seq)] = _("定位时间不正确。")
            continue
        if at > latest or at < earliest:
            rejected[str(seq)] = _("定位时间不在本次巡格时段内。")
            continue
        accuracy = point.get("accuracy")
        if accuracy is not None:
            try:
                accuracy = float(accuracy)
                if not 0 <= accuracy <= 100000:
                    raise ValueError
            except (TypeError, ValueError):
                accuracy = None
        if seq in seen:
            continue
        seen.add(seq)
        rows[seq] = (patrol.pk, seq, at, lat, lng, accuracy)
    return rows, rejected


def _insert(rows):
    """INSERT … ON CONFLICT DO NOTHING RETURNING seq: the sequence numbers actually stored now."""
    if not rows:
        return []
    ops = connection.ops
    table = TrackPoint._meta.db_table
    values, params = [], []
    for patrol_id, seq, at, lat, lng, accuracy in rows:
        values.append("(%s, %s, %s, %s, %s, %s)")
        params.extend((patrol_id, seq, ops.adapt_datetimefield_value(at), lat, lng, accuracy))
    sql = (
        f"INSERT INTO {table} (patrol_id, seq, at, lat, lng, accuracy) VALUES {', '.join(values)} "
        "ON CONFLICT (patrol_id, seq) DO NOTHING RETURNING seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def add_points(user, patrol_id, points):
    """Store a batch of the patrol's positions [{seq, at, lat, lng, accuracy?}, …]."""
    patrol = own_patrol(user, patrol_id)
    now = clock.now()
    rows, rejected = _parse_points(patrol, points, now)
    stored = set(_insert(list(rows.values())))
    result = BatchResult(accepted=len(stored), duplicates=len(rows) - len(stored), rejected=rejected)
    if stored:
        last = max(rows[seq][2] for seq in stored)
        updates = {"points": F("points") + len(stored)}
        if patrol.last_point_at is None or last > patrol.last_point_at:
            updates["last_point_at"] = last
        Patrol.objects.filter(pk=patrol.pk).update(**updates)
        if patrol.status == PatrolStatus.ENDED:
            # Late points of an ended patrol (uploaded after the end): its figures follow.
            patrol.refresh_from_db()
            _measure(patrol)
            patrol.save(update_fields=["seconds", "distance_m", "coverage"])
    return result


def track_of(patrol):
    return list(TrackPoint.objects.filter(patrol=patrol).order_by("at", "seq").values_list("lat", "lng", "at"))


def _measure(patrol):
    track = track_of(patrol)
    pause = conf.get("GRIDWORK_PAUSE_SECONDS")
    seconds = 0
    for (_a, _b, t1), (_c, _d, t2) in zip(track, track[1:], strict=False):
        gap = (t2 - t1).total_seconds()
        if 0 < gap <= pause:
            seconds += gap
    patrol.seconds = int(seconds)
    positions = [(lat, lng) for lat, lng, _at in track]
    patrol.distance_m = round(geo.track_length(positions), 1)
    boundary = type(patrol.grid).objects.filter(pk=patrol.grid_id).values_list("boundary", flat=True).first()
    patrol.coverage = geo.coverage(boundary, positions, conf.get("GRIDWORK_COVERAGE_METRES"))


def _close(patrol, at):
    _measure(patrol)
    patrol.status = PatrolStatus.ENDED
    patrol.ended_at = max(at, patrol.last_point_at or patrol.started_at, patrol.started_at)
    patrol.checkins = CheckIn.objects.filter(patrol=patrol).count()
    patrol.save()
    events.publish(
        PatrolEnded(
            patrol_id=patrol.pk,
            user_id=patrol.user_id,
            grid_code=patrol.region_code,
            started_at=patrol.started_at,
            ended_at=patrol.ended_at,
            seconds=patrol.seconds,
            coverage=patrol.coverage,
            checkins=patrol.checkins,
        )
    )
    return patrol


@transaction.atomic
def end_patrol(user, patrol_id):
    """End the worker's patrol (ending an ended one changes nothing and says nothing again)."""
    patrol = own_patrol(user, patrol_id)
    if patrol.status == PatrolStatus.ENDED:
        return patrol
    _close(patrol, clock.now())
    after = {"status": patrol.status, "seconds": patrol.seconds, "coverage": patrol.coverage}
    record_change(user, patrol, ObjectChange.Action.UPDATE, {"status": PatrolStatus.ACTIVE}, after)
    return patrol


def close_stale_patrols():
    """The periodic job: end patrols left open for longer than GRIDWORK_PATROL_MAX_HOURS (at their
    last position)."""
    cutoff = clock.now() - timedelta(hours=conf.get("GRIDWORK_PATROL_MAX_HOURS"))
    closed = 0
    for pk in Patrol.objects.filter(status=PatrolStatus.ACTIVE, started_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            patrol = Patrol.objects.select_for_update().filter(pk=pk, status=PatrolStatus.ACTIVE).first()
            if patrol is not None:
                _close(patrol, patrol.last_point_at or patrol.started_at)
                closed += 1
    return closed


@transaction.atomic
def check_in(user, patrol_id, place_id, lat, lng):
    """Check in at a key place of the patrol's grid, when the phone is within its radius (plus a
    little for the position's error). Checking in again returns the first check-in."""
    patrol = own_patrol(user, patrol_id)
    if patrol.status != PatrolStatus.ACTIVE:
        raise ValidationError(_("巡格已结束。"))
    place = KeyPlace.objects.filter(pk=place_id, grid_id=patrol.grid_id, is_active=True).first()
    if place is None:
        raise ValidationError(_("本网格没有这个重点部位。"))
    try:
        lat, lng = coordinate(lat, lng)
    except (TypeError, ValueError):
        raise ValidationError(_("经纬度超出范围。")) from None
    earlier = CheckIn.objects.filter(patrol=patrol, place=place).first()
    if earlier is not None:
        return earlier
    distance = geo.distance_m(lat, lng, place.lat, place.lng)
    if distance > place.radius_m:
        raise ValidationError(
            _("距离“%(name)s”还有 %(m)s 米，请到达后再打卡。") % {"name": place.name, "m": int(distance)}
        )
    row = CheckIn.objects.create(
        patrol=patrol, place=place, region_code=patrol.region_code, at=clock.now(), distance_m=round(distance, 1)
    )
    Patrol.objects.filter(pk=patrol.pk).update(checkins=F("checkins") + 1)
    return row


@transaction.atomic
def report_finding(user, patrol_id, *, category, description, lat=None, lng=None, photos=(), key=""):
    """随手拍 during a patrol: a case filed through the cases' report action (source 网格员随手拍),
    linked to the patrol. The key makes a retry return the case filed the first time."""
    from civicgrid.cases.errors import CaseError
    from civicgrid.cases.models import Source
    from civicgrid.cases.uploads import report_with_attachments

    patrol = own_patrol(user, patrol_id)
    key = client_key(key)
    description = text(description, "description", conf.get("GRIDWORK_TEXT_MAX"), True, _("请描述问题。"))
    try:
        result = report_with_attachments(
            user,
            photos=photos,
            category=category,
            description=description,
            source=Source.GRID_PHOTO,
            lon=lng,
            lat=lat,
            region=None if lat is not None else patrol.grid,
            submission_key=f"patrol-{patrol.pk}-{key}" if key else "",
        )
    except CaseError as error:
        raise ValidationError(error.message) from None
    finding, _created = Finding.objects.get_or_create(
        patrol=patrol, case=result.case, defaults={"region_code": patrol.region_code, "at": clock.now()}
    )
    return finding
