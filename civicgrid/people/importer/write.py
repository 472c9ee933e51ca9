"""The import's fast write path for new rows (also the demo seeder's): plain tuples in database form,
COPY on PostgreSQL, executemany on SQLite, ids reserved from the sequence so rows need not be read back."""

import json

from django.db import connection

from civicgrid.people.models import Person

# One encoder for every row (json.dumps with options builds a new one per call).
to_json = json.JSONEncoder(ensure_ascii=False).encode


def db_value(model, field, value):
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
    costs more to build and parse than to run), a plain IN list elsewhere (written here: the ORM's
    `__in` prepares each of 5,000 values in Python, a third of the look-up's time)."""
    column, values = connection.ops.quote_name(column), list(values)
    if connection.vendor == "postgresql":
        return queryset.extra(where=[f"{column} = ANY(%s)"], params=[values])
    if not values:
        return queryset.none()
    return queryset.extra(where=[f"{column} IN ({', '.join(['%s'] * len(values))})"], params=values)
