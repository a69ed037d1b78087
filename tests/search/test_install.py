"""post_migrate rebuilds the derived search tables only when it must (catalogue/search/install.py).

A rebuild is observed through a *sentinel*: an index row and a facet row altered behind
the triggers' back. A rebuild rewrites both from the documents; a run that only
re-installs the triggers leaves them as they were (the row counts still agree).
"""

import pytest
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from catalogue.search import facets, get_backend, install, schema
from tests.factories import AgentFactory, DocumentFactory

SENTINEL = "zzsentinel"

pytestmark = pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"), reason="search triggers"
)


@pytest.fixture
def documents(db):
    return [DocumentFactory(title=f"Telegram {n}", text="quarantine") for n in range(3)]


def plant_sentinels(document):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"UPDATE {schema.FTS_TABLE} SET title = %s WHERE rowid = %s",
                [SENTINEL, document.pk],
            )
        else:
            cursor.execute(
                f"UPDATE {schema.PG_TABLE} SET title = %s, vector = to_tsvector(%s) "
                "WHERE rowid = %s",
                [SENTINEL, SENTINEL, document.pk],
            )
        cursor.execute(
            f"UPDATE {facets.FACETS_TABLE} SET status = %s WHERE document_id = %s",
            [SENTINEL, document.pk],
        )


def sentinels(document) -> tuple[bool, bool]:
    """(index row still altered, facet row still altered)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The index holds the sentinel's tokens; its texts are read from the catalogue.
            cursor.execute(
                f"SELECT count(*) FROM {schema.FTS_TABLE} "
                f"WHERE {schema.FTS_TABLE} MATCH %s AND rowid = %s",
                [f"title:{SENTINEL}", document.pk],
            )
            title = SENTINEL if cursor.fetchone()[0] else None
        else:
            cursor.execute(f"SELECT title FROM {schema.PG_TABLE} WHERE rowid = %s", [document.pk])
            (title,) = cursor.fetchone()
        cursor.execute(
            f"SELECT status FROM {facets.FACETS_TABLE} WHERE document_id = %s", [document.pk]
        )
        (status,) = cursor.fetchone()
    return title == SENTINEL, status == SENTINEL


def migrate_with(plan):
    """What ``migrate`` does around its plan: every pre_migrate, then every post_migrate
    handler of every app (the catalogue's among them)."""
    emit_pre_migrate_signal(0, False, "default", plan=plan)
    emit_post_migrate_signal(0, False, "default", plan=plan)


def catalogue_migration(name):
    return MigrationLoader(connection).get_migration("catalogue", name)


def found(word) -> set[int]:
    from catalogue.models import Document

    return set(get_backend().filter(Document.objects.all(), word).values_list("pk", flat=True))


def test_an_unrelated_migration_does_not_rebuild(documents):
    plan = [
        (catalogue_migration("0011_declared_indexes"), False),  # state only
        (catalogue_migration("0010_cursor_seek"), False),  # CREATE INDEX, ANALYZE
        (catalogue_migration("0006_api_ordering"), False),
    ]
    assert not install.plan_may_write(plan)
    plant_sentinels(documents[0])

    migrate_with(plan)

    assert sentinels(documents[0]) == (True, True)
    # The triggers are back all the same.
    later = DocumentFactory(title="Whiskey", text="xray")
    assert found("whiskey") == {later.pk}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status FROM {facets.FACETS_TABLE} WHERE document_id = %s", [later.pk]
        )
        assert cursor.fetchone()[0] == later.status


def test_an_empty_plan_does_not_rebuild(documents):
    plant_sentinels(documents[1])
    migrate_with([])
    assert sentinels(documents[1]) == (True, True)


def test_a_data_migration_rebuilds(documents):
    plan = [(catalogue_migration("0009_import_indexing"), False)]  # RunPython
    assert install.plan_may_write(plan)
    plant_sentinels(documents[0])
    migrate_with(plan)
    assert sentinels(documents[0]) == (False, False)
    assert found("telegram") == {d.pk for d in documents}


