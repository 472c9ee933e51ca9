"""Make the security log append-only in the database itself, not only in the model.

UPDATE is refused on every backend. DELETE is refused on PostgreSQL; a retention purge by an
operator uses TRUNCATE or drops the trigger deliberately. (SQLite's test flush deletes rows, so the
embedded default refuses updates only.)
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION accounts_securityevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_securityevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_securityevent_no_update BEFORE UPDATE OR DELETE ON accounts_securityevent
    FOR EACH ROW EXECUTE FUNCTION accounts_securityevent_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS accounts_securityevent_no_update ON accounts_securityevent;
DROP FUNCTION IF EXISTS accounts_securityevent_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER accounts_securityevent_no_update BEFORE UPDATE ON accounts_securityevent
BEGIN SELECT RAISE(ABORT, 'accounts_securityevent is append-only'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS accounts_securityevent_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
