"""The full-text index: an FTS5 table on SQLite, a tsvector table with a GIN index on
PostgreSQL (see catalogue/search/schema.py).

The triggers that keep the index in sync are not created here: ``post_migrate`` creates
them after every ``migrate`` (and ``pre_migrate`` drops them), because SQLite cannot
rebuild a table for a later migration while triggers elsewhere refer to it."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

import catalogue.search.models


def forwards(apps, schema_editor):
    from catalogue.search import schema

    if schema.install(schema_editor.connection, triggers=False):
        with schema_editor.connection.cursor() as cursor:
            if schema_editor.connection.vendor == "sqlite":
                cursor.execute(schema.sqlite_refresh("1 = 1").split(";\n")[1].rstrip(";"))
            else:
                cursor.execute(
                    "SELECT catalogue_search_refresh(ARRAY(SELECT id FROM catalogue_document))"
                )


def backwards(apps, schema_editor):
    from catalogue.search import schema

    schema.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_vocabulary")]
    operations = [
        migrations.CreateModel(
            name="DocumentSearchEntry",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="catalogue.document",
                    ),
                ),
                (
                    "fts",
                    catalogue.search.models.FTSMatchField(
                        db_column="catalogue_document_search", editable=False
                    ),
                ),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
            ],
            options={
                "db_table": "catalogue_document_search",
                "managed": False,
                "default_permissions": (),
                "base_manager_name": "objects",
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
