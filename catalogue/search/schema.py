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
"""

# One name on both databases, so one unmanaged model (``models.DocumentSearchEntry``)
# maps either; the document id is the ``rowid`` on both.
FTS_TABLE = PG_TABLE = "catalogue_document_search"
AGENT_TABLE = "catalogue_agent_search"
# U+E002, private use: the first character of an agent key (U+E000/E001 mark highlights).
AGENT_MARK = 0xE002

# The agents of document ``d``: its roles, sender and recipient.
_DOC_AGENT_IDS = (
    "SELECT da.agent_id AS id FROM catalogue_documentagent da WHERE da.document_id = d.id "
    "UNION SELECT d.sender_id UNION SELECT d.recipient_id"
)


def _fields_sql(agg: str, keys: bool, texts: bool = True) -> str:
    """The four indexed texts of every document ``d``; ``agg`` is the string aggregate;
    ``keys`` adds a fifth, ``agent_keys`` (SQLite: its own column, so that snippets of
    the agents column never show them; PostgreSQL puts them in the vector only, see
    ``_PG_KEYS``); ``texts=False`` leaves out the document's own title and body (SQLite
    reads those from the document row, see ``SQLITE_SOURCE``)."""

    def joined(expr: str, source: str) -> str:
        return f"COALESCE((SELECT {agg}({expr}, ' ') FROM {source}), '')"

    notes = (
        "COALESCE(d.subject_line, '') || ' ' || COALESCE(d.source_note, '') || ' ' || "
        + joined("f.text", "catalogue_footnote f WHERE f.document_id = d.id")
    )
    agents = (
        joined(
            "a.authorised_name || ' ' || da.name_as_written",
            "catalogue_documentagent da JOIN catalogue_agent a ON a.id = da.agent_id "
            "WHERE da.document_id = d.id",
        )
        + " || ' ' || "
        + joined(
            "s.authorised_name", "catalogue_agent s WHERE s.id IN (d.sender_id, d.recipient_id)"
        )
    )
    fields = f"{notes} AS notes, {agents} AS agents"
    if texts:
        fields = "COALESCE(d.title, '') AS title, COALESCE(d.text, '') AS body, " + fields
    if keys:
        fields += ", " + joined(
            f"char({AGENT_MARK}) || k.id", f"({_DOC_AGENT_IDS}) k WHERE k.id IS NOT NULL"
        )
        fields += " AS agent_keys"
    return fields


def _agent_names_sql(agg: str) -> str:
    """All names of agent ``a``, authorised first."""
    return (
        f"a.authorised_name || ' ' || COALESCE((SELECT {agg}(n.name, ' ') "
        "FROM catalogue_agentname n WHERE n.agent_id = a.id), '')"
    )


# --- SQLite -------------------------------------------------------------------------

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


# --- PostgreSQL ---------------------------------------------------------------------

PG_VECTOR = (
    "setweight(to_tsvector('english', s.title), 'A') || "
    "setweight(to_tsvector('english', s.agents), 'B') || "
    "setweight(s.keys, 'B') || "
    "setweight(to_tsvector('english', s.body), 'C') || "
    "setweight(to_tsvector('english', s.notes), 'D')"
)

# The agent keys of document ``d`` as lexemes (not parsed: the text parser would split
# them); a position each, so that they weigh like the agents' names.
_PG_KEYS = (
    "COALESCE((SELECT string_agg(quote_literal(chr("
    f"{AGENT_MARK}) || k.id) || ':1', ' ') FROM ({_DOC_AGENT_IDS}) k "
    "WHERE k.id IS NOT NULL)::tsvector, ''::tsvector)"
)

PG_INSTALL = [
    f"""CREATE TABLE IF NOT EXISTS {PG_TABLE} (
        rowid bigint PRIMARY KEY,
        title text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        notes text NOT NULL DEFAULT '',
        agents text NOT NULL DEFAULT '',
        vector tsvector NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_vector ON {PG_TABLE} USING GIN (vector)",
    f"""CREATE TABLE IF NOT EXISTS {AGENT_TABLE} (
        rowid bigint PRIMARY KEY,
        names text NOT NULL DEFAULT '',
        vector tsvector NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS {AGENT_TABLE}_vector ON {AGENT_TABLE} USING GIN (vector)",
    f"""CREATE OR REPLACE FUNCTION catalogue_search_refresh(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO {PG_TABLE} (rowid, title, body, notes, agents, vector)
        SELECT s.id, s.title, s.body, s.notes, s.agents, {PG_VECTOR}
        FROM (SELECT d.id, {_fields_sql("string_agg", keys=False)}, {_PG_KEYS} AS keys
              FROM catalogue_document d WHERE d.id = ANY(ids)) s
        ON CONFLICT (rowid) DO UPDATE SET
            title = EXCLUDED.title, body = EXCLUDED.body, notes = EXCLUDED.notes,
            agents = EXCLUDED.agents, vector = EXCLUDED.vector;
    $$""",
    f"""CREATE OR REPLACE FUNCTION catalogue_search_refresh_agents(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        DELETE FROM {AGENT_TABLE} WHERE rowid = ANY(ids)
            AND rowid NOT IN (SELECT id FROM catalogue_agent WHERE id = ANY(ids));
        INSERT INTO {AGENT_TABLE} (rowid, names, vector)
        SELECT s.id, s.names, to_tsvector('english', s.names)
        FROM (SELECT a.id, {_agent_names_sql("string_agg")} AS names
              FROM catalogue_agent a WHERE a.id = ANY(ids)) s
        ON CONFLICT (rowid) DO UPDATE SET names = EXCLUDED.names, vector = EXCLUDED.vector;
    $$""",
    f"""CREATE OR REPLACE FUNCTION catalogue_search_on_document() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {PG_TABLE} WHERE rowid = OLD.id;
        ELSE
            PERFORM catalogue_search_refresh(ARRAY[NEW.id]);
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION catalogue_search_on_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {PG_TABLE};
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION catalogue_search_on_child() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM catalogue_search_refresh(ARRAY[OLD.document_id]);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            PERFORM catalogue_search_refresh(ARRAY[NEW.document_id]);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION catalogue_search_agent_documents(agent bigint)
    RETURNS bigint[] LANGUAGE sql STABLE AS $$
        SELECT ARRAY(
            SELECT document_id FROM catalogue_documentagent WHERE agent_id = agent
            UNION SELECT id FROM catalogue_document WHERE sender_id = agent OR recipient_id = agent
        );
    $$""",
    f"""CREATE OR REPLACE FUNCTION catalogue_search_on_agent() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'catalogue_agent' THEN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM {AGENT_TABLE} WHERE rowid = OLD.id;
                RETURN NULL;
            END IF;
            PERFORM catalogue_search_refresh_agents(ARRAY[NEW.id]);
            IF TG_OP = 'UPDATE' THEN
                PERFORM catalogue_search_refresh(catalogue_search_agent_documents(NEW.id));
            END IF;
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM catalogue_search_refresh_agents(ARRAY[OLD.agent_id]);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            PERFORM catalogue_search_refresh_agents(ARRAY[NEW.agent_id]);
        END IF;
        RETURN NULL;
    END $$""",
]

PG_TRIGGERS = [
    (
        "doc",
        "AFTER INSERT OR DELETE OR UPDATE OF title, text, subject_line, source_note, "
        "sender_id, recipient_id",
        "catalogue_document",
        "FOR EACH ROW EXECUTE FUNCTION catalogue_search_on_document()",
    ),
    (
        "doc_truncate",
        "AFTER TRUNCATE",
        "catalogue_document",
        "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_search_on_truncate()",
    ),
    (
        "fn",
        "AFTER INSERT OR UPDATE OR DELETE",
        "catalogue_footnote",
        "FOR EACH ROW EXECUTE FUNCTION catalogue_search_on_child()",
    ),
    (
        "da",
        "AFTER INSERT OR UPDATE OR DELETE",
        "catalogue_documentagent",
        "FOR EACH ROW EXECUTE FUNCTION catalogue_search_on_child()",
    ),
    (
        "agent",
        "AFTER UPDATE OF authorised_name",
        "catalogue_agent",
        "FOR EACH ROW WHEN (OLD.authorised_name IS DISTINCT FROM NEW.authorised_name) "
        "EXECUTE FUNCTION catalogue_search_on_agent()",
    ),
    (
        "agent_insdel",
        "AFTER INSERT OR DELETE",
        "catalogue_agent",
        "FOR EACH ROW EXECUTE FUNCTION catalogue_search_on_agent()",
    ),
    (
        "an",
        "AFTER INSERT OR UPDATE OR DELETE",
        "catalogue_agentname",
        "FOR EACH ROW EXECUTE FUNCTION catalogue_search_on_agent()",
    ),
]


def _install_postgres(cursor, triggers=True):
    for statement in PG_INSTALL:
        cursor.execute(statement)
    if not triggers:
        return
    for name, event, table, action in PG_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS catalogue_search_{name} ON {table}")
        cursor.execute(f"CREATE TRIGGER catalogue_search_{name} {event} ON {table} {action}")


def _drop_postgres_triggers(cursor):
    for name, _event, table, _action in PG_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS catalogue_search_{name} ON {table}")


def _uninstall_postgres(cursor):
    _drop_postgres_triggers(cursor)
    for function in [
        "catalogue_search_on_agent()",
        "catalogue_search_refresh_agents(bigint[])",
        "catalogue_search_agent_documents(bigint)",
        "catalogue_search_on_child()",
        "catalogue_search_on_truncate()",
        "catalogue_search_on_document()",
        "catalogue_search_refresh(bigint[])",
    ]:
        cursor.execute(f"DROP FUNCTION IF EXISTS {function}")
    cursor.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
    cursor.execute(f"DROP TABLE IF EXISTS {AGENT_TABLE}")


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
    from .install import shape_version as version

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
