"""SQLite: the full-text index gains each listing's place words (directory.fulltext), so a search
by words and place is one intersection in the index. PostgreSQL is unchanged."""

from django.db import migrations

from directory.fulltext import add_place_words, remove_place_words


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0008_service_name_id_index"),
    ]

    operations = [migrations.RunPython(add_place_words, remove_place_words)]
