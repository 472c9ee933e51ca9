"""Persons by their ID number (through its keyed hash): the hot path of the import (see
bench/people_import.py): one Sealer, dict look-ups, no query per row.

The values go through the same rules as the person form (rules.py): ID numbers and phones are
normalised (full-width digits, spaces, +86, landline hyphens) before they are checked and hashed, so
a person imported with `４10103…` is the person registered as `410103…`; a stored phone is compared
with the file's by its keyed hash, never by its mask. Tags follow the rule in importer/columns.py.
Validation is here; writing is in persons_apply.py.
"""

from datetime import date

from django.utils.translation import gettext as _

from civicgrid.people import protection, rules
from civicgrid.people.importer.base import BaseImport, choices_table
from civicgrid.people.importer.persons_apply import PersonWriter
from civicgrid.people.importer.write import with_hashes
from civicgrid.people.models import (
    Building,
    House,
    ImportKind,
    Person,
    PersonTag,
    Political,
    Relation,
    ResidenceType,
    Tag,
)
from civicgrid.people.policy import tag_visibility

# Optional columns that, left out of the file, keep an existing person's value.
KEEPABLE = ("phone", "ethnicity", "residence_type", "political_status", "notes", "tags")

# The fields of a plan row (a tuple: 100,000 of them).
(
    ROW,
    NAME,
    ID_NUMBER,
    BIRTH,
    PHONE,
    RTYPE,
    RELATION,
    POLITICAL,
    ETHNICITY,
    NOTES,
    HOUSE,
    TAG_IDS,
    ID_HASH,
) = range(13)


