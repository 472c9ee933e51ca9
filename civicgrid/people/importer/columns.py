"""The import templates: the columns of each kind of file, the example row, the notes sheet, and the
workbook listing a rejected file's row errors.

The tag rule (persons), also on the template's notes sheet and in docs/users.md: with a 标签 column,
a person's tags become exactly the tags listed (a blank cell removes them) — among the tags the
importing user is cleared to set in the person's grid; tags above that clearance are left as they
are. Without a 标签 column, tags are not touched.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from civicgrid.core import xlsx
from civicgrid.people.models import BuildingType, ImportKind, Political, Relation, ResidenceType, Usage

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


TAG_RULE = (
    gettext_lazy(
        "标签列填写后，此人的标签即为所列标签（您有权设置的范围内）：未列出的标签会被移除，留空表示移除全部。"
    ),
    gettext_lazy("若删去整个标签列，已有人员的标签保持不变。"),
)


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
    xlsx.append(notes, [_("不带 * 的列可以整列删去：删去的列在已有记录上保持原值不变。")])
    if kind == ImportKind.PERSONS:
        xlsx.append(notes, [_("人口类型：") + "、".join(str(label) for _v, label in ResidenceType.choices)])
        xlsx.append(notes, [_("与户主关系：") + "、".join(str(label) for _v, label in Relation.choices)])
        xlsx.append(notes, [_("政治面貌：") + "、".join(str(label) for _v, label in Political.choices)])
        xlsx.append(notes, [_("标签：多个标签用顿号或逗号分隔，如 独居老人、低保户")])
        for line in TAG_RULE:
            xlsx.append(notes, [str(line)])
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
    """The row report of a rejected file, shaped like every export (civicgrid.core.xlsx.Table): the
    header in row 1, frozen and filtered, widths that fit, the error in a wide last column; and a
    sheet saying which file of whose it is about."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("错误清单")
    table = xlsx.Table(sheet, [(_("行号"), 8), (_("列"), 18), (_("错误"), 80)])
    for error in run.errors:
        table.row([error.get("row"), error.get("column", ""), error.get("message", "")])
    table.close()
    notes = [
        (_("文件名"), run.filename),
        (_("类型"), str(ImportKind(run.kind).label) if run.kind else ""),
        (_("上传时间"), timezone.localtime(run.at).strftime("%Y-%m-%d %H:%M") if run.at else ""),
        (_("错误数"), len(run.errors)),
        (_("说明"), _("整个文件未导入。请在原文件中按行号修改这些错误，然后重新上传整个文件。")),
    ]
    xlsx.notes_sheet(workbook, _("导入说明"), notes)
    return workbook
