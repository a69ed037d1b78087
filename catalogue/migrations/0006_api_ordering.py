"""Indexes for the API's date orders, undated and untimed documents last in either
direction: ``(date IS NULL, date, time IS NULL, time, id)`` ascending and its
descending twin, so a page at 100,000 documents is an index walk, not a sort.

Then ANALYZE the table: without statistics SQLite's planner takes any equality index
(``status = 'published'``, nine rows in ten) over these and sorts the whole table.
PostgreSQL's autovacuum would get there on its own; running it is harmless."""

import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_integrity")]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                django.db.models.lookups.IsNull(models.F("date"), True),
                models.F("date"),
                django.db.models.lookups.IsNull(models.F("time"), True),
                models.F("time"),
                models.F("id"),
                name="document_date_order",
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                django.db.models.lookups.IsNull(models.F("date"), True),
                models.OrderBy(models.F("date"), descending=True),
                django.db.models.lookups.IsNull(models.F("time"), True),
                models.OrderBy(models.F("time"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="document_date_order_desc",
            ),
        ),
        migrations.RunSQL("ANALYZE catalogue_document", reverse_sql=migrations.RunSQL.noop),
    ]
