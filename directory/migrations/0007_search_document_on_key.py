from django.db import migrations

from directory.fulltext import move_document_back, move_document_to_key


class Migration(migrations.Migration):
    """PostgreSQL: the words join the search facts on the search key, with a GiST index on the box
    around the venues (directory.fulltext). Nothing changes on SQLite."""

    dependencies = [("directory", "0006_oruk_round_trip")]

    operations = [migrations.RunPython(move_document_to_key, move_document_back)]