@pytest.mark.parametrize("index", ["search", "facets"])
def test_a_changed_shape_rebuilds_that_index(documents, index):
    plant_sentinels(documents[2])
    version = (schema if index == "search" else facets).shape_version(connection)
    assert install.recorded_version(connection, index) == version
    install.record_version(connection, index, "older-shape")

    migrate_with([])

    expected = (index != "search", index != "facets")
    assert sentinels(documents[2]) == expected
    assert install.recorded_version(connection, index) == version


def test_a_fresh_database_gets_a_full_index(documents):
    agent = AgentFactory(authorised_name="Zorin")
    facets.drop_triggers(connection)
    schema.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {facets.FACETS_TABLE}")
        cursor.execute(f"DELETE FROM {install.VERSION_TABLE}")

    migrate_with([])

    assert get_backend().indexed_count() == len(documents)
    assert schema.indexed_agents(connection) >= 1
    assert found("telegram") == {d.pk for d in documents}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {facets.FACETS_TABLE}")
        assert cursor.fetchone()[0] == len(documents)
        cursor.execute(f"SELECT count(*) FROM {schema.AGENT_TABLE} WHERE rowid = %s", [agent.pk])
        assert cursor.fetchone()[0] == 1
    assert install.recorded_version(connection, "search") == schema.shape_version(connection)
    assert install.recorded_version(connection, "facets") == facets.shape_version(connection)


def test_rows_lost_while_the_triggers_were_away_are_restored(documents):
    """The repair net: counts that disagree rebuild even with nothing in the plan."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {facets.FACETS_TABLE} WHERE document_id = %s", [documents[0].pk]
        )
        cursor.execute(f"DELETE FROM {schema.FTS_TABLE} WHERE rowid = %s", [documents[0].pk])
    migrate_with([])
    assert found("telegram") == {d.pk for d in documents}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {facets.FACETS_TABLE}")
        assert cursor.fetchone()[0] == len(documents)


def _migration(*operations):
    migration = migrations.Migration("9999_example", "catalogue")
    migration.operations = list(operations)
    return migration


def _write(apps, schema_editor):
    pass


@pytest.mark.parametrize(
    ("operation", "backwards", "writes"),
    [
        (migrations.AddField("document", "extra", models.IntegerField(default=0)), False, False),
        (migrations.AddIndex("document", models.Index(fields=["title"], name="t")), False, False),
        (migrations.RunSQL("CREATE INDEX x ON catalogue_document (title)"), False, False),
        (migrations.RunSQL("UPDATE catalogue_document SET title = ''"), False, True),
        (migrations.RunSQL([("DELETE FROM catalogue_footnote WHERE id = %s", [1])]), False, True),
        (migrations.RunSQL("SELECT 1", reverse_sql="DELETE FROM catalogue_agent"), True, True),
        (migrations.RunSQL("DELETE FROM catalogue_agent", migrations.RunSQL.noop), True, False),
        (migrations.RunPython(_write), False, True),
        (migrations.RunPython(migrations.RunPython.noop, _write), False, False),
        (migrations.RunPython(migrations.RunPython.noop, _write), True, True),
        (
            migrations.SeparateDatabaseAndState(
                state_operations=[migrations.RunPython(_write)],
                database_operations=[migrations.RunSQL("CREATE INDEX y ON t (c)")],
            ),
            False,
            False,
        ),
        (
            migrations.SeparateDatabaseAndState(
                database_operations=[migrations.RunSQL("INSERT INTO t VALUES (1)")]
            ),
            False,
            True,
        ),
    ],
)
def test_which_operations_may_write(operation, backwards, writes):
    assert install.plan_may_write([(_migration(operation), backwards)]) is writes


def test_other_apps_migrations_and_unknown_plans():
    other = migrations.Migration("0001_initial", "auth")
    other.operations = [migrations.RunPython(_write)]
    assert install.plan_may_write([(other, False)]) is False
    assert install.plan_may_write(None) is False
    assert install.plan_may_write([("catalogue", "0009_import_indexing")]) is True
