"""The search change stamp on PostgreSQL, with real concurrent connections: a writer
never waits for another writer's open transaction (the stamp row is locked only at
commit), and cached facet counts still never outlive a committed change nor leak a
transaction's uncommitted state to other readers."""

import datetime
import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction

from catalogue.models import Document, PublicationStatus
from catalogue.search import facets as engine_module
from catalogue.search import facets_pg
from tests.factories import DocumentFactory
from tests.search.test_facet_engine import (  # noqa: F401 (corpus: a fixture)
    corpus,
    facet_counts,
    make,
    states,
)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers"),
    pytest.mark.django_db(transaction=True),
]

ALL = "q=&sort=date"


def stamp():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {engine_module.STAMP_TABLE} WHERE id = 1")
        return cursor.fetchone()[0]


def elsewhere(function):
    """Run ``function`` on another thread, hence another database connection."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as error:  # re-raised on the test's thread
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the other connection hung"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def engine_and_general(state=ALL):
    fast, general = make(state), make(state, engine=False)
    return (fast.count(), facet_counts(fast)), (general.count(), facet_counts(general))


def new_document(c):
    return DocumentFactory(
        title="Imported in a long batch",
        text="quarantine and missiles in an import batch.",
        doc_type=c["types"][1],
        classification=c["levels"][0],
        unit=c["units"][1],
        date=datetime.date(1962, 10, 27),
        date_precision="day",
        status=PublicationStatus.PUBLISHED,
    )


def test_a_writer_commits_while_another_transaction_is_open(corpus):  # noqa: F811
    before = stamp()
    total = make(ALL, engine=False).count()
    draft = Document.objects.filter(status=PublicationStatus.DRAFT).order_by("pk").first()

    def writer_b():
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Blocking on A would fail here in 2 s instead of hanging.
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            Document.objects.filter(pk=draft.pk).update(
                status=PublicationStatus.PUBLISHED, classification=corpus["levels"][2]
            )
        return stamp()

    with transaction.atomic():
        new_document(corpus)  # writer A: an import batch, not committed
        inside, general = engine_and_general()
        assert inside == general  # A's own reads see (and cache) A's state
        assert inside[0] == total + 1
        after_b = elsewhere(writer_b)
        assert after_b != before
        # A reader between the commits: B's change, not A's — despite A's cached counts.
        between, general = elsewhere(engine_and_general)
        assert between == general
        assert between[0] == total + 1
        assert inside != between
    after_a = stamp()
    assert after_a not in (before, after_b)
    assert make(ALL, engine=False).count() == total + 2
    for state in states(corpus):  # noqa: F811
        fast, general = engine_and_general(state)
        assert fast == general, state


def test_open_and_rolled_back_writes_never_reach_other_readers(corpus):  # noqa: F811
    before = stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        new_document(corpus)
        cached, _ = engine_and_general()
        assert stamp() != before  # A's token: A never caches under the committed stamp
        assert elsewhere(stamp) == before
        outside, general = elsewhere(engine_and_general)
        assert outside == general
        assert outside != cached
        raise RuntimeError("roll back")
    assert stamp() == before
    fast, general = engine_and_general()
    assert fast == general == outside


def test_each_write_statement_in_a_transaction_gets_a_new_token(corpus):  # noqa: F811
    before = stamp()
    with transaction.atomic():
        new_document(corpus)
        first = stamp()
        fast, general = engine_and_general()
        assert fast == general
        Document.objects.filter(title="Imported in a long batch").update(
            classification=corpus["levels"][1]
        )
        last = stamp()
        fast, general = engine_and_general()
        assert fast == general
    # The commit publishes the last token, under which the final state was counted.
    assert len({before, first, last}) == 3
    assert stamp() == last
    fast, general = engine_and_general()
    assert fast == general


def test_truncate_bumps_the_stamp(corpus):  # noqa: F811
    cached, _ = engine_and_general()
    assert cached[1]["subject"]
    before = stamp()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE catalogue_document_subjects")
    assert stamp() != before
    fast, general = engine_and_general()
    assert fast == general
    assert not fast[1]["subject"]


def test_migrate_replaces_the_locking_statement_triggers(corpus):  # noqa: F811
    """A database installed before: the stamp a table, bumped by statement triggers."""
    engine_module.drop_facet_triggers(sender=None, using="default")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP VIEW {facets_pg.STAMP_TABLE}")
        cursor.execute(
            f"CREATE TABLE {facets_pg.STAMP_TABLE} (id integer PRIMARY KEY, value bigint)"
        )
        cursor.execute(f"INSERT INTO {facets_pg.STAMP_TABLE} VALUES (1, 7)")
        cursor.execute(
            "CREATE FUNCTION catalogue_search_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN UPDATE {facets_pg.STAMP_TABLE} SET value = value + 1; RETURN NULL; END $$"
        )
        for table in facets_pg.STAMPED_TABLES:
            cursor.execute(
                f"CREATE TRIGGER catalogue_facets_stamp_{table.removeprefix('catalogue_')} "
                f"BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_search_bump()"
            )
    engine_module.ensure_facet_table(sender=None, using="default", plan=[])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [facets_pg.STAMP_TABLE]
        )
        assert cursor.fetchone()[0] == "v"
        cursor.execute(
            "SELECT c.relname, t.tgname, t.tgconstraint <> 0, t.tgdeferrable, t.tginitdeferred "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE p.proname IN ('catalogue_search_stamp_statement', "
            "'catalogue_search_stamp_commit')"
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'catalogue_search_bump'")
        assert cursor.fetchone()[0] == 0
    deferred = {table for table, _, constraint, *flags in rows if constraint and all(flags)}
    assert deferred == set(facets_pg.STAMPED_TABLES)
    assert len(rows) == 2 * len(facets_pg.STAMPED_TABLES)
    # And the replaced schema no longer makes a writer wait.
    cache.clear()
    test_a_writer_commits_while_another_transaction_is_open(corpus)
