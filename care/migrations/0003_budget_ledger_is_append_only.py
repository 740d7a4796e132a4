"""The database itself refuses to change a personal budget's ledger entry, whatever the code does.

What an entry moved, where, when and by whom never changes; only its reason and evidence
reference may be cleared (an erasure). PostgreSQL also refuses deleting entries row by row; SQLite
refuses updates only: Django's test flush empties tables with DELETE."""

from django.db import migrations

LOCKED_COLUMNS = (
    "id, budget_id, line_id, kind, amount_pence, hours, occurred_on, recorded_at, recorded_by_id, reverses_id"
)
MESSAGE = "Budget ledger entries are never changed: record a correction instead."


def create_triggers(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(
            "CREATE FUNCTION care_budget_ledger_is_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        run(
            f"CREATE TRIGGER care_ledgerentry_append_only BEFORE UPDATE OF {LOCKED_COLUMNS} OR DELETE "
            "ON care_ledgerentry FOR EACH ROW EXECUTE FUNCTION care_budget_ledger_is_append_only()"
        )
    elif schema_editor.connection.vendor == "sqlite":
        run(
            f"CREATE TRIGGER care_ledgerentry_append_only BEFORE UPDATE OF {LOCKED_COLUMNS} ON care_ledgerentry "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS care_ledgerentry_append_only ON care_ledgerentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS care_budget_ledger_is_append_only()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS care_ledgerentry_append_only")


class Migration(migrations.Migration):
    dependencies = [("care", "0002_personal_budgets")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
