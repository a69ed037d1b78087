"""The full-text index: an FTS5 table on SQLite, a tsvector table with a GIN index on
PostgreSQL, and the triggers that keep either in sync (see catalogue/search/schema.py).

The DDL lives in ``catalogue.search.schema`` because ``post_migrate`` re-installs it
(idempotently) after every migrate; a later change to the index adds a migration step
that calls ``install()`` again."""

from django.db import migrations


def forwards(apps, schema_editor):
    from catalogue.search import schema

    if schema.install(schema_editor.connection):
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
