"""Writing a validated person import (importer/persons.py plans it)."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext as _

from civicgrid.core.changelog import change_row
from civicgrid.core.models import ObjectChange
from civicgrid.people import protection, rules
from civicgrid.people.importer.base import BATCH
from civicgrid.people.importer.write import any_of, db_value, fast_insert, insert_persons, insert_returning_ids, to_json
from civicgrid.people.models import Household, Person, PersonTag, Relation, Residence, ResidenceType


class PersonWriter:
    """Writes the checked plan of a person import, one chunk after another in the same transaction:
    the households found or created for earlier chunks are remembered, so a house's later rows join
    the same household, and a household's new head is set as soon as that person is written."""

    def __init__(self, importer):
        self.importer = importer
        self.households = {}  # house id: [household id, head (a person id, an ID hash until written, None)]
        self.person_type = ContentType.objects.get_for_model(Person).pk

    def write(self, plan):
        """Write one chunk of the plan; returns (created, updated) for it."""
        self._households(plan)
        return _write(self, self.importer, plan)

    def _households(self, plan):
        """The active household of every house in the plan (the oldest one), created where none is."""
        households, now = self.households, self.importer.now
        region_of = {house_id: region for house_id, region in {item[10] for item in plan} if house_id not in households}
        if not region_of:
            return
        wanted = sorted(region_of)
        for start in range(0, len(wanted), 5000):
            for household_id, house_id, head_id in (
                any_of(Household.objects.filter(is_active=True), "house_id", wanted[start : start + 5000])
                .order_by("id")
                .values_list("id", "house_id", "head_id")
            ):
                households.setdefault(house_id, [household_id, head_id])
        missing = [house_id for house_id in wanted if house_id not in households]
        if not missing:
            return
        stamp = db_value(Household, "created_at", now)
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
                rules.household_number(house_id, existing_counts.get(house_id, 0) + 1),
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


def apply_persons(importer, plan):
    """Write the planned persons (the whole file in one go); returns (created, updated)."""
    return PersonWriter(importer).write(plan)


def _write(writer, importer, plan):
    """New persons (with their households, residences and tags) go through the fast path; changed
    ones are bulk-updated, each with its change-log row (tags included)."""
    sealer, user, now, today = importer.sealer, importer.user, importer.now, date.today()
    existing, current_tags = importer.existing, importer.current_tags
    visible, sensitivity, codes = importer.visible, importer.tag_sensitivity, importer.tag_codes
    mask_phone = protection.mask_phone
    households = writer.households
    new_rows, new_meta, new_tags, gone_tags, updates, residences, moved = [], [], [], [], [], [], []
    changes = []
    update_fields = set()
    stamp = db_value(Person, "created_at", now)
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
        person = existing.get(id_hash)
        if relation == "":
            # An empty relation keeps the recorded one; a newcomer to a house without a head heads it.
            if person is not None and person.house_id == house_id:
                relation = person.relation
            elif household[1] is None:
                relation = Relation.HEAD
        if person is None:
            phone = phone or ""
            phone_masked = mask_phone(phone)
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
                    sealer.hash("phone", phone) if phone else "",
                    phone_masked,
                    ethnicity or "",
                    rtype or ResidenceType.REGISTERED,
                    relation,
                    political or "",
                    notes or "",
                    house_id,
                    household[0],
                    region_code,
                    stamp,
                    stamp,
                )
            )
            new_meta.append((id_hash, name, phone_masked, house_id, household[0], tag_ids or ()))
            continue
        if phone is None:  # no phone column: the stored phone stays
            phone_hash, phone_masked, phone_changed = person.phone_hash, person.phone_masked, False
        else:
            phone_hash = sealer.hash("phone", phone) if phone else ""
            phone_changed = rules.sealed_differs(person.phone_hash, phone_hash)
            phone_masked = mask_phone(phone) if phone_changed else person.phone_masked
        ethnicity = person.ethnicity if ethnicity is None else ethnicity
        rtype = person.residence_type if rtype is None else rtype
        political = person.political_status if political is None else political
        notes = person.notes if notes is None else notes
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
            "phone_masked": rules.masked_for_log(phone_masked, phone_changed and phone_masked == person.phone_masked),
            "ethnicity": ethnicity,
            "residence_type": rtype,
            "relation": relation,
            "political_status": political,
            "notes": notes,
            "house": house_id,
        }
        fields_changed = before != after or person.anonymised_at
        if tag_ids is not None:
            # The file's tags replace the ones the importing user may set in this grid.
            held = current_tags.get(person.pk, {})
            mine = {t for t in held if visible(region_code, sensitivity[t])}
            add, remove = set(tag_ids) - set(held), mine - set(tag_ids)
            if add or remove:
                before["tags"] = sorted(codes[t] for t in mine)
                after["tags"] = sorted(codes[t] for t in (mine - remove) | add)
                new_tags.extend(PersonTag(person_id=person.pk, tag_id=t) for t in add)
                gone_tags.extend(held[t] for t in remove)
        if before == after and not fields_changed:
            continue
        changes.append(change_row(user, person, ObjectChange.Action.IMPORT, before, after, at=now))
        if not fields_changed:
            continue
        person.name, person.ethnicity, person.residence_type = name, ethnicity, rtype
        person.relation, person.political_status, person.notes = relation, political, notes
        person.updated_at = now
        update_fields.update(
            ["name", "ethnicity", "residence_type", "relation", "political_status", "notes", "updated_at"]
        )
        if phone_changed:
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
    for start in range(0, len(gone_tags), 5000):
        PersonTag.objects.filter(pk__in=gone_tags[start : start + 5000]).delete()
    # Households that had no head and got one in this chunk: the first new member marked as head.
    heads = []
    for household in households.values():
        if isinstance(household[1], str) and household[1] in ids:
            household[1] = ids[household[1]]
            heads.append((household[0], household[1]))
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

    person_type = writer.person_type
    user_id = user.pk if user is not None and user.is_authenticated else None
    at = db_value(ObjectChange, "at", now)
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
                to_json(
                    {"name": name, "phone_masked": phone, "house": house_id, "household": household_id}
                    | ({"tags": sorted(codes[t] for t in tags)} if tags else {})
                ),
                "",
            )
            for id_hash, name, phone, house_id, household_id, tags in new_meta
        ],
    )
    importer.changes(changes)
    return len(new_rows), len(changes)
