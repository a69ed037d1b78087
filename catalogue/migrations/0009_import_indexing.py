"""Imports into a large catalogue: the agent-name search index, and two lookup indexes.

* The search index is re-created in its new shape (see catalogue/search/schema.py):
  documents carry agent keys instead of their agents' variant names, and agents' names
  get their own index. The tables are dropped and created empty here; ``post_migrate``
  fills them (it rebuilds the index whenever a migration ran) and re-creates the
  triggers.
* ``document_unkeyed_checksum``: the importer recognises a hand-described record (no
  identity key) by the checksum of its file; without it, that lookup read every document.
* ``citation_publication_number``: the importer links "printed as Document 102" to the
  catalogued document through its FRUS citation; the index on publication alone made
  that lookup read every FRUS citation (one per document).

The two indexes are plain SQL (the same on SQLite and PostgreSQL) rather than model
``Meta.indexes``: one is partial on a condition the importer states explicitly, and the
models are not this migration's to change.
"""

from django.db import migrations


def recreate_search_tables(apps, schema_editor):
    from catalogue.search import schema

    connection = schema_editor.connection
    if schema.is_installed(connection):
        schema.uninstall(connection)
    schema.install(connection, triggers=False)


INDEXES = [
    (
        "document_unkeyed_checksum",
        "catalogue_document (source_checksum) WHERE identity_key = ''",
    ),
    ("citation_publication_number", "catalogue_citation (publication_id, document_number)"),
]


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0008_page_performance")]

    operations = [
        migrations.RunPython(recreate_search_tables, migrations.RunPython.noop),
        *(
            migrations.RunSQL(
                f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
                f"DROP INDEX IF EXISTS {name}",
            )
            for name, definition in INDEXES
        ),
    ]
