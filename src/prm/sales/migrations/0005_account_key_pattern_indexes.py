"""Exact look-up of names within one edit on PostgreSQL (``prm.sales.search``): prefix
indexes on the account name key and on its reverse. Other databases: nothing."""

from django.db import migrations


def forwards(apps, schema_editor):
    from prm.sales import search

    if schema_editor.connection.vendor == "postgresql":
        search.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("sales", "0004_deal_activity_shared")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
