"""The write path for regions: create and edit nodes and departments, set boundaries, import GeoJSON
boundary files. Each writes its change-log rows (civicgrid.core.changelog); a node's code, level and
parent are fixed once it exists, because every dependant row (scopes, cases, people) carries the code.

Every boundary written here has passed regions.boundaries (well-formed, closed, valid, inside its
parent within settings.BOUNDARY_TOLERANCE_METRES), and every committed change invalidates this
process's spatial index; other processes notice through `boundary_updated_at` (regions.locator).
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core import events, safejson
from civicgrid.core.changelog import change_row, delete_logged, record_change, snapshot, stored_snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.core.text import strip_forbidden
from civicgrid.regions import locator
from civicgrid.regions.boundaries import (
    COORDINATE_DECIMALS,
    check_within,
    clean_boundary,
    label_point,
    load_shape,
)
from civicgrid.regions.codes import code_length
from civicgrid.regions.events import DepartmentUpdated, RegionUpdated
from civicgrid.regions.models import Level, Region

# Coordinate reference systems whose longitude/latitude we store as they are: WGS84, and CGCS2000
# (the national datum, within centimetres of WGS84).
ACCEPTED_CRS = ("CRS84", "EPSG::4326", "EPSG:4326", "EPSG::4490", "EPSG:4490")
# Rows per query when looking codes up, well below every database's parameter limit.
LOOKUP_CHUNK = 500
UPDATED_FIELDS = ["name", "boundary", "centroid_lon", "centroid_lat", "boundary_updated_at", "updated_at"]
# What the change log keeps of a region; the boundary itself is summarised (REGION_BOUNDARY_KEY), as
# a polygon of thousands of points would swamp the log.
REGION_FIELDS = ["parent", "level", "code", "name", "is_active", "centroid_lon", "centroid_lat", "boundary_updated_at"]
REGION_BOUNDARY_KEY = "boundary"
# Fixed once a node exists: its code is the materialised path every scoped row of the system carries.
REGION_FIXED_FIELDS = ("code", "level", "parent")
REGION_EDITABLE_FIELDS = ("name", "is_active", "boundary")
DEPARTMENT_FIELDS = ["name", "code", "kind", "region", "phone", "is_active"]
Action = ObjectChange.Action


def boundary_digest(geometry):
    """A short fingerprint of a boundary for the change log ("Polygon 3f2a…"), or None."""
    if not geometry:
        return None
    text = json.dumps(geometry, sort_keys=True, separators=(",", ":"))
    return f"{geometry.get('type', '?')} {hashlib.sha256(text.encode()).hexdigest()[:12]}"


def region_snapshot(region):
    data = snapshot(region, REGION_FIELDS)
    data[REGION_BOUNDARY_KEY] = boundary_digest(region.boundary)
    return data


# --- Single nodes ----------------------------------------------------------------------------------


def validate_boundary(geometry, *, parent=None, region=None, label=None):
    """Parse and validate `geometry` as the boundary of `region` (or of a new node under `parent`).

    Checks the polygon itself, that it lies inside the parent's boundary and, for an existing
    region, that its children still lie inside it. Returns (GeoJSON dict, shapely geometry).
    """
    geometry, shape = clean_boundary(geometry)
    label = label or (str(region) if region is not None else _("新边界"))
    parent_shape = load_shape(parent.boundary) if parent is not None else None
    if parent_shape is not None:
        check_within(shape, parent_shape, child_label=label, parent_label=str(parent))
    if region is not None and region.pk is not None:
        errors = []
        for child in region.children.filter(boundary__isnull=False):
            child_shape = load_shape(child.boundary)
            if child_shape is None:
                continue
            try:
                check_within(child_shape, shape, child_label=str(child), parent_label=label)
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
    return geometry, shape


def _apply_boundary(region, geometry, shape, now):
    lon, lat = label_point(shape)
    region.boundary = geometry
    region.centroid_lon = round(lon, COORDINATE_DECIMALS)
    region.centroid_lat = round(lat, COORDINATE_DECIMALS)
    region.boundary_updated_at = now


@transaction.atomic
def create_region(*, code, name, parent=None, level=None, boundary=None, is_active=True, user=None):
    """Create a region node. `level` defaults to one below `parent` (a district without one).

    Raises ValidationError (by field) for a bad code, a wrong parent, a duplicate code or a
    boundary that is invalid or outside the parent's.
    """
    if level is None:
        level = Level.DISTRICT if parent is None else parent.level + 1
    region = Region(parent=parent, level=level, code=code, name=name, is_active=is_active)
    region.full_clean()
    if boundary is not None:
        try:
            geometry, shape = validate_boundary(boundary, parent=parent, label=str(region))
        except ValidationError as exc:
            raise ValidationError({"boundary": exc.error_list}) from exc
        _apply_boundary(region, geometry, shape, timezone.now())
        transaction.on_commit(locator.invalidate)
    region.save()
    record_change(user, region, Action.CREATE, None, region_snapshot(region))
    return region


def _store_boundary(region, geometry):
    if geometry is None:
        region.boundary = region.centroid_lon = region.centroid_lat = None
        region.boundary_updated_at = timezone.now()
    else:
        try:
            geometry, shape = validate_boundary(geometry, parent=region.parent, region=region)
        except ValidationError as exc:
            raise ValidationError({"boundary": exc.error_list}) from exc
        _apply_boundary(region, geometry, shape, timezone.now())
    transaction.on_commit(locator.invalidate)


@transaction.atomic
def set_boundary(region, geometry, *, user=None):
    """Validate and store `geometry` (GeoJSON; None clears it) as the boundary of `region`.

    Also sets the centroid and `boundary_updated_at`, and rebuilds the locator's index after
    commit. Raises ValidationError if the boundary is invalid, sticks out of the parent's, or
    leaves a child sticking out.
    """
    before = region_snapshot(Region.objects.select_for_update().get(pk=region.pk))
    _store_boundary(region, geometry)
    region.save(update_fields=["boundary", "centroid_lon", "centroid_lat", "boundary_updated_at", "updated_at"])
    record_change(user, region, Action.UPDATE, before, region_snapshot(region))
    return region


def _same(region, name, value):
    if name == "parent":
        return (value.pk if value is not None else None) == region.parent_id
    return value == getattr(region, name)


@transaction.atomic
def update_region(region, *, user=None, **changes):
    """Change a node's name, `is_active` or boundary (`boundary=None` clears it); returns the stored node.

    Its code, level and parent are fixed once created: a different value for any of them raises
    ValidationError (by field) and nothing is written. So does an invalid boundary.
    """
    unknown = set(changes) - set(REGION_EDITABLE_FIELDS) - set(REGION_FIXED_FIELDS)
    if unknown:
        raise TypeError(f"update_region() cannot change {sorted(unknown)}")
    stored = Region.objects.select_for_update().get(pk=region.pk)
    fixed = {
        name: _("区划创建后不能修改编码、层级或上级：它们是下属所有数据的范围依据。")
        for name in REGION_FIXED_FIELDS
        if name in changes and not _same(stored, name, changes[name])
    }
    if fixed:
        raise ValidationError(fixed)
    before = region_snapshot(stored)
    for name in ("name", "is_active"):
        if name in changes:
            setattr(stored, name, changes[name])
    stored.full_clean(exclude=["boundary"])
    if "boundary" in changes and changes["boundary"] != stored.boundary:
        _store_boundary(stored, changes["boundary"])
    stored.save()
    record_change(user, stored, Action.UPDATE, before, region_snapshot(stored))
    events.publish(RegionUpdated(region_id=stored.pk, code=stored.code))
    return stored


@transaction.atomic
def delete_region(region, *, user=None):
    """Delete a node that nothing refers to (its children and dependants protect it)."""
    delete_logged(user, region, region_snapshot(region))
    transaction.on_commit(locator.invalidate)


# --- Departments ---------------------------------------------------------------------------------


@transaction.atomic
def save_department(department, *, user=None):
    """Create or update a department from the (edited) instance; validated, logged."""
    creating = department.pk is None
    before = None if creating else stored_snapshot(department, DEPARTMENT_FIELDS)
    department.full_clean()
    department.save()
    record_change(
        user, department, Action.CREATE if creating else Action.UPDATE, before, snapshot(department, DEPARTMENT_FIELDS)
    )
    if not creating:
        events.publish(DepartmentUpdated(department_id=department.pk, code=department.code))
    return department


@transaction.atomic
def delete_department(department, *, user=None):
    delete_logged(user, department, snapshot(department, DEPARTMENT_FIELDS))


# --- Importing a FeatureCollection -------------------------------------------------------------------


@dataclass
class FeatureError:
    index: int | None  # position in the file's "features" list (0-based); None: the file as a whole
    code: str
    message: str

    def __str__(self):
        if self.index is None:
            return self.message
        return _("第 %(number)d 个要素（编码 %(code)s）：%(message)s") % {
            "number": self.index + 1,
            "code": self.code or "—",
            "message": self.message,
        }


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[FeatureError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.errors

    def add_error(self, index, code, error):
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        self.errors.extend(FeatureError(index, code, message) for message in messages)


@dataclass(eq=False)
class _Row:
    """One well-formed feature, on its way to becoming a Region."""

    index: int
    code: str
    name: str
    level: int
    parent_code: str | None
    geometry: dict
    shape: object
    region: Region | None = None
    is_new: bool = False
    before: dict | None = None  # the stored region's change-log snapshot, for an existing one


@transaction.atomic
def import_boundaries(data, *, create_missing=True, dry_run=False, user=None, note=""):
    """Import a GeoJSON FeatureCollection of region boundaries, all or nothing.

    Each feature carries `properties.code` and `properties.name`, optionally `level` and
    `parent_code` (otherwise inferred from the code's length and prefix). Existing regions get
    the new boundary (and name); missing ones are created when `create_missing`, parents in the
    same file first. Every feature is validated and every problem reported with its feature; if
    there is any, nothing is written. Each region written gets an IMPORT change row (by `user`,
    None for the system, with `note`, by default "导入边界"). `data` is JSON text (str or bytes) or an already parsed dict.
    Returns an ImportReport with the counts (what would be written, when `dry_run`) and errors.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        features = _read_feature_collection(data)
    except ValidationError as exc:
        report.add_error(None, "", exc)
        return report

    # Code length of each level (configurable per install), looked up once for the whole file.
    lengths = {level: code_length(level) for level in Level.values}
    rows, first_index, failed_codes = [], {}, set()
    for index, feature in enumerate(features):
        code = _code_of(feature)
        if code and code in first_index:
            report.add_error(
                index,
                code,
                _("编码 %(code)s 在本文件中重复（第 %(n)d 个要素已使用）。")
                % {"code": code, "n": first_index[code] + 1},
            )
            continue
        if code:
            first_index[code] = index
        try:
            rows.append(_parse_feature(index, feature, lengths))
        except ValidationError as exc:
            report.add_error(index, code, exc)
            failed_codes.add(code)

    # Parents before children, so a parent in the same file exists (and is checked) first.
    rows.sort(key=lambda row: (len(row.code), row.code))
    _resolve(rows, report, create_missing=create_missing, failed_codes=failed_codes)
    _check_remaining_children(rows, report)
    report.errors.sort(key=lambda error: -1 if error.index is None else error.index)
    report.created = sum(row.is_new for row in rows)
    report.updated = len(rows) - report.created
    if report.errors or dry_run:
        return report

    now = timezone.now()
    for row in rows:
        _apply_boundary(row.region, row.geometry, row.shape, now)
    for level in Level.values:
        # One level at a time, so parents have primary keys before their children are inserted.
        new = [row.region for row in rows if row.is_new and row.level == level]
        Region.objects.bulk_create(new, batch_size=LOOKUP_CHUNK)
    # Row by row: bulk_update's CASE expressions are ten times slower for thousands of rows.
    for row in rows:
        if not row.is_new:
            row.region.save(update_fields=UPDATED_FIELDS)
    note = note or _("导入边界")
    changes = []
    for row in rows:
        after = region_snapshot(row.region)
        # A feature that repeats what is stored only re-stamps boundary_updated_at: no row for it.
        if row.before is None or _without_stamp(after) != _without_stamp(row.before):
            changes.append(change_row(user, row.region, Action.IMPORT, row.before, after, note, at=now))
    ObjectChange.objects.bulk_create(changes, batch_size=LOOKUP_CHUNK)
    transaction.on_commit(locator.invalidate)
    return report


def _without_stamp(data):
    return {key: value for key, value in data.items() if key != "boundary_updated_at"}


def _read_feature_collection(data):
    if isinstance(data, bytes):
        try:
            # utf-8-sig: files saved by Windows tools often start with a byte-order mark.
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("文件不是 UTF-8 编码的文本。")) from exc
    if isinstance(data, str):
        try:
            data = safejson.loads(data)  # a nesting limit: deep input would raise RecursionError
        except safejson.TooDeep as exc:
            raise ValidationError(_("文件不是有效的 JSON：%(error)s") % {"error": exc}) from exc
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("文件不是有效的 JSON：第 %(line)d 行第 %(column)d 列附近有错误（%(error)s）。")
                % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
            ) from exc
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ValidationError(_("文件应为 GeoJSON FeatureCollection：type 为 FeatureCollection，并有 features 列表。"))
    crs = data.get("crs")
    crs = (crs.get("properties") or {}).get("name", "") if isinstance(crs, dict) else ""
    if crs and not any(crs.upper().endswith(accepted) for accepted in ACCEPTED_CRS):
        raise ValidationError(_("不支持坐标系 %(crs)s：请先转换为 WGS84 经纬度（EPSG:4326）。") % {"crs": crs})
    if not data["features"]:
        raise ValidationError(_("文件中没有任何要素。"))
    return data["features"]


