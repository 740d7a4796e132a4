"""An erasure clears the memo of a member's ledger entries (it repeats an exchange's
description); everything else about an entry, and every posting, stays unchangeable."""

from django.db import migrations

LOCKED_COLUMNS = "id, ledger_id, kind, recorded_at, recorded_by_id, reverses_id"


def memo_may_change(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run("DROP TRIGGER IF EXISTS timebank_entry_append_only ON timebank_entry")
        run(
            f"CREATE TRIGGER timebank_entry_append_only BEFORE UPDATE OF {LOCKED_COLUMNS} OR DELETE "
            "ON timebank_entry FOR EACH ROW EXECUTE FUNCTION timebank_ledger_is_append_only()"
        )
    elif schema_editor.connection.vendor == "sqlite":
        run("DROP TRIGGER IF EXISTS timebank_entry_append_only")
        run(
            f"CREATE TRIGGER timebank_entry_append_only BEFORE UPDATE OF {LOCKED_COLUMNS} ON timebank_entry "
            "BEGIN SELECT RAISE(ABORT, 'Ledger rows are never changed: record a correction instead.'); END"
        )


def nothing_may_change(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run("DROP TRIGGER IF EXISTS timebank_entry_append_only ON timebank_entry")
        run(
            "CREATE TRIGGER timebank_entry_append_only BEFORE UPDATE OR DELETE ON timebank_entry "
            "FOR EACH ROW EXECUTE FUNCTION timebank_ledger_is_append_only()"
        )
    elif schema_editor.connection.vendor == "sqlite":
        run("DROP TRIGGER IF EXISTS timebank_entry_append_only")
        run(
            "CREATE TRIGGER timebank_entry_append_only BEFORE UPDATE ON timebank_entry BEGIN "
            "SELECT RAISE(ABORT, 'Ledger rows are never changed: record a correction instead.'); END"
        )


class Migration(migrations.Migration):
    dependencies = [("timebank", "0004_time_credits")]

    operations = [migrations.RunPython(memo_may_change, nothing_may_change)]
