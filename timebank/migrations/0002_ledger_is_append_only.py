"""The database itself refuses to change a ledger entry or posting, whatever the code does.

PostgreSQL also refuses deleting them row by row. SQLite refuses updates only: Django's test
flush empties tables with DELETE, and deleted postings would show as drift in timebank_audit."""

from django.db import migrations

TABLES = ["timebank_entry", "timebank_posting"]


def create_triggers(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(
            "CREATE FUNCTION timebank_ledger_is_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'Ledger rows are never changed or deleted: record a correction instead.'; "
            "END; $$ LANGUAGE plpgsql"
        )
        for table in TABLES:
            run(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION timebank_ledger_is_append_only()"
            )
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            run(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} BEGIN "
                "SELECT RAISE(ABORT, 'Ledger rows are never changed: record a correction instead.'); END"
            )


def drop_triggers(apps, schema_editor):
    for table in TABLES:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS timebank_ledger_is_append_only()")


class Migration(migrations.Migration):
    dependencies = [("timebank", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