def _text(value):
    """A property as text: codes exported as numbers by GIS tools are accepted, not floats or objects.
    Invisible control characters are dropped silently, as in every imported file (civicgrid.core.text)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return strip_forbidden(value).strip() if isinstance(value, str) else ""


def _code_of(feature):
    properties = feature.get("properties") if isinstance(feature, dict) else None
    return _text(properties.get("code")) if isinstance(properties, dict) else ""


def _parse_feature(index, feature, lengths):
    """A _Row for one feature; raises ValidationError listing every problem found in it."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValidationError(_("不是 GeoJSON 要素：type 应为 Feature。"))
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        raise ValidationError(_("要素缺少属性（properties）。"))
    errors = []
    code, name = _text(properties.get("code")), _text(properties.get("name"))
    level = parent_code = None
    if not code:
        errors.append(_("缺少编码（properties.code）。"))
    elif not code.isascii() or not code.isdigit():
        errors.append(_("编码 %(code)s 只能由数字组成。") % {"code": code})
    else:
        level = next((level for level, length in lengths.items() if length == len(code)), None)
        given = properties.get("level")
        if given not in (None, ""):
            if _text(given) not in {str(value) for value in Level.values}:
                errors.append(_("层级 %(level)s 无效：应为 0（区县）至 4（微网格）。") % {"level": given})
            elif level != int(given):
                errors.append(
                    _("编码 %(code)s 有 %(n)d 位，而%(level)s编码应为 %(m)d 位。")
                    % {"code": code, "n": len(code), "level": Level(int(given)).label, "m": lengths[int(given)]}
                )
        elif level is None:
            expected = "、".join(f"{label} {lengths[value]} 位" for value, label in Level.choices)
            errors.append(
                _("编码 %(code)s 的位数（%(n)d）与任何层级都不符（%(lengths)s）。")
                % {"code": code, "n": len(code), "lengths": expected}
            )
        if level is not None and level != Level.DISTRICT:
            parent_code = code[: lengths[level - 1]]
            given_parent = _text(properties.get("parent_code"))
            if given_parent and given_parent != parent_code:
                errors.append(
                    _("上级编码 %(given)s 与编码推断出的上级 %(inferred)s 不一致。")
                    % {"given": given_parent, "inferred": parent_code}
                )
    geometry = shape = None
    try:
        geometry, shape = clean_boundary(feature.get("geometry"))
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return _Row(index, code, name, level, parent_code, geometry, shape)


