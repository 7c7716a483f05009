"""Batch changes remember the version a batch left each figure at, not its whole state: a
rollback compares versions, which a million-figure import can record cheaply. Their figure
reference has no database constraint, which would check each of a million rows again."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

COMPARED = ("value", "numerator", "denominator", "suppression", "status")


def _same(figure, after):
    for name in COMPARED:
        kept, now = after.get(name), getattr(figure, name)
        if name in ("value", "numerator", "denominator") and kept is not None:
            kept = Decimal(kept)
        if kept != now:
            return False
    return True


def versions_from_states(apps, schema_editor):
    """A figure that still holds what its batch wrote gets its current version; one changed
    since gets 0, which no figure has, so its rollback stays refused as before."""
    BatchChange = apps.get_model("returns", "BatchChange")
    for change in BatchChange.objects.select_related("figure").iterator(chunk_size=2000):
        figure = change.figure
        change.version = figure.version if figure and _same(figure, change.after) else 0
        change.save(update_fields=["version"])


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_data_entry"),
        ("returns", "0003_batch_working_statuses"),
    ]

    operations = [
        migrations.AddField(
            model_name="batchchange",
            name="version",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(versions_from_states, migrations.RunPython.noop),
        migrations.RemoveField(model_name="batchchange", name="after"),
        migrations.AlterField(
            model_name="batchchange",
            name="figure",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="indicators.figure",
            ),
        ),
    ]
