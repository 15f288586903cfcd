"""Trigram candidate search for conflict detection (``prm.sales.search``).

PostgreSQL: the pg_trgm extension and GIN trigram indexes on the account name and alias keys.
SQLite: an FTS5 table with the trigram tokenizer, kept in step with ``sales_account`` by
triggers. Other databases: nothing (the search falls back to name-key prefixes).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from prm.sales import search

    search.install(schema_editor)


def backwards(apps, schema_editor):
    from prm.sales import search

    search.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("sales", "0002_reference_data")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
