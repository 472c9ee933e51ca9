"""Fee records (物业费、停车费): entered one by one or imported from Excel — all or nothing, with a
row report; a re-import updates the bills it names (key: house + kind + period). Payment is recorded
here, never taken."""

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicgrid.core import events
from civicgrid.core.text import has_forbidden
from civicgrid.people.models import House
from civicgrid.property import selectors
from civicgrid.property.events import BillsImported, BillStatusChanged
from civicgrid.property.models import Bill, BillStatus, FeeKind

PERIOD_RE = re.compile(r"^(19|20)\d\d(-(0[1-9]|1[0-2]))?$")
MAX_AMOUNT = Decimal("1000000")
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = ("楼栋编码", "单元", "房号", "费用类型", "账期", "金额", "状态", "缴费日期", "备注")
KIND_NAMES = {str(label): value for value, label in FeeKind.choices} | {v: v for v in FeeKind.values}
STATUS_NAMES = {str(label): value for value, label in BillStatus.choices} | {v: v for v in BillStatus.values}


def _amount(value):
    try:
        amount = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("金额应为数字。")) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError(_("金额应在 0 至 1000000 元之间。"))
    return amount


def _period(value):
    value = str(value or "").strip()
    if not PERIOD_RE.match(value):
        raise ValidationError(_("账期格式应为 2026 或 2026-11。"))
    return value


def _kind(value):
    kind = KIND_NAMES.get(str(value or "").strip())
    if kind is None:
        raise ValidationError(_("费用类型应为“物业费”或“停车费”。"))
    return kind


def _status(value):
    status = STATUS_NAMES.get(str(value or "").strip() or BillStatus.UNPAID)
    if status is None:
        raise ValidationError(_("状态应为“未缴”“已缴”或“有争议”。"))
    return status


def _note(value):
    value = str(value or "").strip()
    if len(value) > 200:
        raise ValidationError(_("备注不能超过 200 字。"))
    if has_forbidden(value):
        raise ValidationError(_("内容含有不允许的控制字符。"))
    return value


def _paid_at(value, status):
    if value in (None, ""):
        return date.today() if status == BillStatus.PAID else None
    if isinstance(value, date):
        return value if not hasattr(value, "date") else value.date()
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError(_("缴费日期格式应为 2026-11-30。")) from None


def _check_house(user, house):
    compound = house.building.compound
    if compound is None or not selectors.may_keep_bills(user, compound):
        raise House.DoesNotExist
    return compound


def _upsert(user, house, compound, kind, period, amount, status, paid_at, note):
    bill = Bill.objects.select_for_update(of=("self",)).filter(house=house, kind=kind, period=period).order_by().first()
    created = bill is None
    if created:
        bill = Bill(house=house, kind=kind, period=period)
    bill.compound, bill.region_code = compound, house.region_code
    bill.amount, bill.status, bill.note, bill.updated_by = amount, status, note, user
    bill.paid_at = paid_at if status == BillStatus.PAID else None
    bill.save()
    return bill, created


@transaction.atomic
def save_bill(user, *, house, kind, period, amount, status=BillStatus.UNPAID, paid_at=None, note=""):
    """Enter (or correct) one bill of a house the user keeps bills for."""
    house = House.objects.select_related("building__compound").get(pk=getattr(house, "pk", house))
    compound = _check_house(user, house)
    kind, period, amount, status = _kind(kind), _period(period), _amount(amount), _status(status)
    bill, created = _upsert(user, house, compound, kind, period, amount, status, _paid_at(paid_at, status), _note(note))
    events.publish(BillsImported(user_id=user.pk, created=int(created), updated=int(not created)))
    return bill


@transaction.atomic
def set_bill_status(user, pk, status, *, paid_at=None, note=""):
    """Record a payment (已缴), an unpaid bill, or a dispute (有争议, with the reason in the note)."""
    bill = selectors.bill_for(user, pk, for_change=True)
    if bill is None or not selectors.may_keep_bills(user, bill.compound):
        raise Bill.DoesNotExist
    status = _status(status)
    note = _note(note)
    if status == BillStatus.DISPUTED and not note:
        raise ValidationError(_("请填写争议原因。"))
    bill = Bill.objects.select_for_update(of=("self",)).order_by().get(pk=bill.pk)
    bill.status = status
    bill.paid_at = _paid_at(paid_at, status) if status == BillStatus.PAID else None
    if note:
        bill.note = note
    bill.updated_by = user
    bill.save(update_fields=["status", "paid_at", "note", "updated_by", "updated_at"])
    events.publish(BillStatusChanged(bill_id=bill.pk, status=status, user_id=user.pk))
    return bill


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # [{"row": n, "message": text}]

    @property
    def ok(self):
        return not self.errors


