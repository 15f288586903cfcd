"""A lead assignment's explanation is written in every language of the site
(``prm.core.translated``); one written before, in a single language, is kept as it is for
every reader (under the site's language, the fallback)."""

from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    Assignment = apps.get_model("leads", "LeadAssignment")
    rows = Assignment.objects.exclude(explanation="").only("explanation")
    changed = []
    for assignment in rows.iterator(chunk_size=1000):
        assignment.texts = {settings.LANGUAGE_CODE: assignment.explanation}
        changed.append(assignment)
    Assignment.objects.bulk_update(changed, ["texts"], batch_size=1000)


def backwards(apps, schema_editor):
    Assignment = apps.get_model("leads", "LeadAssignment")
    changed = []
    for assignment in Assignment.objects.only("texts").iterator(chunk_size=1000):
        texts = assignment.texts or {}
        assignment.explanation = texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), "")
        changed.append(assignment)
    Assignment.objects.bulk_update(changed, ["explanation"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="leadassignment",
            name="texts",
            field=models.JSONField(blank=True, default=dict, verbose_name="explanation"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="leadassignment", name="explanation"),
        migrations.RenameField(
            model_name="leadassignment", old_name="texts", new_name="explanation"
        ),
    ]
