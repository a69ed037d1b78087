"""The full-text index: an FTS5 table on SQLite, a tsvector table with a GIN index on
PostgreSQL (see catalogue/search/schema.py).

The triggers that keep the index in sync are not created here: ``post_migrate`` creates
them after every ``migrate`` (and ``pre_migrate`` drops them), because SQLite cannot
rebuild a table for a later migration while triggers elsewhere refer to it."""

from django.db import migrations


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
    operations = [migrations.RunPython(forwards, backwards)]
