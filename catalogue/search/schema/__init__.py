"""The search index's tables and the triggers that keep them in sync.

Why triggers: the index covers the document's own columns *and* rows of other tables
(footnotes, agent roles, agents' names). Admin inlines, the API, the importer,
``loaddata``, ``QuerySet.update()`` and ``bulk_create`` all write those tables, and only
the database sees every one of those writes. A trigger also commits or rolls back with
the write that caused it, so the index can never describe a state that did not happen.

Two indexes: one row per document, and one row per agent with all its names
(authorised and every recorded variant). A document's row carries the authorised names
and names as written of its agents plus one *agent key* per agent (``AGENT_MARK`` + id,
a token no visitor can type: ``query.py`` turns private-use characters into spaces).
A search expands each clause with the keys of agents whose names match it (see
``sqlite.match_sql`` and ``postgres.search_query``), so a document is found by any
variant of its agents' names while a new variant rewrites one agent row, not the
thousands of rows of a prolific agent's documents (that made imports into a 100,000-
document catalogue ~50 times slower). Renaming an agent still re-indexes its documents
(their rows carry the authorised name, for snippets and ranking); imports never rename.

Triggers live only *between* migrations: ``pre_migrate`` drops them and ``post_migrate``
re-creates them (and rebuilds the index only when needed: ``install.py``). SQLite rebuilds a table
to alter it (create, copy, drop, rename) and refuses the rename while a trigger elsewhere
names the dropped table; and a rebuilt table loses its own triggers. Migration 0003
creates only the document index table; 0009 re-creates both tables in this shape.

SQLite: FTS5 tables ``catalogue_document_search`` (rowid = document id; the agent keys
in a fifth column, weighted like the agents' names; external content: the texts are
read back from ``catalogue_document_search_source``, see ``SQLITE_TABLE``) and
``catalogue_agent_search`` (rowid = agent id). The view, like the triggers, exists
only between migrations.
PostgreSQL: plain tables of the same names keyed by ``rowid``, with the texts and a
weighted ``tsvector`` under a GIN index (the agent keys are lexemes of the document's
vector only, not of its texts); a TRUNCATE trigger empties the document index with the
documents.

Modules: ``texts`` (the shared names and the text-gathering SQL), ``fts5`` (SQLite),
``tsvector`` (PostgreSQL); this one picks the vendor's side and re-exports both.
"""

from .fts5 import (
    _AGENT_DOCS,
    _COLUMNS,
    _NOT_PAUSED,
    _TOKENIZE,
    SOURCE_VIEW,
    SQLITE_AGENT_TABLE,
    SQLITE_GUARDS,
    SQLITE_PAUSE_TABLE,
    SQLITE_SOURCE,
    SQLITE_TABLE,
    SQLITE_TEXTS,
    SQLITE_TRIGGERS,
    TEXTS_TABLE,
    _drop_sqlite_triggers,
    _install_sqlite,
    _sqlite_forget,
    _uninstall_sqlite,
    pause_sqlite_triggers,
    resume_sqlite_triggers,
    sqlite_clear,
    sqlite_fill,
    sqlite_refresh,
    sqlite_refresh_agents,
    sqlite_statements,
)
from .texts import (
    _DOC_AGENT_IDS,
    AGENT_MARK,
    AGENT_TABLE,
    FTS_TABLE,
    PG_TABLE,
    _agent_names_sql,
    _fields_sql,
)
from .tsvector import (
    _PG_KEYS,
    PG_INSTALL,
    PG_TRIGGERS,
    PG_VECTOR,
    _drop_postgres_triggers,
    _install_postgres,
    _uninstall_postgres,
)

# Everything the single module ``schema.py`` held stays importable from here, the private
# helpers too (tests and migrations call them as ``schema.NAME``).
__all__ = [
    "AGENT_MARK",
    "AGENT_TABLE",
    "FTS_TABLE",
    "PG_INSTALL",
    "PG_TABLE",
    "PG_TRIGGERS",
    "PG_VECTOR",
    "SOURCE_VIEW",
    "SQLITE_AGENT_TABLE",
    "SQLITE_GUARDS",
    "SQLITE_PAUSE_TABLE",
    "SQLITE_SOURCE",
    "SQLITE_TABLE",
    "SQLITE_TEXTS",
    "SQLITE_TRIGGERS",
    "TEXTS_TABLE",
    "VERSION_NAME",
    "_AGENT_DOCS",
    "_COLUMNS",
    "_DOC_AGENT_IDS",
    "_NOT_PAUSED",
    "_PG_KEYS",
    "_TOKENIZE",
    "_agent_names_sql",
    "_drop_postgres_triggers",
    "_drop_sqlite_triggers",
    "_fields_sql",
    "_install_postgres",
    "_install_sqlite",
    "_sqlite_forget",
    "_uninstall_postgres",
    "_uninstall_sqlite",
    "drop_triggers",
    "indexed_agents",
    "install",
    "is_installed",
    "pause_sqlite_triggers",
    "resume_sqlite_triggers",
    "shape_version",
    "sqlite_clear",
    "sqlite_fill",
    "sqlite_refresh",
    "sqlite_refresh_agents",
    "sqlite_statements",
    "uninstall",
]


def install(connection, triggers: bool = True) -> bool:
    """Create the index table and (re)create its triggers; False if unsupported."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _install_sqlite(cursor, triggers)
        elif connection.vendor == "postgresql":
            _install_postgres(cursor, triggers)
        else:
            return False
    return True


VERSION_NAME = "search"


def shape_version(connection) -> str:
    """The version of this vendor's index tables, functions and triggers, as the code
    defines them; ``post_migrate`` re-creates and refills the index when the database
    recorded another (see ``install.py``)."""
    from ..install import shape_version as version

    if connection.vendor == "postgresql":
        return version(PG_INSTALL, PG_TRIGGERS)
    return version(
        SQLITE_TEXTS,
        SQLITE_SOURCE,
        SQLITE_TABLE,
        SQLITE_AGENT_TABLE,
        SQLITE_GUARDS,
        SQLITE_TRIGGERS,
        SQLITE_PAUSE_TABLE,
    )


def drop_triggers(connection):
    """Before migrations run (see the module docstring); the index table stays."""
    if not is_installed(connection):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _drop_sqlite_triggers(cursor, guards=True)
        elif connection.vendor == "postgresql":
            _drop_postgres_triggers(cursor)


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _uninstall_sqlite(cursor)
        elif connection.vendor == "postgresql":
            _uninstall_postgres(cursor)


def indexed_agents(connection) -> int:
    """Rows of the agent-name index (-1 if it is missing)."""
    if AGENT_TABLE not in connection.introspection.table_names():
        return -1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {AGENT_TABLE}")
        return cursor.fetchone()[0]


def is_installed(connection) -> bool:
    """Whether the index table exists (triggers may be absent during migrations)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    table = FTS_TABLE if connection.vendor == "sqlite" else PG_TABLE
    return table in connection.introspection.table_names()
