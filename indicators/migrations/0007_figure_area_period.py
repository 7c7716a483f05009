"""An index of figures by area and period (issue 15): a dashboard rebuild reads the
authority's figures of its trend windows and its comparators' members' figures of a period or
two; without it PostgreSQL combined the area index with the period index's 400,000 entries
(35-80 ms a read instead of 1-10)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0006_outbox"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="figure",
            index=models.Index(fields=["area", "period"], name="figure_area_period"),
        ),
    ]
