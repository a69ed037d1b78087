"""Keep the search index right during an import without paying for it per row.

The search index is kept in sync by per-row triggers (``catalogue.search.schema``):
right for single edits, but an imported document inserts a dozen footnote and role
rows, and each would re-tokenise the whole document. On SQLite the batch therefore
pauses the triggers inside its own write transaction (a row in the pause table, which
the triggers test: no schema change, so concurrent readers are unaffected, and no other
connection can write meanwhile), indexes each written document once through
``get_backend().index_documents``, and deletes the row before committing. On PostgreSQL the batch disables the same triggers with ``ALTER
TABLE … DISABLE TRIGGER`` (a lock that blocks other writers, not readers, until the
batch commits; other sessions never see the triggers disabled) and re-enables them.
If the batch fails, the rollback restores the triggers with everything else.
"""

from contextlib import contextmanager

from django.db import connection

from catalogue.search import get_backend


class OnceIndexer:
    """Collects nothing; suspends triggers on first write and indexes on request."""

    def __init__(self):
        self.suspended = False
        self.paused = False  # SQLite
        self.disabled: list[tuple[str, str]] = []  # PostgreSQL (table, trigger)

    def suspend(self):
        """Call before the first write of the transaction (not at all if none)."""
        from catalogue.search import schema

        if self.suspended or not connection.in_atomic_block:
            return
        self.suspended = True
        if connection.vendor == "sqlite" and schema.is_installed(connection):
            with connection.cursor() as cursor:
                schema.pause_sqlite_triggers(cursor)
            self.paused = True
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT c.relname, t.tgname FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE t.tgname LIKE 'catalogue\\_search\\_%%' AND t.tgenabled <> 'D' "
                    "AND NOT t.tgisinternal AND c.relname = ANY(%s)",
                    [list(SUSPENDED_TABLES)],
                )
                self.disabled = cursor.fetchall()
                _alter_triggers(cursor, self.disabled, "DISABLE")

    def restore(self):
        from catalogue.search import schema

        if not self.suspended:
            return
        if self.paused:
            with connection.cursor() as cursor:
                schema.resume_sqlite_triggers(cursor)
        elif self.disabled:
            with connection.cursor() as cursor:
                _alter_triggers(cursor, self.disabled, "ENABLE")

    def index(self, document_ids, *, agent_ids=()):
        """Index these documents, and the names of agents that gained one. A new variant
        touches only its agent's row: documents carry agent keys, not variant names
        (see ``catalogue.search.schema``), so a prolific agent's thousands of documents
        are not re-indexed."""
        backend = get_backend()
        if document_ids:
            backend.index_documents(sorted(set(document_ids)))
        index_agents = getattr(backend, "index_agents", None)
        if agent_ids and index_agents is not None:
            index_agents(sorted(set(agent_ids)))


def _alter_triggers(cursor, triggers, action: str):
    """ALTER TABLE refuses while deferred foreign-key checks are pending: run them now
    (they hold for rows just written) and defer again afterwards, as Django's are."""
    if not triggers:
        return
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, trigger in triggers:
        cursor.execute(f'ALTER TABLE "{table}" {action} TRIGGER "{trigger}"')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# Row-level index triggers on the tables an import writes (not the TRUNCATE trigger).
SUSPENDED_TABLES = (
    "catalogue_document",
    "catalogue_footnote",
    "catalogue_documentagent",
    "catalogue_agentname",
)


@contextmanager
def index_once():
    """Within a transaction: yield an ``OnceIndexer``; on leaving the block normally,
    re-create any triggers it suspended (on an exception the rollback does)."""
    indexer = OnceIndexer()
    yield indexer
    indexer.restore()
