"""Datasets the city-scale benchmarks share, built fast on PostgreSQL.

A district that has run CivicGrid for years holds millions of cases, nearly all of them closed
long ago. `archive_copies` builds that history from a year of generated cases (with their events,
lights and evaluations, from bench.bulk_cases) by copying the closed ones back in time, one
year per copy, in SQL: minutes instead of the hours that writing each through Python would take.

The copies are honest archive rows — closed, numbered "YYYY-Hnnnnnnnnn", in the same places and
categories — but carry no events or evaluations of their own (event_count 0, so the hash-chain
check sees an empty chain, not a broken one). Everything the live workflow touches stays the
generated year.
"""

from django.db import connection, transaction

ARCHIVE_NUMBER = "to_char({reported_at}, 'YYYY') || '-H' || lpad(new_id::text, 9, '0')"


def archive_copies(target_total):
    """Copy closed cases a year further back each round until cases_case holds `target_total`
    rows; returns the number of rows written."""
    from civicgrid.cases.models import Case, Status

    fields = [f for f in Case._meta.concrete_fields if f.name != "id"]
    table = Case._meta.db_table
    written, year = 0, 0
    closed = Case.objects.filter(status=Status.CLOSED).count()
    if not closed:
        raise ValueError("archive_copies needs closed cases to copy")
    total = Case.objects.count()
    while total + written < target_total:
        year += 1
        limit = min(closed, target_total - total - written)
        columns, values = [], []
        for field in fields:
            columns.append(f'"{field.column}"')
            if field.name == "number":
                values.append(ARCHIVE_NUMBER.format(reported_at=f"src.\"reported_at\" - interval '{year} years'"))
            elif field.get_internal_type() == "DateTimeField":
                values.append(f"src.\"{field.column}\" - interval '{year} years'")
            elif field.name == "event_count":
                values.append("0")
            elif field.name == "head_hash":
                values.append("''")
            else:
                values.append(f'src."{field.column}"')
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{table}" ("id", {", ".join(columns)}) '
                f"SELECT new_id, {', '.join(values)} FROM ("
                f'  SELECT nextval({sequence}) AS new_id, c.* FROM "{table}" c'
                f"  WHERE c.status = %s AND c.number NOT LIKE %s ORDER BY c.id LIMIT %s"
                f") src",
                [Status.CLOSED, "%-H%", limit],
            )
            written += cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM ANALYZE "{table}"')
    return written
