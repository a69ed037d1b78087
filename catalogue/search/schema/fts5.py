"""SQLite's search index: the FTS5 tables, the view and table they read texts back from,
the statements that re-index, fill and empty them, the per-row triggers and guards, and
the pause row that lets a bulk write skip the triggers.

Separate from the PostgreSQL side (``tsvector.py``): FTS5 external content needs its
own bookkeeping (the texts as indexed, removal before a change), which PostgreSQL's
plain tables do not.
"""

from .texts import AGENT_TABLE, FTS_TABLE, _agent_names_sql, _fields_sql

# The document index is an FTS5 *external content* table: it stores only the index
# (and FTS5's per-document sizes for bm25), and reads the texts back, for snippets, from
# a view over the document row (title, body) and a narrow table of the texts gathered
# from other tables (notes, agents, agent keys) *as they were indexed*. A content table
# of its own stored every document's text a second time (516 MB at 100,000 documents,
# ~1,200 pages changed per 1,000 imported). FTS5 removes a row by tokenising the values
# it was indexed with, so those must still be readable when the row is removed:
# - the gathered texts: ``SQLITE_TEXTS`` keeps them until the row is re-indexed, so a
#   footnote or role written while the triggers were paused or dropped (an import
#   batch) cannot change what a later ``index_documents`` removes;
# - title and body: the ``SQLITE_GUARDS`` triggers remove the row *before* a document's
#   title or text changes, or the document is deleted. They are never paused, and the
#   import pause and trigger drops leave them in place (``SQLITE_TRIGGERS`` only).
# A row of ``SQLITE_TEXTS`` means "indexed": the view joins it, so a document that is
# not in the index has no row to remove, and ``sqlite_refresh`` removes only what is.
TEXTS_TABLE = "catalogue_document_search_text"
SOURCE_VIEW = "catalogue_document_search_source"
_TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"
_COLUMNS = "title, body, notes, agents, agent_keys"
SQLITE_TEXTS = (
    f"CREATE TABLE IF NOT EXISTS {TEXTS_TABLE} (id INTEGER PRIMARY KEY, "
    "notes TEXT NOT NULL, agents TEXT NOT NULL, agent_keys TEXT NOT NULL)"
)
SQLITE_SOURCE = (
    f"CREATE VIEW IF NOT EXISTS main.{SOURCE_VIEW} AS SELECT d.id AS id, "
    "COALESCE(d.title, '') AS title, COALESCE(d.text, '') AS body, "
    f"t.notes AS notes, t.agents AS agents, t.agent_keys AS agent_keys "
    f"FROM catalogue_document d JOIN {TEXTS_TABLE} t ON t.id = d.id"
)
SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLUMNS}, "
    f"content = '{SOURCE_VIEW}', content_rowid = 'id', {_TOKENIZE})"
)
SQLITE_AGENT_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {AGENT_TABLE} USING fts5(names, {_TOKENIZE})"
)


def _sqlite_forget(ids: str) -> str:
    """Remove the rows of the documents ``ids`` (SQL) from the document index, with the
    values they were indexed with (see ``TEXTS_TABLE``); documents not indexed have
    no row in the view and are skipped."""
    return (
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_COLUMNS}) "
        f"SELECT 'delete', s.id, s.title, s.body, s.notes, s.agents, s.agent_keys "
        f"FROM {SOURCE_VIEW} s WHERE s.id IN ({ids});\n"
        f"DELETE FROM {TEXTS_TABLE} WHERE id IN ({ids});"
    )


def sqlite_refresh(condition: str) -> str:
    """Statements re-indexing every document ``d`` satisfying ``condition``: remove its
    row as indexed, gather its texts anew, index them."""
    ids = f"SELECT d.id FROM catalogue_document d WHERE {condition}"
    return (
        _sqlite_forget(ids) + "\n"
        f"INSERT INTO {TEXTS_TABLE} (id, notes, agents, agent_keys) "
        f"SELECT d.id, {_fields_sql('group_concat', keys=True, texts=False)} "
        f"FROM catalogue_document d WHERE {condition};\n"
        f"INSERT INTO {FTS_TABLE} (rowid, {_COLUMNS}) "
        f"SELECT s.id, s.title, s.body, s.notes, s.agents, s.agent_keys "
        f"FROM {SOURCE_VIEW} s WHERE s.id IN ({ids});"
    )


