"""Excel import and export (openpyxl).

An import reads the whole file, validates every row in Python (no query per row: buildings, houses,
households and existing persons are loaded once into dicts), and then either

- rejects the file: nothing is written but the ImportRun with its row errors (shown in the page and
  downloadable as a workbook), or
- applies it in one transaction with bulk_create / bulk_update in batches.

Persons are keyed by their ID number (through its keyed hash), buildings by their code, houses by
(building, unit, number), so importing the same file again updates rows instead of adding them, and
a row that changes nothing writes nothing.
"""

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core import xlsx
from civicgrid.core.changelog import change_row
from civicgrid.core.models import ObjectChange
from civicgrid.core.scoping import subtree_q
from civicgrid.core.text import FORBIDDEN_RE, strip_forbidden
from civicgrid.people import protection
from civicgrid.people.models import (
    AccessKind,
    Building,
    BuildingType,
    Compound,
    House,
    Household,
    ImportKind,
    ImportRun,
    Person,
    PersonTag,
    Political,
    Relation,
    Residence,
    ResidenceType,
    Tag,
    Unit,
    Usage,
)
from civicgrid.people.policy import tag_clearance
from civicgrid.people.xlsxread import unescape_cell
from civicgrid.regions.models import Level, Region

BATCH = 2000

# (header, key, required)
COLUMNS = {
    ImportKind.BUILDINGS: [
        ("楼栋编码", "code", True),
        ("楼栋名称", "name", True),
        ("网格编码", "grid", True),
        ("小区", "compound", False),
        ("地址", "address", False),
        ("类型", "building_type", False),
        ("地上层数", "floors", True),
        ("单元数", "units", False),
        ("经度", "lon", False),
        ("纬度", "lat", False),
    ],
    ImportKind.HOUSES: [
        ("楼栋编码", "building", True),
        ("单元", "unit", False),
        ("楼层", "floor", True),
        ("房号", "number", True),
        ("面积", "area", False),
        ("用途", "usage", False),
    ],
    ImportKind.PERSONS: [
        ("姓名", "name", True),
        ("身份证号", "id_number", True),
        ("手机号", "phone", False),
        ("民族", "ethnicity", False),
        ("人口类型", "residence_type", False),
        ("楼栋编码", "building", True),
        ("单元", "unit", False),
        ("房号", "house", True),
        ("与户主关系", "relation", False),
        ("政治面貌", "political_status", False),
        ("标签", "tags", False),
        ("备注", "notes", False),
    ],
}

EXAMPLES = {
    ImportKind.BUILDINGS: [
        "410103001001-01-B01",
        "幸福小区1号楼",
        "41010300100101",
        "幸福小区",
        "幸福路1号",
        "住宅楼",
        6,
        2,
        113.62,
        34.73,
    ],
    ImportKind.HOUSES: ["410103001001-01-B01", "1", 3, "301", 89.5, "自住"],
    ImportKind.PERSONS: [
        "张三",
        "110105194912310021",
        "13800138000",
        "汉族",
        "户籍人口",
        "410103001001-01-B01",
        "1",
        "301",
        "本人（户主）",
        "群众",
        "独居老人",
        "",
    ],
}


