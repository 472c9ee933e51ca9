"""Exports of filtered person lists: masked unless the exporter may unmask and asked for plain
values; every export writes an access-log row and carries the exporter and the time in the file."""

import io

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from civicgrid.core import xlsx
from civicgrid.people import protection, selectors
from civicgrid.people.actions import log_access
from civicgrid.people.labels import export_detail
from civicgrid.people.models import AccessKind, PersonTag, Political, Relation, ResidenceType
from civicgrid.people.policy import allowed, visible_tag_q


def persons_workbook(user, region, *, tag="", query="", plain=False, reason="", ip=None):
    if not allowed(user, "people.export_person", region.code):
        raise PermissionError
    plain = plain and allowed(user, "people.unmask_person", region.code)
    persons = selectors.in_region(selectors.current_persons(user), region)
    if tag:
        visible = visible_tag_q(user, "region_code", "person_tags__tag__sensitivity")
        persons = persons.filter(Q(person_tags__tag__code=tag) & visible)
    if query:
        persons = persons.filter(*selectors.name_prefix(query))
    persons = persons.select_related("house__building", "house__unit").order_by("region_code", "house_id", "id")
    persons = list(persons[: settings.PEOPLE_EXPORT_MAX_ROWS])
    tags = {}
    for person_id, name in PersonTag.objects.filter(
        visible_tag_q(user), person_id__in=[p.pk for p in persons]
    ).values_list("person_id", "tag__name"):
        tags.setdefault(person_id, []).append(name)
    residence = dict(ResidenceType.choices)
    relation = dict(Relation.choices)
    political = dict(Political.choices)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("人员"))
    now = timezone.localtime()
    stamp = _("导出人：%(user)s（%(username)s）  导出时间：%(time)s  范围：%(region)s  %(kind)s") % {
        "user": user.display_name,
        "username": user.username,
        "time": now.strftime("%Y-%m-%d %H:%M"),
        "region": region.name,
        "kind": _("含明文个人信息，请妥善保管") if plain else _("已脱敏"),
    }
    xlsx.append(sheet, [stamp])
    header = [
        _("姓名"),
        _("性别"),
        _("出生日期"),
        _("身份证号"),
        _("手机号"),
        _("民族"),
        _("人口类型"),
        _("楼栋编码"),
        _("单元"),
        _("房号"),
        _("与户主关系"),
        _("政治面貌"),
        _("标签"),
    ]
    xlsx.append(sheet, header)
    for person in persons:
        house = person.house
        xlsx.append(
            sheet,
            [
                person.name,
                person.get_gender_display(),
                person.birth_date,
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
