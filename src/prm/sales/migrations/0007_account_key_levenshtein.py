"""The conflict search of keys allowing three edits filters its look-ups by Levenshtein
distance (``prm.sales.search``): PostgreSQL's ``fuzzystrmatch`` extension, a trusted
contrib extension like ``pg_trgm``. Other databases: nothing."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")


class Migration(migrations.Migration):
    dependencies = [("sales", "0006_account_key_length_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