def _regions_by_code(codes):
    codes = sorted(codes)
    found = {}
    for start in range(0, len(codes), LOOKUP_CHUNK):
        for region in Region.objects.filter(code__in=codes[start : start + LOOKUP_CHUNK]):
            found[region.code] = region
    return found


def _resolve(rows, report, *, create_missing, failed_codes):
    """Attach each row to its existing or new Region and check it: code, fields, parent, containment."""
    existing = _regions_by_code({row.code for row in rows} | {row.parent_code for row in rows if row.parent_code})
    in_file = {row.code: row for row in rows}
    for row in rows:
        errors = []
        # A parent in the file is checked against its new boundary, others against the stored one.
        parent_row = in_file.get(row.parent_code) if row.parent_code else None
        if parent_row is not None:
            parent, parent_shape = parent_row.region, parent_row.shape
        else:
            parent = existing.get(row.parent_code) if row.parent_code else None
            parent_shape = load_shape(parent.boundary) if parent is not None else None
        # (A parent whose own feature failed is reported there; no second error here.)
        if row.parent_code and parent is None and row.parent_code not in failed_codes:
            errors.append(_("上级 %(parent)s 不存在：既不在系统中，也不在本文件中。") % {"parent": row.parent_code})
        row.region = existing.get(row.code)
        if row.region is not None and row.before is None:
            row.before = region_snapshot(row.region)
        if row.region is None:
            if not create_missing:
                errors.append(_("区划 %(code)s 不存在，且本次导入不允许新建。") % {"code": row.code})
            row.is_new = True
            row.region = Region(code=row.code, level=row.level, name=row.name)
        elif row.region.level != row.level:
            errors.append(
                _("区划 %(code)s 在系统中是%(actual)s，与文件中的%(given)s不符。")
                % {"code": row.code, "actual": row.region.get_level_display(), "given": Level(row.level).label}
            )
        if row.name:
            row.region.name = row.name
        # Assigned (not loaded) so that validation needs no query per row; saved only for new rows.
        row.region.parent = parent
        if parent is not None or row.level == Level.DISTRICT:  # else the missing parent is reported
            try:
                row.region.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                errors.extend(_field_messages(exc))
        if parent_shape is not None:
            try:
                check_within(row.shape, parent_shape, child_label=_label(row), parent_label=str(parent))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            report.add_error(row.index, row.code, ValidationError(errors))