def _read(data):
    from openpyxl import load_workbook

    from civicgrid.people.importer.read import cell_text

    if len(data) > MAX_BYTES:
        raise ValidationError(_("文件不能超过 5 MB。"))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ValidationError(_("无法读取文件：请上传 .xlsx 格式的 Excel 文件。")) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(v) for v in next(rows, ())]
        names = [h.rstrip("*") for h in header]
        missing = [c for c in COLUMNS[:6] if c not in names]
        if missing:
            raise ValidationError(_("表头与模板不一致，缺少：%(c)s") % {"c": "、".join(missing)})
        index = {name: names.index(name) for name in COLUMNS if name in names}
        out = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise ValidationError(_("文件超过 %(n)d 行上限。") % {"n": MAX_ROWS})
            values = list(values)
            record = {
                name: (cell_text(values[i]) if i < len(values) else "")
                if name != "缴费日期"
                else (values[i] if i < len(values) else None)
                for name, i in index.items()
            }
            if not any(str(v or "").strip() for v in record.values()):
                continue
            out.append((number, record))
        return out
    finally:
        workbook.close()


def _houses(user, rows):
    codes = {r.get("楼栋编码", "") for _n, r in rows}
    houses = House.objects.filter(building__code__in=codes).select_related("building__compound", "unit")
    return {(h.building.code, h.unit.number if h.unit_id else "", h.number): h for h in houses}


def import_bills(user, data):
    """Import an .xlsx of bills (template columns: COLUMNS). Every row is checked first; with any bad
    row nothing is written and the report lists each bad row's number and reason. A row naming an
    existing bill (house + kind + period) updates it."""
    report = ImportReport()
    try:
        rows = _read(data)
    except ValidationError as error:
        report.errors.append({"row": 0, "message": error.messages[0]})
        return report
    if not rows:
        report.errors.append({"row": 0, "message": _("文件中没有数据行。")})
        return report
    houses = _houses(user, rows)
    checked, seen = [], set()
    for number, row in rows:
        try:
            if has_forbidden([str(v) for v in row.values()]):
                raise ValidationError(_("内容含有不允许的控制字符。"))
            key = (row.get("楼栋编码", ""), row.get("单元", ""), row.get("房号", ""))
            house = houses.get(key)
            if house is None:
                raise ValidationError(_("找不到该房屋（楼栋编码、单元、房号）。"))
            try:
                compound = _check_house(user, house)
            except House.DoesNotExist:
                raise ValidationError(_("找不到该房屋（楼栋编码、单元、房号）。")) from None
            kind, period = _kind(row.get("费用类型")), _period(row.get("账期"))
            amount, status = _amount(row.get("金额")), _status(row.get("状态"))
            paid_at, note = _paid_at(row.get("缴费日期"), status), _note(row.get("备注"))
            if (house.pk, kind, period) in seen:
                raise ValidationError(_("与前面的行重复（同一房屋、费用类型和账期）。"))
            seen.add((house.pk, kind, period))
            checked.append((house, compound, kind, period, amount, status, paid_at, note))
        except ValidationError as error:
            report.errors.append({"row": number, "message": error.messages[0]})
    if report.errors:
        return report
    # Two imports of the same bills at once: the one that inserts second meets the unique key, rolls
    # back whole, and runs again — now updating what the first wrote.
    for attempt in range(2):
        report.created = report.updated = 0
        try:
            with transaction.atomic():
                for values in checked:
                    _bill, created = _upsert(user, *values)
                    if created:
                        report.created += 1
                    else:
                        report.updated += 1
                events.publish(BillsImported(user_id=user.pk, created=report.created, updated=report.updated))
            return report
        except IntegrityError:
            if attempt:
                raise
    return report


def template_bytes():
    from openpyxl import Workbook

    from civicgrid.core import xlsx

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "bills"
    xlsx.append(sheet, [f"{c}*" if i < 6 else c for i, c in enumerate(COLUMNS)])
    xlsx.append(sheet, ["B-001", "1", "101", "物业费", "2026", "1200.00", "未缴", "", ""])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