class PersonImport(BaseImport):
    kind = ImportKind.PERSONS

    def validate(self, rows):
        """The whole file's plan (the rows as read_rows gives them): every row checked, and when no
        row is wrong, the persons already registered looked up (and checked for scope)."""
        self.start(rows[0][1])
        plan = self.check(rows)
        if self.errors:
            return plan
        self.check_existing(plan)
        self.errors.extend(self.scope_errors)
        return plan

    def start(self, first_row):
        """What every chunk's check needs, loaded once: the tags, the choices, the user's clearance.
        The columns the file leaves out are those of its first row that read None."""
        self.sealer = protection.Sealer()
        self.absent = {key for key, value in first_row.items() if value is None}
        self.buildings, self.houses, self.seen = {}, {}, {}
        self.scope_errors = []  # reported only when no row has another error (as before streaming)
        self.writer = None
        self.residence_types = choices_table(ResidenceType)
        self.relations = choices_table(Relation)
        self.politicals = choices_table(Political)
        self.visible = tag_visibility(self.user)
        self.tags, self.tag_codes, self.tag_sensitivity = {}, {}, {}
        for tag in Tag.objects.all():
            self.tags[tag.name] = self.tags[tag.code] = tag.pk
            self.tag_codes[tag.pk], self.tag_sensitivity[tag.pk] = tag.code, tag.sensitivity

    def _load_places(self, rows):
        """The buildings (in scope) and their houses that these rows name and earlier chunks did not."""
        codes = {row["building"] for _n, row in rows} - self.buildings.keys()
        if not codes:
            return
        found = {b.code: b for b in self.scoped(Building.objects.filter(code__in=codes))}
        for code in codes:
            self.buildings[code] = found.get(code)
        if not found:
            return
        houses = self.houses
        for house_id, building_id, unit_number, number, region_code in House.objects.filter(
            building__in=found.values()
        ).values_list("id", "building_id", "unit__number", "number", "region_code"):
            houses[(building_id, unit_number or "", number)] = (house_id, region_code)

    def check(self, rows):
        """The plan rows of these rows (a chunk, or the whole file), their errors added to
        self.errors; duplicates are found across chunks."""
        self._load_places(rows)
        buildings, houses, tags, visible = self.buildings, self.houses, self.tags, self.visible
        residence_types, relations, politicals = self.residence_types, self.relations, self.politicals
        sealer = self.sealer
        id_re, mobile_re, landline_re = rules.ID_RE, rules.MOBILE_RE, rules.LANDLINE_RE
        normalise_id, normalise_phone = rules.normalise_id_number, rules.normalise_phone
        check_digit = rules.id_check_digit
        today = date.today()
        plan, seen = [], self.seen
        error = self.error
        for number, row in self.counted(rows):
            name = row["name"]
            id_number = normalise_id(row["id_number"])
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
            phone_ok = True  # (also False for an unknown residence type: the row is not planned)
            phone = row["phone"]
            if phone:
                phone = normalise_phone(phone)
                if not (mobile_re.match(phone) or landline_re.match(phone)):
                    error(number, "手机号", _("手机号应为 11 位中国大陆手机号码（或带区号的固定电话）。"))
                    phone_ok = False
            residence_type = row["residence_type"]
            if residence_type is not None:
                residence_type = residence_types.get(residence_type or ResidenceType.REGISTERED)
                if residence_type is None:
                    error(number, "人口类型", _("未知的人口类型。"))
                    phone_ok = False
            relation = relations.get(row["relation"]) if row["relation"] else ""
            if relation is None:
                error(number, "与户主关系", _("未知的与户主关系。"))
            political = row["political_status"]
            if political:
                political = politicals.get(political)
                if political is None:
                    error(number, "政治面貌", _("未知的政治面貌。"))
            building = buildings.get(row["building"])
            house = None
            if building is None:
                error(number, "楼栋编码", _("楼栋不存在或不在您的辖区。"))
            elif row["house"]:
                house = houses.get((building.pk, row["unit"] or "", row["house"]))
                if house is None:
                    error(number, "房号", _("该楼栋中没有这套房屋，请先导入房屋。"))
            else:
                error(number, "房号", _("必填项为空。"))
            tag_ids = None if row["tags"] is None else []
            for label in rules.split_tags(row["tags"]) if row["tags"] else ():
                tag_id = tags.get(label)
                if tag_id is None or house is None or not visible(house[1], self.tag_sensitivity[tag_id]):
                    if tag_id is None or house is not None:
                        error(number, "标签", _("未知或无权设置的标签：%(tag)s") % {"tag": label})
                elif tag_id not in tag_ids:
                    tag_ids.append(tag_id)
            if not id_number or house is None or not phone_ok or not name:
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
                    None if row["ethnicity"] is None else row["ethnicity"][:20],
                    row["notes"],
                    house,
                    tag_ids,
                    sealer.hash("id", id_number),
                )
            )
        return plan

    def check_existing(self, plan):
        """Look up the planned persons already registered (self.existing, self.current_tags: for
        apply); a person living in another district's house is a scope error."""
        self._load_existing(plan)
        for item in plan:
            person = self.existing.get(item[ID_HASH])
            if person is not None and not self.in_scope(person.region_code) and person.house_id is not None:
                self.scope_errors.append(
                    {
                        "row": item[ROW],
                        "column": "身份证号",
                        "message": str(_("此人已在其他辖区登记居住，请由原辖区办理迁出。")),
                    }
                )

    def _load_existing(self, plan):
        """Existing persons by ID hash, in chunks; their current tags when the file sets tags."""
        self.existing = {}
        hashes = [item[ID_HASH] for item in plan]
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
        self.current_tags = {}
        if "tags" in self.absent:
            return
        ids = [person.pk for person in self.existing.values()]
        for start in range(0, len(ids), 5000):
            for pk, person_id, tag_id in PersonTag.objects.filter(person_id__in=ids[start : start + 5000]).values_list(
                "pk", "person_id", "tag_id"
            ):
                self.current_tags.setdefault(person_id, {})[tag_id] = pk

    def apply(self, plan):
        """Write a checked plan (after check_existing); called once per chunk in a streamed import,
        in one transaction: returns this call's (created, updated)."""
        if self.writer is None:
            self.writer = PersonWriter(self)
        return self.writer.write(plan)
