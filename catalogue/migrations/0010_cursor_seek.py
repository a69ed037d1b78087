"""The API's ``-date`` order as one direction, so a keyset page seeks with one
row-value comparison: ``(date IS NOT NULL, date, time IS NOT NULL, time, id)``, read
backwards (see catalogue/api/pagination.py). ``document_date_order_desc`` (0006) holds
the same order with mixed directions, which a row value cannot seek; the public site's
date sort still uses it.

Plain SQL (the same on SQLite and PostgreSQL) because the Document model's index list
belongs to another concern; ANALYZE so SQLite's planner weighs the new index."""

from django.db import migrations

CREATE = (
    "CREATE INDEX document_date_seek_desc ON catalogue_document "
    '(("date" IS NOT NULL), "date", ("time" IS NOT NULL), "time", "id")'
)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0009_import_indexing")]

    operations = [
        migrations.RunSQL(CREATE, reverse_sql="DROP INDEX document_date_seek_desc"),
        migrations.RunSQL("ANALYZE catalogue_document", reverse_sql=migrations.RunSQL.noop),
    ]
