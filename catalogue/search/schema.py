"""The search index's tables and the triggers that keep them in sync.

Why triggers: the index covers the document's own columns *and* rows of other tables
(footnotes, agent roles, agents' authorised and variant names). Admin inlines, the API,
the importer, ``loaddata``, ``QuerySet.update()`` and ``bulk_create`` all write those
tables, and only the database sees every one of those writes. A trigger also commits or
rolls back with the write that caused it, so the index can never describe a state that
did not happen.

Triggers live only *between* migrations: ``pre_migrate`` drops them and ``post_migrate``
re-creates them (then rebuilds the index if any migration ran). SQLite rebuilds a table
to alter it (create, copy, drop, rename) and refuses the rename while a trigger elsewhere
names the dropped table; and a rebuilt table loses its own triggers. Migration 0003
creates only the index table.

SQLite: an FTS5 table ``catalogue_document_search`` whose rowid is the document id.
PostgreSQL: a table ``catalogue_document_search`` (``rowid`` = document id) with the
texts and a weighted ``tsvector`` under a GIN index; a TRUNCATE trigger empties it with
the documents.
"""

# One name on both databases, so one unmanaged model (``models.DocumentSearchEntry``)
# maps either; the document id is the ``rowid`` on both.
FTS_TABLE = PG_TABLE = "catalogue_document_search"


def _fields_sql(agg: str) -> str:
    """The four indexed texts of every document ``d``; ``agg`` is the string aggregate."""

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
            "n.name",
            "catalogue_agentname n WHERE n.agent_id IN (SELECT da.agent_id FROM "
            "catalogue_documentagent da WHERE da.document_id = d.id)",
        )
        + " || ' ' || "
        + joined(
            "s.authorised_name", "catalogue_agent s WHERE s.id IN (d.sender_id, d.recipient_id)"
        )
    )
    return (
        f"COALESCE(d.title, '') AS title, COALESCE(d.text, '') AS body, "
        f"{notes} AS notes, {agents} AS agents"
    )


# --- SQLite -------------------------------------------------------------------------

SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, body, notes, agents, tokenize = 'porter unicode61 remove_diacritics 2')"
)


def sqlite_refresh(condition: str) -> str:
    """Statements re-indexing every document ``d`` satisfying ``condition``."""
    return (
        f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
        f"(SELECT d.id FROM catalogue_document d WHERE {condition});\n"
        f"INSERT INTO {FTS_TABLE} (rowid, title, body, notes, agents) "
        f"SELECT d.id, {_fields_sql('group_concat')} FROM catalogue_document d "
        f"WHERE {condition};"
    )


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
    (
        "doc_del",
        "AFTER DELETE",
        "catalogue_document",
        f"DELETE FROM {FTS_TABLE} WHERE rowid = OLD.id;",
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
    (
        "agent_upd",
        "AFTER UPDATE OF authorised_name",
        "catalogue_agent",
        sqlite_refresh(_AGENT_DOCS.format(ref="NEW.id")),
    ),
    (
        "an_ins",
        "AFTER INSERT",
        "catalogue_agentname",
        sqlite_refresh(_AGENT_DOCS.format(ref="NEW.agent_id")),
    ),
    (
        "an_upd",
        "AFTER UPDATE",
        "catalogue_agentname",
        sqlite_refresh(
            _AGENT_DOCS.format(ref="NEW.agent_id") + " OR " + _AGENT_DOCS.format(ref="OLD.agent_id")
        ),
    ),
    (
        "an_del",
        "AFTER DELETE",
        "catalogue_agentname",
        sqlite_refresh(_AGENT_DOCS.format(ref="OLD.agent_id")),
    ),
]


def _install_sqlite(cursor, triggers=True):
    cursor.execute(SQLITE_TABLE)
    if not triggers:
        return
    for name, event, table, body in SQLITE_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS catalogue_search_{name}")
        cursor.execute(
            f"CREATE TRIGGER catalogue_search_{name} {event} ON {table} BEGIN\n{body}\nEND"
        )


def _drop_sqlite_triggers(cursor):
    for name, *_ in SQLITE_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS catalogue_search_{name}")


def _uninstall_sqlite(cursor):
    _drop_sqlite_triggers(cursor)
    cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


# --- PostgreSQL ---------------------------------------------------------------------

PG_VECTOR = (
    "setweight(to_tsvector('english', s.title), 'A') || "
    "setweight(to_tsvector('english', s.agents), 'B') || "
    "setweight(to_tsvector('english', s.body), 'C') || "
    "setweight(to_tsvector('english', s.notes), 'D')"
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
    f"""CREATE OR REPLACE FUNCTION catalogue_search_refresh(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO {PG_TABLE} (rowid, title, body, notes, agents, vector)
        SELECT s.id, s.title, s.body, s.notes, s.agents, {PG_VECTOR}
        FROM (SELECT d.id, {_fields_sql("string_agg")}
              FROM catalogue_document d WHERE d.id = ANY(ids)) s
        ON CONFLICT (rowid) DO UPDATE SET
            title = EXCLUDED.title, body = EXCLUDED.body, notes = EXCLUDED.notes,
            agents = EXCLUDED.agents, vector = EXCLUDED.vector;
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
    """CREATE OR REPLACE FUNCTION catalogue_search_on_agent() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'catalogue_agent' THEN
            PERFORM catalogue_search_refresh(catalogue_search_agent_documents(NEW.id));
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM catalogue_search_refresh(catalogue_search_agent_documents(OLD.agent_id));
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            PERFORM catalogue_search_refresh(catalogue_search_agent_documents(NEW.agent_id));
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
        "catalogue_search_agent_documents(bigint)",
        "catalogue_search_on_child()",
        "catalogue_search_on_truncate()",
        "catalogue_search_on_document()",
        "catalogue_search_refresh(bigint[])",
    ]:
        cursor.execute(f"DROP FUNCTION IF EXISTS {function}")
    cursor.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")


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


def drop_triggers(connection):
    """Before migrations run (see the module docstring); the index table stays."""
    if not is_installed(connection):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _drop_sqlite_triggers(cursor)
        elif connection.vendor == "postgresql":
            _drop_postgres_triggers(cursor)


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _uninstall_sqlite(cursor)
        elif connection.vendor == "postgresql":
            _uninstall_postgres(cursor)


def is_installed(connection) -> bool:
    """Whether the index table exists (triggers may be absent during migrations)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    table = FTS_TABLE if connection.vendor == "sqlite" else PG_TABLE
    return table in connection.introspection.table_names()