def _choices(choices):
    """Accept the Chinese label or the stored value."""
    table = {str(label): value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    return table


class RowErrors(Exception):
    pass


@dataclass
class Outcome:
    run: ImportRun
    errors: list = field(default_factory=list)

    @property
    def accepted(self):
        return self.run.accepted


def template_workbook(kind):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(ImportKind(kind).label)
    headers = [header + ("*" if required else "") for header, _key, required in COLUMNS[kind]]
    xlsx.append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    xlsx.append(sheet, EXAMPLES[kind])
    for index, _header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 18
    notes = workbook.create_sheet(_("填写说明"))
    xlsx.append(notes, [_("带 * 的列必填；第 2 行是示例，导入前请删除。")])
    xlsx.append(notes, [_("同一文件可以重复导入：已有记录按编码或身份证号更新，不会重复新增。")])
    xlsx.append(notes, [_("任何一行有错误时整个文件都不会导入，请按错误清单修改后重新上传。")])
    if kind == ImportKind.PERSONS:
        xlsx.append(notes, [_("人口类型：") + "、".join(str(label) for _v, label in ResidenceType.choices)])
        xlsx.append(notes, [_("与户主关系：") + "、".join(str(label) for _v, label in Relation.choices)])
        xlsx.append(notes, [_("政治面貌：") + "、".join(str(label) for _v, label in Political.choices)])
        xlsx.append(notes, [_("标签：多个标签用顿号或逗号分隔，如 独居老人、低保户")])
    if kind == ImportKind.HOUSES:
        xlsx.append(notes, [_("用途：") + "、".join(str(label) for _v, label in Usage.choices)])
    if kind == ImportKind.BUILDINGS:
        xlsx.append(notes, [_("类型：") + "、".join(str(label) for _v, label in BuildingType.choices)])
    return workbook


def workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def errors_workbook(run):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("错误清单")
    xlsx.append(sheet, [_("行号"), _("列"), _("错误")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for error in run.errors:
        xlsx.append(sheet, [error.get("row"), error.get("column", ""), error.get("message", "")])
    sheet.column_dimensions["C"].width = 60
    return workbook


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_cell(str(value)).strip()


def read_rows(data, kind):
    """[(row_number, {key: text})] from the first sheet; the header row must match the template.

    The fast streaming reader (xlsxread) is tried first; openpyxl reads whatever it cannot."""
    from civicgrid.people import xlsxread

    columns = COLUMNS[kind]
    try:
        return _rows_from(xlsxread.iter_rows(data, len(columns)), kind)
    except RowErrors:
        raise
    except Exception:  # an unusual file: let openpyxl read it (or say it cannot be read)
        pass
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise RowErrors(
            [{"row": 0, "column": "", "message": _("无法读取文件：请上传 .xlsx 格式的 Excel 文件。")}]
        ) from exc
    try:
        width = len(columns)
        rows = (
            (number, [_text(v) for v in values[:width]] + [""] * (width - len(values[:width])))
            for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        )
        return _rows_from(rows, kind)
    finally:
        workbook.close()


def _rows_from(rows, kind):
    columns = COLUMNS[kind]
    expected = [name for name, _key, _required in columns]
    first = next(rows, None)
    header = [cell.rstrip("*") for cell in first[1]] if first else []
    if header[: len(expected)] != expected:
        raise RowErrors(
            [
                {
                    "row": 1,
                    "column": "",
                    "message": _("表头与模板不一致，请下载最新模板。应为：%(h)s") % {"h": "、".join(expected)},
                }
            ]
        )
    keys = [key for _name, key, _required in columns]
    result = []
    limit = settings.PEOPLE_IMPORT_MAX_ROWS
    for number, values in rows:
        if not any(values):
            continue
        if FORBIDDEN_RE.search("".join(values)):
            # Invisible control characters are dropped silently: a file from another system should
            # not fail for what nobody can see in Excel (civicgrid.core.text).
            values = [strip_forbidden(value).strip() for value in values]
        result.append((number, dict(zip(keys, values, strict=True))))
        if len(result) > limit:
            raise RowErrors([{"row": number, "column": "", "message": _("文件超过 %(n)d 行上限。") % {"n": limit}}])
    return result


def import_file(user, kind, data, filename, ip=None):
    """Validate and apply one uploaded file; returns the ImportRun (accepted or with errors)."""
    run = ImportRun(
        kind=kind,
        user=user,
        at=timezone.now(),
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
    )
    codes = scope_codes(user, "people.import_person")
    if codes is not None and not codes:
        raise PermissionError("no import permission")
    try:
        rows = read_rows(data, kind)
        run.rows = len(rows)
        if not rows:
            raise RowErrors([{"row": 0, "column": "", "message": _("文件中没有数据行。")}])
        importer = {
            ImportKind.BUILDINGS: BuildingImport,
            ImportKind.HOUSES: HouseImport,
            ImportKind.PERSONS: PersonImport,
        }[kind](user, codes)
        plan = importer.validate(rows)
        if importer.errors:
            raise RowErrors(importer.errors)
        with transaction.atomic():
            run.created, run.updated = importer.apply(plan)
            run.accepted = True
            run.save()
            from civicgrid.people.actions import log_access

            log_access(
                user,
                AccessKind.IMPORT,
                rows=run.rows,
                detail=f"{ImportKind(kind).label} {filename} +{run.created} ~{run.updated}",
                ip=ip,
                region_code=codes[0] if codes else "",
            )
    except RowErrors as exc:
        run.errors = exc.args[0][:5000]
        run.accepted = False
        run.created = run.updated = 0
        run.save()
    return run


class BaseImport:
    def __init__(self, user, codes):
        self.user = user
        self.codes = codes  # None: unrestricted
        self.errors = []
        self.now = timezone.now()

    def error(self, row, column, message):
        self.errors.append({"row": row, "column": column, "message": str(message)})

    def in_scope(self, region_code):
        return self.codes is None or any(region_code.startswith(code) for code in self.codes)

    def scoped(self, queryset):
        return queryset if self.codes is None else queryset.filter(subtree_q("region_code", self.codes))

    def required(self, number, row, kind):
        ok = True
        for header, key, required in COLUMNS[kind]:
            if required and not row[key]:
                self.error(number, header, _("必填项为空。"))
                ok = False
        return ok

    def changes(self, rows):
        ObjectChange.objects.bulk_create(rows, batch_size=BATCH)


def _int(value, low, high):
    try:
        number = int(Decimal(value))
    except (InvalidOperation, ValueError):
        return None
    return number if low <= number <= high else None


class BuildingImport(BaseImport):
    def validate(self, rows):
        grids = {
            r.code: r
            for r in Region.objects.filter(
                code__in={row["grid"] for _n, row in rows}, level__in=[Level.GRID, Level.MICROGRID]
            )
        }
        types = _choices(BuildingType)
        seen = set()
        plan = []
        for number, row in rows:
            if not self.required(number, row, ImportKind.BUILDINGS):
                continue
            grid = grids.get(row["grid"])
            if grid is None or not self.in_scope(grid.code):
                self.error(number, "网格编码", _("网格不存在或不在您的辖区。"))
                continue
            if row["code"] in seen:
                self.error(number, "楼栋编码", _("文件中楼栋编码重复。"))
                continue
            seen.add(row["code"])
            floors = _int(row["floors"], 1, 200)
            units = _int(row["units"] or "1", 1, 50)
            if floors is None:
                self.error(number, "地上层数", _("层数应为 1 至 200 的整数。"))
            if units is None:
                self.error(number, "单元数", _("单元数应为 1 至 50 的整数。"))
            building_type = types.get(row["building_type"] or BuildingType.RESIDENTIAL)
            if building_type is None:
                self.error(number, "类型", _("未知的楼栋类型。"))
            lon = lat = None
            try:
                lon = float(row["lon"]) if row["lon"] else None
                lat = float(row["lat"]) if row["lat"] else None
            except ValueError:
                self.error(number, "经度", _("经纬度应为数字。"))
            if (lon is not None and not 73 <= lon <= 136) or (lat is not None and not 3 <= lat <= 54):
                self.error(number, "经度", _("经纬度不在中国范围内。"))
            plan.append(
                dict(  # noqa: C408
                    code=row["code"][:40],
                    name=row["name"][:100],
                    grid=grid,
                    compound=row["compound"][:100],
                    address=row["address"][:200],
                    building_type=building_type,
                    floors=floors,
                    units=units,
                    lon=lon,
                    lat=lat,
                    row=number,
                )
            )
        existing = {b.code: b for b in Building.objects.filter(code__in=[p["code"] for p in plan])}
        for item in plan:
            found = existing.get(item["code"])
            if found is not None and not self.in_scope(found.region_code):
                self.error(item["row"], "楼栋编码", _("该楼栋编码已被其他辖区使用。"))
        self.existing = existing
        return plan

    def apply(self, plan):
        compounds = {}
        created = updated = 0
        changes = []
        for item in plan:
            compound = None
            if item["compound"]:
                key = (item["grid"].parent_id, item["compound"])
                compound = compounds.get(key)
                if compound is None:
                    community = item["grid"]
                    while community.level > Level.COMMUNITY:
                        community = community.parent
                    compound, _c = Compound.objects.get_or_create(
                        community=community, name=item["compound"], defaults={"region_code": community.code}
                    )
                    compounds[key] = compound
            values = {k: item[k] for k in ("name", "address", "building_type", "floors", "units", "lon", "lat")}
            building = self.existing.get(item["code"])
            if building is None:
                building = Building.objects.create(
                    code=item["code"], grid=item["grid"], region_code=item["grid"].code, compound=compound, **values
                )
                Unit.objects.bulk_create([Unit(building=building, number=str(i)) for i in range(1, item["units"] + 1)])
                changes.append(
                    change_row(self.user, building, ObjectChange.Action.IMPORT, None, values | {"code": building.code})
                )
                created += 1
                continue
            before = {k: getattr(building, k) for k in values} | {"grid": building.grid_id}
            after = values | {"grid": item["grid"].pk}
            if before == after and building.compound_id == (compound.pk if compound else None):
                continue
            for k, v in values.items():
                setattr(building, k, v)
            building.grid, building.region_code, building.compound = item["grid"], item["grid"].code, compound
            building.save()
            changes.append(change_row(self.user, building, ObjectChange.Action.IMPORT, _json(before), _json(after)))
            updated += 1
        self.changes(changes)
        return created, updated


def _json(data):
    from civicgrid.core.changelog import json_value

    return {k: json_value(v) for k, v in data.items()}


class HouseImport(BaseImport):
    def validate(self, rows):
        buildings = {
            b.code: b for b in self.scoped(Building.objects.filter(code__in={row["building"] for _n, row in rows}))
        }
        usages = _choices(Usage)
        self.units = {(u.building_id, u.number): u for u in Unit.objects.filter(building__in=buildings.values())}
        self.houses = {
            (h.building_id, h.unit.number if h.unit_id else "", h.number): h
            for h in House.objects.filter(building__in=buildings.values()).select_related("unit")
        }
        plan, seen = [], set()
        for number, row in rows:
            if not self.required(number, row, ImportKind.HOUSES):
                continue
            building = buildings.get(row["building"])
            if building is None:
                self.error(number, "楼栋编码", _("楼栋不存在或不在您的辖区。"))
                continue
            floor = _int(row["floor"], -5, 200)
            if floor is None:
                self.error(number, "楼层", _("楼层应为整数。"))
            usage = usages.get(row["usage"] or Usage.SELF)
            if usage is None:
                self.error(number, "用途", _("未知的房屋用途。"))
            area = None
            if row["area"]:
                try:
                    area = Decimal(row["area"]).quantize(Decimal("0.01"))
                    if not 0 < area < 100000:
                        raise InvalidOperation
                except InvalidOperation:
                    self.error(number, "面积", _("面积应为正数。"))
            key = (building.pk, row["unit"], row["number"][:20])
            if key in seen:
                self.error(number, "房号", _("文件中房屋重复。"))
                continue
            seen.add(key)
            plan.append({"key": key, "building": building, "floor": floor, "usage": usage, "area": area})
        return plan

    def apply(self, plan):
        created = updated = 0
        new_units = {}
        for item in plan:
            building_id, unit_number, _n = item["key"]
            if unit_number and (building_id, unit_number) not in self.units:
                new_units[(building_id, unit_number)] = Unit(building_id=building_id, number=unit_number)
        for unit in Unit.objects.bulk_create(list(new_units.values())):
            self.units[(unit.building_id, unit.number)] = unit
        new, changed, changes = [], [], []
        for item in plan:
            building_id, unit_number, house_number = item["key"]
            unit = self.units.get((building_id, unit_number)) if unit_number else None
            house = self.houses.get(item["key"])
            if house is None:
                new.append(
                    House(
                        building=item["building"],
                        unit=unit,
                        region_code=item["building"].region_code,
                        floor=item["floor"],
                        number=house_number,
                        area=item["area"],
                        usage=item["usage"],
                    )
                )
                continue
            before = {"floor": house.floor, "area": house.area, "usage": house.usage}
            after = {"floor": item["floor"], "area": item["area"], "usage": item["usage"]}
            if before != after:
                house.floor, house.area, house.usage = item["floor"], item["area"], item["usage"]
                changed.append(house)
                changes.append(change_row(self.user, house, ObjectChange.Action.IMPORT, _json(before), _json(after)))
        House.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            House.objects.bulk_update(changed, ["floor", "area", "usage"], batch_size=BATCH)
        for house in new:
            changes.append(
                change_row(
                    self.user,
                    house,
                    ObjectChange.Action.IMPORT,
                    None,
                    _json({"floor": house.floor, "number": house.number, "area": house.area, "usage": house.usage}),
                )
            )
        self.changes(changes)
        created, updated = len(new), len(changed)
        return created, updated


class PersonImport(BaseImport):
    """The hot path (see bench/people_import.py): one Sealer, dict look-ups, no query per row."""

    def validate(self, rows):
        sealer = protection.Sealer()
        building_codes = {row["building"] for _n, row in rows}
        buildings = {b.code: b for b in self.scoped(Building.objects.filter(code__in=building_codes))}
        houses = {}
        for house_id, building_id, unit_number, number, region_code in House.objects.filter(
            building__in=buildings.values()
        ).values_list("id", "building_id", "unit__number", "number", "region_code"):
            houses[(building_id, unit_number or "", number)] = (house_id, region_code)
        residence_types = _choices(ResidenceType)
        relations = _choices(Relation)
        politicals = _choices(Political)
        clearance = tag_clearance(self.user)
        tags = {}
        for tag in Tag.objects.filter(sensitivity__lte=clearance):
            tags[tag.name] = tags[tag.code] = tag.pk
        id_re, phone_re, landline_re = protection.ID_RE, protection.PHONE_RE, protection.LANDLINE_RE
        check_digit = protection.id_check_digit
        today = date.today()
        plan, seen = [], {}
        error = self.error
        for number, row in rows:
            name = row["name"]
            id_number = row["id_number"].upper().replace(" ", "")
            if not name:
                error(number, "姓名", _("必填项为空。"))
            elif len(name) > 50:
                error(number, "姓名", _("姓名过长。"))
            birth = None
            if not id_number:
                error(number, "身份证号", _("必填项为空。"))
                id_number = ""
            elif not id_re.match(id_number):
                error(number, "身份证号", _("身份证号应为 18 位，前 17 位为数字，最后一位为数字或 X。"))
                id_number = ""
            else:
                try:
                    birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
                except ValueError:
                    birth = None
                if birth is None or birth > today or birth.year < 1900:
                    error(number, "身份证号", _("身份证号中的出生日期无效。"))
                    id_number = ""
                elif check_digit(id_number[:17]) != id_number[17]:
                    error(number, "身份证号", _("身份证号校验位不正确。"))
                    id_number = ""
            if id_number:
                if id_number in seen:
                    error(number, "身份证号", _("与第 %(row)d 行是同一人（身份证号重复）。") % {"row": seen[id_number]})
                    id_number = ""
                else:
                    seen[id_number] = number
            phone = row["phone"]
            if phone:
                phone = phone.replace(" ", "").replace("-", "") if not landline_re.match(phone) else phone
                if phone.startswith("+86"):
                    phone = phone[3:]
                if not (phone_re.match(phone) or landline_re.match(phone)):
                    error(number, "手机号", _("手机号应为 11 位中国大陆手机号码（或带区号的固定电话）。"))
                    phone = None
            residence_type = residence_types.get(row["residence_type"] or ResidenceType.REGISTERED)
            if residence_type is None:
                error(number, "人口类型", _("未知的人口类型。"))
            relation = relations.get(row["relation"]) if row["relation"] else ""
            if relation is None:
                error(number, "与户主关系", _("未知的与户主关系。"))
            political = politicals.get(row["political_status"]) if row["political_status"] else ""
            if political is None:
                error(number, "政治面貌", _("未知的政治面貌。"))
            building = buildings.get(row["building"])
            house = None
            if building is None:
                error(number, "楼栋编码", _("楼栋不存在或不在您的辖区。"))
            elif row["house"]:
                house = houses.get((building.pk, row["unit"], row["house"]))
                if house is None:
                    error(number, "房号", _("该楼栋中没有这套房屋，请先导入房屋。"))
            else:
                error(number, "房号", _("必填项为空。"))
            tag_ids = []
            if row["tags"]:
                for label in row["tags"].replace("，", "、").replace(",", "、").replace(";", "、").split("、"):
                    label = label.strip()
                    if not label:
                        continue
                    tag_id = tags.get(label)
                    if tag_id is None:
                        error(number, "标签", _("未知或无权设置的标签：%(tag)s") % {"tag": label})
                    else:
                        tag_ids.append(tag_id)
            if not id_number or house is None or phone is None or not name:
                continue
            plan.append(
                (
                    number,
                    name,
                    id_number,
                    birth,
                    phone,
                    residence_type,
                    relation,
                    political,
                    row["ethnicity"][:20],
                    row["notes"],
                    house,
                    tag_ids,
                    sealer.hash("id", id_number),
                )
            )
        if self.errors:
            return plan
        # Existing persons by ID hash, in chunks.
        self.existing = {}
        hashes = [item[12] for item in plan]
        for start in range(0, len(hashes), 5000):
            for person in with_hashes(Person.objects.all(), hashes[start : start + 5000]).only(
                "id",
                "name",
                "id_number_hash",
                "phone_hash",
                "phone_masked",
                "ethnicity",
                "residence_type",
                "relation",
                "political_status",
                "notes",
                "house_id",
                "household_id",
                "region_code",
                "anonymised_at",
                "moved_out_at",
            ):
                self.existing[person.id_number_hash] = person
        for item in plan:
            person = self.existing.get(item[12])
            if person is not None and not self.in_scope(person.region_code) and person.house_id is not None:
                error(item[0], "身份证号", _("此人已在其他辖区登记居住，请由原辖区办理迁出。"))
        self.sealer = sealer
        return plan

    def apply(self, plan):
        sealer, user, now, today = self.sealer, self.user, self.now, date.today()
        households = {}
        for household_id, house_id, head_id in (
            Household.objects.filter(house_id__in={item[10][0] for item in plan}, is_active=True)
            .order_by("id")
            .values_list("id", "house_id", "head_id")
        ):
            households.setdefault(house_id, [household_id, head_id])
        region_of = dict({item[10] for item in plan})
        missing = sorted(house_id for house_id in region_of if house_id not in households)
        if missing:
            stamp = _db_value(Household, "created_at", now)
            existing_counts = {}
            for start in range(0, len(missing), 5000):
                existing_counts.update(
                    any_of(Household.objects.all(), "house_id", missing[start : start + 5000])
                    .values_list("house_id")
                    .annotate(n=Count("id"))
                    .order_by()
                )
            new_households = [
                (
                    house_id,
                    region_of[house_id],
                    household_number(house_id, existing_counts.get(house_id, 0) + 1),
                    True,
                    stamp,
                    stamp,
                )
                for house_id in missing
            ]
            for house_id, household_id in insert_returning_ids(
                Household,
                ["house_id", "region_code", "number", "is_active", "created_at", "updated_at"],
                new_households,
            ):
                households.setdefault(house_id, [household_id, None])
        new_rows, new_meta, new_tags, updates, residences, moved = [], [], [], [], [], []
        changes = []
        update_fields = set()
        stamp = _db_value(Person, "created_at", now)
        for (
            _number,
            name,
            id_number,
            birth,
            phone,
            rtype,
            relation,
            political,
            ethnicity,
            notes,
            house,
            tag_ids,
            id_hash,
        ) in plan:
            house_id, region_code = house
            household = households[house_id]
            phone_hash = sealer.hash("phone", phone) if phone else ""
            phone_masked = f"{phone[:3]}****{phone[-4:]}" if phone else ""
            person = self.existing.get(id_hash)
            if relation == "":
                # An empty relation keeps the recorded one; a newcomer to a house without a head heads it.
                if person is not None and person.house_id == house_id:
                    relation = person.relation
                elif household[1] is None:
                    relation = Relation.HEAD
            if person is None:
                if relation == Relation.HEAD and household[1] is None:
                    household[1] = id_hash  # resolved to the person's id after the insert
                new_rows.append(
                    (
                        name,
                        "M" if int(id_number[16]) % 2 else "F",
                        birth,
                        sealer.encrypt(id_number),
                        id_hash,
                        f"{id_number[:6]}********{id_number[-4:]}",
                        sealer.encrypt(phone) if phone else "",
                        phone_hash,
                        phone_masked,
                        ethnicity,
                        rtype,
                        relation,
                        political,
                        notes,
                        house_id,
                        household[0],
                        region_code,
                        stamp,
                        stamp,
                    )
                )
                new_meta.append((id_hash, name, phone_masked, house_id, household[0], tag_ids))
                continue
            before = {
                "name": person.name,
                "phone_masked": person.phone_masked,
                "ethnicity": person.ethnicity,
                "residence_type": person.residence_type,
                "relation": person.relation,
                "political_status": person.political_status,
                "notes": person.notes,
                "house": person.house_id,
            }
            after = {
                "name": name,
                "phone_masked": person.phone_masked if person.phone_hash == phone_hash else phone_masked,
                "ethnicity": ethnicity,
                "residence_type": rtype,
                "relation": relation,
                "political_status": political,
                "notes": notes,
                "house": house_id,
            }
            new_tags.extend(PersonTag(person_id=person.pk, tag_id=t) for t in tag_ids)
            if before == after and not person.anonymised_at:
                continue
            person.name, person.ethnicity, person.residence_type = name, ethnicity, rtype
            person.relation, person.political_status, person.notes = relation, political, notes
            person.updated_at = now
            update_fields.update(
                ["name", "ethnicity", "residence_type", "relation", "political_status", "notes", "updated_at"]
            )
            if person.phone_hash != phone_hash:
                person.phone_enc = sealer.encrypt(phone) if phone else ""
                person.phone_hash, person.phone_masked = phone_hash, phone_masked
                update_fields.update(["phone_enc", "phone_hash", "phone_masked"])
            if person.house_id != house_id:
                moved.append(person.pk)
                person.house_id, person.household_id, person.region_code = house_id, household[0], region_code
                person.moved_out_at = None
                update_fields.update(["house", "household", "region_code", "moved_out_at"])
                residences.append((person.pk, house_id, household[0], today, None, ""))
            updates.append(person)
            changes.append(change_row(user, person, ObjectChange.Action.IMPORT, before, after, at=now))
        ids = insert_persons(new_rows, [meta[0] for meta in new_meta])
        if moved:
            for start in range(0, len(moved), 5000):
                Residence.objects.filter(person_id__in=moved[start : start + 5000], moved_out__isnull=True).exclude(
                    moved_in=today
                ).update(moved_out=today, note=_("导入：迁往新住址"))
        if updates:
            Person.objects.bulk_update(updates, sorted(update_fields), batch_size=BATCH)
        tag_rows = []
        for id_hash, _name, _phone, house_id, household_id, tag_ids in new_meta:
            person_id = ids[id_hash]
            residences.append((person_id, house_id, household_id, today, None, ""))
            tag_rows.extend((person_id, t, "", stamp) for t in tag_ids)
        fast_insert(Residence, ["person_id", "house_id", "household_id", "moved_in", "moved_out", "note"], residences)
        fast_insert(PersonTag, ["person_id", "tag_id", "note", "created_at"], tag_rows)
        PersonTag.objects.bulk_create(new_tags, batch_size=BATCH, ignore_conflicts=True)
        # Households that had no head and got one in this file: the first new member marked as head.
        heads = [(household_id, ids[head]) for household_id, head in households.values() if isinstance(head, str)]
        table = connection.ops.quote_name(Household._meta.db_table)
        with connection.cursor() as cursor:
            for start in range(0, len(heads), 2000):
                chunk = heads[start : start + 2000]
                cursor.execute(
                    # VALUES columns are column1, column2 on both PostgreSQL and SQLite.
                    f"UPDATE {table} SET head_id = v.column2 FROM (VALUES {', '.join(['(%s, %s)'] * len(chunk))}) "
                    f"AS v WHERE {table}.id = v.column1 AND {table}.head_id IS NULL",
                    [value for pair in chunk for value in pair],
                )
        from django.contrib.contenttypes.models import ContentType

        person_type = ContentType.objects.get_for_model(Person).pk
        user_id = user.pk if user is not None and user.is_authenticated else None
        at = _db_value(ObjectChange, "at", now)
        fast_insert(
            ObjectChange,
            ["content_type_id", "object_id", "object_repr", "action", "user_id", "at", "before", "after", "note"],
            [
                (
                    person_type,
                    str(ids[id_hash]),
                    name[:200],
                    ObjectChange.Action.IMPORT,
                    user_id,
                    at,
                    None,
                    to_json({"name": name, "phone_masked": phone, "house": house_id, "household": household_id}),
                    "",
                )
                for id_hash, name, phone, house_id, household_id, _tags in new_meta
            ],
        )
        self.changes(changes)
        return len(new_rows), len(updates)


# One encoder for every row (json.dumps with options builds a new one per call).
to_json = json.JSONEncoder(ensure_ascii=False).encode


def _db_value(model, field, value):
    return model._meta.get_field(field).get_db_prep_save(value, connection)


def fast_insert(model, columns, rows):
    """INSERT plain tuples (already in database form): COPY on PostgreSQL, executemany on SQLite —
    what bulk_create does, less its per-value preparation. The import's write path for new rows."""
    if not rows:
        return
    table = model._meta.db_table
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        for start in range(0, len(rows), 10000):
            cursor.executemany(sql, rows[start : start + 10000])


# The columns of a person row as the importer and the demo generator write them (fast_insert).
PERSON_COLUMNS = [
    "name",
    "gender",
    "birth_date",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "phone_enc",
    "phone_hash",
    "phone_masked",
    "ethnicity",
    "residence_type",
    "relation",
    "political_status",
    "notes",
    "house_id",
    "household_id",
    "region_code",
    "created_at",
    "updated_at",
]


def reserve_ids(model, count):
    """`count` new primary keys from the table's sequence (PostgreSQL), so rows can be written with
    their ids and need not be read back; None elsewhere."""
    if connection.vendor != "postgresql" or not count:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_returning_ids(model, columns, rows):
    """fast_insert `rows` and return [(first column's value, new id)] in the same order. The first
    column must identify a row among those written (a house id for households)."""
    new_ids = reserve_ids(model, len(rows))
    if new_ids is not None:
        fast_insert(model, ["id", *columns], [(pk, *row) for pk, row in zip(new_ids, rows, strict=True)])
        return [(row[0], pk) for pk, row in zip(new_ids, rows, strict=True)]
    fast_insert(model, columns, rows)
    keys = [row[0] for row in rows]
    found = {}
    for start in range(0, len(keys), 5000):
        found.update(
            model.objects.filter(**{f"{columns[0]}__in": keys[start : start + 5000]})
            .order_by("id")
            .values_list(columns[0], "id")
        )
    return [(key, found[key]) for key in keys]


def insert_persons(rows, id_hashes):
    """Write person rows (values in PERSON_COLUMNS order) the fast way; returns {id_number_hash: id}
    of the rows written, for the residences and tags that follow."""
    new_ids = reserve_ids(Person, len(rows))
    if new_ids is not None:
        fast_insert(Person, ["id", *PERSON_COLUMNS], [(pk, *row) for pk, row in zip(new_ids, rows, strict=True)])
        return dict(zip(id_hashes, new_ids, strict=True))
    fast_insert(Person, PERSON_COLUMNS, rows)
    ids = {}
    for start in range(0, len(id_hashes), 5000):
        ids.update(
            with_hashes(Person.objects.all(), id_hashes[start : start + 5000]).values_list("id_number_hash", "id")
        )
    return ids


def with_hashes(queryset, hashes):
    return any_of(queryset, "id_number_hash", hashes)


def any_of(queryset, column, values):
    """Rows whose `column` is one of `values`: one array parameter on PostgreSQL (a long IN list
    costs more to build and parse than to run), IN elsewhere."""
    if connection.vendor == "postgresql":
        return queryset.extra(where=[f"{connection.ops.quote_name(column)} = ANY(%s)"], params=[list(values)])
    return queryset.filter(**{f"{column}__in": values})


def household_number(house_id, sequence):
    """户号: the house's id and the household's sequence in it (e.g. 00001234-1)."""
    return f"{house_id:08d}-{sequence}"
