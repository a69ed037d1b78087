"""Keep the search index (and the facet rows) right during an import without paying for
them per row.

The search index and the facet table are kept in sync by per-row triggers
(``catalogue.search.schema``, ``catalogue.search.facets``): right for single edits, but
an imported document inserts a dozen footnote, role and citation rows, and each would
re-tokenise the whole document, rewrite its facet row or renew the change stamp.

On SQLite a batch switches its own connection's triggers off
(``SQLITE_DBCONFIG_ENABLE_TRIGGER``, see ``triggers.py``) for the length of its write:
no schema change, so concurrent readers are unaffected, and no other connection can
write meanwhile. With no trigger compiled into its statements SQLite keeps no statement
journal for them either. The batch then indexes each written document once
(``get_backend().index_documents``), rebuilds those documents' facet rows and agent keys
set-based and renews the stamp once (``facets.refresh_documents``), and switches the
triggers back on before committing; they come back on when it fails too (the setting
is the connection's, not the transaction's; the rollback undoes the rest). Where the
switch is not available (and for ``OnceIndexer()`` users that rebuild everything
themselves, such as a restore) the search triggers are paused with a row in the pause
table instead, and the facet triggers stay live.

On PostgreSQL the batch disables the search triggers with ``ALTER TABLE … DISABLE
TRIGGER`` (a lock that blocks other writers, not readers, until the batch commits;
other sessions never see the triggers disabled) and re-enables them; the facet triggers
stay live. If the batch fails, the rollback restores the triggers with everything else.
"""

from contextlib import contextmanager

from django.db import connection

from catalogue.search import get_backend

from .triggers import set_triggers


class OnceIndexer:
    """Suspends the triggers on the first write and indexes on request.

    ``all_triggers``: on SQLite, switch every trigger of the connection off (the caller
    writes only what ``index`` is told about: documents, and agents that gained a name)
    rather than pausing the search triggers."""

    def __init__(self, *, all_triggers: bool = False):
        self.all_triggers = all_triggers
        self.suspended = False
        self.paused = False  # SQLite, search triggers paused by a row
        self.switched_off = False  # SQLite, all triggers off for this connection
        self.disabled: list[tuple[str, str]] = []  # PostgreSQL (table, trigger)
        self.documents: set[int] = set()

    def suspend(self):
        """Call before the first write of the transaction (not at all if none)."""
        from catalogue.search import facets, schema

        if self.suspended or not connection.in_atomic_block:
            return
        self.suspended = True
        if connection.vendor == "sqlite" and schema.is_installed(connection):
            if (
                self.all_triggers
                and facets.is_installed(connection)
                and set_triggers(connection.connection, False)
            ):
                self.switched_off = True
                _keep_guards(schema)
                return
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
        """Bring what the suspended triggers keep up to date and resume them."""
        from catalogue.search import facets, schema

        if not self.suspended:
            return
        if self.switched_off:
            try:
                facets.refresh_documents(connection, self.documents)
                _drop_guards(schema)
            finally:
                self.switch_on()
        elif self.paused:
            with connection.cursor() as cursor:
                schema.resume_sqlite_triggers(cursor)
        elif self.disabled:
            with connection.cursor() as cursor:
                _alter_triggers(cursor, self.disabled, "ENABLE")

    def switch_on(self):
        """The connection's triggers back on (SQLite; also when the batch failed: the
        rollback that follows removes the TEMP guards with the rest)."""
        if self.switched_off:
            self.switched_off = False
            if not set_triggers(connection.connection, True):
                raise RuntimeError("could not switch this connection's SQLite triggers back on")

    def index(self, document_ids, *, agent_ids=()):
        """Index these documents, and the names of agents that gained one. A new variant
        touches only its agent's row: documents carry agent keys, not variant names
        (see ``catalogue.search.schema``), so a prolific agent's thousands of documents
        are not re-indexed."""
        backend = get_backend()
        self.documents.update(document_ids)
        if document_ids:
            backend.index_documents(sorted(set(document_ids)))
        index_agents = getattr(backend, "index_agents", None)
        if agent_ids and index_agents is not None:
            index_agents(sorted(set(agent_ids)))


def _guard_name(name: str) -> str:
    return f"catalogue_import_guard_{name}"


def _keep_guards(schema):
    """Triggers the index needs even during a bulk write (``schema.SQLITE_GUARDS``: e.g.
    removing a row as indexed before its text changes) as TEMP copies: a connection with
    its triggers switched off still fires TEMP ones, and only it sees them."""
    with connection.cursor() as cursor:
        for name, event, table, body in schema.SQLITE_GUARDS:
            cursor.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS {_guard_name(name)} {event} "
                f"ON main.{table} BEGIN\n{body}\nEND"
            )


def _drop_guards(schema):
    with connection.cursor() as cursor:
        for name, *_ in schema.SQLITE_GUARDS:
            cursor.execute(f"DROP TRIGGER IF EXISTS temp.{_guard_name(name)}")


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
def index_once(*, all_triggers: bool = False):
    """Within a transaction: yield an ``OnceIndexer``; on leaving the block normally,
    bring the derived tables up to date and resume the triggers it suspended (on an
    exception the rollback restores the tables and the pause, and a connection whose
    triggers were switched off gets them back here)."""
    indexer = OnceIndexer(all_triggers=all_triggers)
    try:
        yield indexer
        indexer.restore()
    finally:
        indexer.switch_on()
