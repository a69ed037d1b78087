"""A byte-order index on units' ``tree_path`` for PostgreSQL.

Subtree queries compare ``tree_path`` ranges ``COLLATE "C"`` (a locale collation ignores
the slashes, so ``/1/`` would sort beside ``/12/``). PostgreSQL uses an index only when
its collation matches the comparison's, and the column's own index has the database's
default collation: every subtree lookup scanned the whole units table (once per child
unit on the unit page). SQLite compares bytes already, and its ``tree_path`` index
serves the same ranges, so this is PostgreSQL only. Not in model state: Django cannot
declare a collated expression index that SQLite would accept (``COLLATE "C"`` does not
exist there); ``ArchivalUnit.Meta`` says where it lives."""

from django.db import migrations

CREATE = 'CREATE INDEX unit_tree_path_c ON catalogue_archivalunit ((tree_path COLLATE "C"))'
DROP = "DROP INDEX IF EXISTS unit_tree_path_c"


class PostgreSQLOnlySQL(migrations.RunSQL):
    """``RunSQL`` that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0011_declared_indexes")]

    operations = [
        PostgreSQLOnlySQL(CREATE, reverse_sql=DROP),
        PostgreSQLOnlySQL("ANALYZE catalogue_archivalunit", reverse_sql=migrations.RunSQL.noop),
    ]
