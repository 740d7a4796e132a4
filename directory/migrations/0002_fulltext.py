from django.db import migrations

from directory.fulltext import create_index_table, drop_index_table


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create_index_table, drop_index_table)]
