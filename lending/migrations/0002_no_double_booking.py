"""On PostgreSQL, the database itself refuses two active reservations of one item whose days
overlap (an exclusion constraint on the item and the date range, needing btree_gist). SQLite has
no such constraint: there the reservation service takes the write lock before checking."""

from django.db import migrations


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE lending_reservation ADD CONSTRAINT reservation_no_double_booking "
        "EXCLUDE USING gist (item_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) "
        "WHERE (status IN ('reserved', 'out'))"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE lending_reservation DROP CONSTRAINT IF EXISTS reservation_no_double_booking"
        )


class Migration(migrations.Migration):
    dependencies = [("lending", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