def sqlite_fill() -> list[str]:
    """Statements indexing every document into an empty index (``rebuild``)."""
    return [
        f"INSERT INTO {TEXTS_TABLE} (id, notes, agents, agent_keys) "
        f"SELECT d.id, {_fields_sql('group_concat', keys=True, texts=False)} "
        "FROM catalogue_document d",
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')",
    ]


def sqlite_clear() -> list[str]:
    """Statements emptying the document index (FTS5's 'delete-all' reads no texts)."""
    return [
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')",
        f"DELETE FROM {TEXTS_TABLE}",
    ]


def sqlite_refresh_agents(ids: str) -> str:
    """Statements re-indexing the agents whose ids ``ids`` (SQL: a list or a SELECT)
    gives; the rows of agents no longer there are dropped."""
    return (
        f"DELETE FROM {AGENT_TABLE} WHERE rowid IN ({ids});\n"
        f"INSERT INTO {AGENT_TABLE} (rowid, names) "
        f"SELECT a.id, {_agent_names_sql('group_concat')} FROM catalogue_agent a "
        f"WHERE a.id IN ({ids});"
    )


def sqlite_statements(sql: str) -> list[str]:
    """One statement per item, for ``cursor.execute`` (which runs one at a time)."""
    return [statement.rstrip(";") for statement in sql.split(";\n")]


_AGENT_DOCS = (
    "d.id IN (SELECT document_id FROM catalogue_documentagent WHERE agent_id = {ref}) "
    "OR d.sender_id = {ref} OR d.recipient_id = {ref}"
)

# (name, timing/event, table, body)
SQLITE_TRIGGERS = [
    ("doc_ins", "AFTER INSERT", "catalogue_document", sqlite_refresh("d.id = NEW.id")),
    (
        "doc_upd",
        "AFTER UPDATE OF title, text, subject_line, source_note, sender_id, recipient_id",
        "catalogue_document",
        sqlite_refresh("d.id = NEW.id"),
    ),
]
for _table, _short in [("catalogue_footnote", "fn"), ("catalogue_documentagent", "da")]:
    SQLITE_TRIGGERS += [
        (f"{_short}_ins", "AFTER INSERT", _table, sqlite_refresh("d.id = NEW.document_id")),
        (
            f"{_short}_upd",
            "AFTER UPDATE",
            _table,
            sqlite_refresh("d.id IN (NEW.document_id, OLD.document_id)"),
        ),
        (f"{_short}_del", "AFTER DELETE", _table, sqlite_refresh("d.id = OLD.document_id")),
    ]
SQLITE_TRIGGERS += [
    ("agent_ins", "AFTER INSERT", "catalogue_agent", sqlite_refresh_agents("NEW.id")),
    (
        # A rename: the agent's row, and its documents' rows (they carry the name).
        "agent_upd",
        "AFTER UPDATE OF authorised_name",
        "catalogue_agent FOR EACH ROW WHEN OLD.authorised_name IS NOT NEW.authorised_name",
        sqlite_refresh_agents("NEW.id") + "\n" + sqlite_refresh(_AGENT_DOCS.format(ref="NEW.id")),
    ),
    (
        "agent_del",
        "AFTER DELETE",
        "catalogue_agent",
        f"DELETE FROM {AGENT_TABLE} WHERE rowid = OLD.id;",
    ),
    ("an_ins", "AFTER INSERT", "catalogue_agentname", sqlite_refresh_agents("NEW.agent_id")),
    (
        "an_upd",
        "AFTER UPDATE",
        "catalogue_agentname",
        sqlite_refresh_agents("NEW.agent_id, OLD.agent_id"),
    ),
    ("an_del", "AFTER DELETE", "catalogue_agentname", sqlite_refresh_agents("OLD.agent_id")),
]