def _check_remaining_children(rows, report):
    """Children already in the system but not in the file must still fit in their parent's new boundary."""
    in_file = {row.code: row for row in rows}
    updated = {row.region.pk: row for row in rows if not row.is_new}
    children = []
    ids = sorted(updated)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        children += Region.objects.filter(
            parent_id__in=ids[start : start + LOOKUP_CHUNK], boundary__isnull=False
        ).values_list("pk", "code", "parent_id")
    # Fetch the boundaries only of those the file does not replace (often none at all).
    remaining = {pk: parent_id for pk, code, parent_id in children if code not in in_file}
    ids = sorted(remaining)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        for child in Region.objects.filter(pk__in=ids[start : start + LOOKUP_CHUNK]):
            row = updated[remaining[child.pk]]
            child_shape = load_shape(child.boundary)
            if child_shape is None:
                continue
            try:
                check_within(child_shape, row.shape, child_label=str(child), parent_label=_label(row))
            except ValidationError as exc:
                report.add_error(row.index, row.code, exc)


def _label(row):
    return f"{row.name or row.region.name}（{row.code}）"


def _field_messages(exc):
    """Messages of a model ValidationError, each prefixed with the field's name."""
    messages = []
    for name, field_messages in exc.message_dict.items():
        prefix = "" if name == NON_FIELD_ERRORS else f"{Region._meta.get_field(name).verbose_name}："
        messages.extend(f"{prefix}{message}" for message in field_messages)
    return messages
