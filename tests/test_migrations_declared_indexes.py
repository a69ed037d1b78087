"""The indexes 0009/0010 created with raw SQL are declared in model state (0011), and the
SQL Django would generate for each declaration is the index the database has."""

import re

import pytest
from django.core.management import call_command
from django.db import connection

from catalogue.models import Citation, Document

DECLARED = {
    "document_unkeyed_checksum": Document,
    "document_date_seek_desc": Document,
    "citation_publication_number": Citation,
}


def declared(name):
    model = DECLARED[name]
    return model, next(index for index in model._meta.indexes if index.name == name)


def definition(name: str) -> str:
    """The database's own definition of index ``name``, with the name taken out and
    quoting and spacing normalised (PostgreSQL: ``pg_get_indexdef``; SQLite: the stored
    statement)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_indexdef(to_regclass(%s))", [name])
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name]
            )
        (sql,) = cursor.fetchone()
    sql = re.sub(r"\bIF NOT EXISTS\b", "", sql, flags=re.IGNORECASE).replace('"', "")
    sql = re.sub(rf"\b{re.escape(name)}\b", "<name>", sql)
    return re.sub(r"\s+", " ", re.sub(r"\(\s+|\s+\)", lambda m: m.group().strip(), sql)).strip()


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_the_generated_index_is_the_existing_one(db, name):
    model, index = declared(name)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = %s", [name]
            )
        else:
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = %s", [name])
        assert cursor.fetchone()[0] == 1, "the migration's RunSQL created it"
    existing = definition(name)

    twin = index.clone()
    twin.name = f"{name[:20]}_twin"
    # The statement AddIndex would run (the editor is not entered: SQLite refuses
    # inside the test's transaction, and only the SQL is needed).
    sql = str(twin.create_sql(model, connection.schema_editor()))
    with connection.cursor() as cursor:
        cursor.execute(sql)
    generated = definition(twin.name)

    assert generated.replace(twin.name, "<name>") == existing
    constraints = connection.introspection.get_constraints(
        cursor=connection.cursor(), table_name=model._meta.db_table
    )
    assert constraints[name]["columns"] == constraints[twin.name]["columns"]
    if connection.vendor == "postgresql":  # SQLite reads orders only from quoted SQL
        assert constraints[name]["orders"] == constraints[twin.name]["orders"]


def test_0011_only_changes_state():
    from importlib import import_module

    from django.db import migrations

    operations = import_module("catalogue.migrations.0011_declared_indexes").Migration.operations
    assert all(isinstance(op, migrations.SeparateDatabaseAndState) for op in operations)
    assert [op.database_operations for op in operations] == [[]]
    added = {op.index.name for op in operations[0].state_operations}
    assert added == set(DECLARED)


def test_model_state_matches_the_migrations(db, capsys):
    call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    assert "No changes detected" in capsys.readouterr().out