# Before a document's title or text change, or the document goes: its row as indexed
# is removed (see ``TEXTS_TABLE``); the paused or dropped ``doc_upd`` trigger, or the
# writer's ``index_documents``, indexes it again. Never paused, never dropped by an
# import: a row whose indexed title or body can no longer be read cannot be removed.
SQLITE_GUARDS = [
    (
        "doc_text",
        "BEFORE UPDATE OF title, text",
        "catalogue_document FOR EACH ROW "
        "WHEN OLD.title IS NOT NEW.title OR OLD.text IS NOT NEW.text",
        _sqlite_forget("OLD.id"),
    ),
    ("doc_del", "BEFORE DELETE", "catalogue_document FOR EACH ROW", _sqlite_forget("OLD.id")),
]


# A bulk write pauses the SQLite triggers by inserting a row here inside its own
# transaction, and deletes it before committing: no other connection ever sees the row
# (SQLite has one writer at a time), and unlike DROP/CREATE TRIGGER no schema change
# reaches readers — a schema change while readers open the FTS5 table made them fail
# with "vtable constructor failed" (a 500 under load while an import ran).
SQLITE_PAUSE_TABLE = "catalogue_search_pause"
_NOT_PAUSED = f"NOT EXISTS (SELECT 1 FROM {SQLITE_PAUSE_TABLE})"


def _install_sqlite(cursor, triggers=True):
    cursor.execute(SQLITE_TEXTS)
    cursor.execute(SQLITE_TABLE)
    cursor.execute(SQLITE_AGENT_TABLE)
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {SQLITE_PAUSE_TABLE} (paused INTEGER)")
    cursor.execute(f"DELETE FROM {SQLITE_PAUSE_TABLE}")  # a pause never outlives its write
    if not triggers:
        return  # inside migrations: no view either (see _drop_sqlite_triggers)
    cursor.execute(SQLITE_SOURCE)
    for name, event, table, body in SQLITE_GUARDS:
        cursor.execute(f"DROP TRIGGER IF EXISTS main.catalogue_search_{name}")
        cursor.execute(
            f"CREATE TRIGGER catalogue_search_{name} {event} ON {table} BEGIN\n{body}\nEND"
        )
    for name, event, table, body in SQLITE_TRIGGERS:
        guard = f" AND {_NOT_PAUSED}" if " WHEN " in table else f" FOR EACH ROW WHEN {_NOT_PAUSED}"
        cursor.execute(f"DROP TRIGGER IF EXISTS main.catalogue_search_{name}")
        cursor.execute(
            f"CREATE TRIGGER catalogue_search_{name} {event} ON {table}{guard} BEGIN\n{body}\nEND"
        )


def pause_sqlite_triggers(cursor):
    """Inside a write transaction: the index triggers skip this transaction's writes
    until ``resume_sqlite_triggers`` (the caller indexes what it wrote)."""
    cursor.execute(f"INSERT INTO {SQLITE_PAUSE_TABLE} (paused) VALUES (1)")


def resume_sqlite_triggers(cursor):
    cursor.execute(f"DELETE FROM {SQLITE_PAUSE_TABLE}")


def _drop_sqlite_triggers(cursor, guards=False):
    """The per-row index triggers; with ``guards``, also the ``SQLITE_GUARDS`` and the
    view (before migrations: SQLite refuses to rename a rebuilt table while a view
    or trigger names the dropped original)."""
    for name, *_ in SQLITE_TRIGGERS + (SQLITE_GUARDS if guards else []):
        cursor.execute(f"DROP TRIGGER IF EXISTS main.catalogue_search_{name}")
    if guards:
        cursor.execute(f"DROP VIEW IF EXISTS main.{SOURCE_VIEW}")


def _uninstall_sqlite(cursor):
    _drop_sqlite_triggers(cursor, guards=True)
    cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    cursor.execute(f"DROP TABLE IF EXISTS {TEXTS_TABLE}")
    cursor.execute(f"DROP TABLE IF EXISTS {AGENT_TABLE}")
    cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_PAUSE_TABLE}")
