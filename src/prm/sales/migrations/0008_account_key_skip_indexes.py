"""The conflict search by ends (``prm.sales.search.end_probes``) on PostgreSQL: indexes on the
account name key's length with the key past its first one or two characters, and with the
reversed key past its first one or two (the key without its last ones). Other databases:
nothing."""

from django.db import migrations


def forwards(apps, schema_editor):
    from prm.sales import search

    if schema_editor.connection.vendor == "postgresql":
        search.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("sales", "0007_account_key_levenshtein")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
