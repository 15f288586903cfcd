"""Exact look-up of names within two edits on PostgreSQL (``prm.sales.search``): indexes on
the account name key's length with the key and with its reverse replace the prefix indexes
of ``0005``. Other databases: nothing."""

from django.db import migrations


def forwards(apps, schema_editor):
    from prm.sales import search

    if schema_editor.connection.vendor == "postgresql":
        search.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("sales", "0005_account_key_pattern_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
