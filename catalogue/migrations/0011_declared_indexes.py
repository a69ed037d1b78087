"""Declare in model state the indexes 0009 and 0010 created with raw SQL.

Why: indexes Django does not know about are invisible to ``makemigrations`` (a later
change to the same fields could not drop or rename them), to ``sqlmigrate`` and to
anyone reading ``Meta.indexes``. All three can be expressed as ``models.Index`` and
Django's SQL for them is the SQL that created them (same names, columns, order and
condition on SQLite and PostgreSQL; ``tests/test_migrations_declared_indexes.py``
compares them), so this migration only updates the state: the database already has
them and is not touched.

* ``document_unkeyed_checksum`` (0009): ``(source_checksum) WHERE identity_key = ''``;
* ``citation_publication_number`` (0009): ``(publication_id, document_number)``;
* ``document_date_seek_desc`` (0010):
  ``(("date" IS NOT NULL), "date", ("time" IS NOT NULL), "time", "id")``.
"""

import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0010_cursor_seek")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="citation",
                    index=models.Index(
                        fields=["publication", "document_number"],
                        name="citation_publication_number",
                    ),
                ),
                migrations.AddIndex(
                    model_name="document",
                    index=models.Index(
                        condition=models.Q(("identity_key", "")),
                        fields=["source_checksum"],
                        name="document_unkeyed_checksum",
                    ),
                ),
                migrations.AddIndex(
                    model_name="document",
                    index=models.Index(
                        django.db.models.lookups.IsNull(models.F("date"), False),
                        models.F("date"),
                        django.db.models.lookups.IsNull(models.F("time"), False),
                        models.F("time"),
                        models.F("id"),
                        name="document_date_seek_desc",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
