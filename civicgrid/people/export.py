"""Exports of filtered person lists: masked unless the exporter may unmask and asked for plain
values; every export writes an access-log row and carries the exporter and the time in the file.

The sheet has the person import template's columns with the header in row 1, so a clerk can export,
correct and import the same file again (a plain export: masked ID numbers cannot be imported)."""

import io

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from civicgrid.core import replica, xlsx
from civicgrid.people import protection, selectors
from civicgrid.people.actions import log_access
from civicgrid.people.importer.columns import COLUMNS
from civicgrid.people.labels import export_detail
from civicgrid.people.models import AccessKind, ImportKind, PersonTag, Political, Relation, ResidenceType
from civicgrid.people.policy import allowed, visible_tag_q

WIDTHS = {"姓名": 10, "身份证号": 21, "手机号": 14, "楼栋编码": 22, "单元": 6, "房号": 8, "标签": 20, "备注": 24}
# The person import template's headers (with * on the required ones, as in the template): the
# importer reads an export back by these names. They are the template's, in every language.
IMPORT_COLUMNS = [
    (header + ("*" if required else ""), WIDTHS.get(header, 12))
    for header, _key, required in COLUMNS[ImportKind.PERSONS]
]


def persons_to_export(user, region, *, tag="", query=""):
    """The persons an export of `region` (optionally one tag, a name prefix) holds, before the cap."""
    persons = selectors.in_region(selectors.current_persons(user), region)
    if tag:
        visible = visible_tag_q(user, "region_code", "person_tags__tag__sensitivity")
        persons = persons.filter(Q(person_tags__tag__code=tag) & visible)
    if query:
        persons = persons.filter(*selectors.name_prefix(query))
    return persons


def persons_workbook(user, region, *, tag="", query="", plain=False, reason="", ip=None, progress=None):
    """The workbook (bytes) and its row count; `progress` (a long job's) hears the rows written."""
    if not allowed(user, "people.export_person", region.code):
        raise PermissionError
    plain = plain and allowed(user, "people.unmask_person", region.code)
    persons = persons_to_export(user, region, tag=tag, query=query)
    persons = persons.select_related("house__building", "house__unit").order_by("region_code", "house_id", "id")
    tags = {}
    # A list may be a few seconds old: it reads the replica when one is configured and fresh.
    with replica.reading():
        persons = list(persons[: settings.PEOPLE_EXPORT_MAX_ROWS])
        for person_id, name in PersonTag.objects.filter(
            visible_tag_q(user), person_id__in=[p.pk for p in persons]
        ).values_list("person_id", "tag__name"):
            tags.setdefault(person_id, []).append(name)
    residence = dict(ResidenceType.choices)
    relation = dict(Relation.choices)
    political = dict(Political.choices)
    # The import template's columns, header in row 1 (so export → edit → re-import works: the
    # importer finds columns by header and ignores the two read-only ones at the end), then what the
    # ID number already says (gender, birth date). Who exported what is on the second sheet.
    workbook = Workbook(write_only=True)
    table = xlsx.Table(
        workbook.create_sheet(_("人员")), [*IMPORT_COLUMNS, (_("性别"), 6), (_("出生日期"), 12, xlsx.DATE_FORMAT)]
    )
    if progress:
        progress(stage="exporting", total=len(persons), read=len(persons), checked=len(persons), force=True)
    for index, person in enumerate(persons, start=1):
        if progress and index % 500 == 0:
            progress(written=index)
        house = person.house
        table.row(
            [
                person.name,
                protection.decrypt(person.id_number_enc) if plain else person.id_number_masked,
                protection.decrypt(person.phone_enc) if plain else person.phone_masked,
                person.ethnicity,
                str(residence.get(person.residence_type, "")),
                house.building.code,
                house.unit.number if house.unit_id else "",
                house.number,
                str(relation.get(person.relation, "")),
                str(political.get(person.political_status, "")),
                "、".join(tags.get(person.pk, [])),
                person.notes,
                person.get_gender_display(),
                person.birth_date,
            ]
        )
    table.close()
    now = timezone.localtime()
    xlsx.notes_sheet(
        workbook,
        _("导出说明"),
        [
            (_("导出人"), f"{user.display_name}（{user.username}）"),
            (_("导出时间"), now.strftime("%Y-%m-%d %H:%M")),
            (_("范围"), region.name),
            (_("行数"), len(persons)),
            (_("个人信息"), _("含明文个人信息，请妥善保管") if plain else _("已脱敏")),
            (_("再次导入"), _("明文导出的表格修改后可直接在“导入人员”中导入；已脱敏的身份证号无法导入。")),
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    log_access(
        user,
        AccessKind.EXPORT,
        rows=len(persons),
        detail=export_detail(region.code, tag, query, plain),
        reason=reason,
        region_code=region.code,
        ip=ip,
    )
    return buffer.getvalue(), len(persons)
