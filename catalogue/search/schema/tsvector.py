"""PostgreSQL's search index: the weighted ``tsvector``, the tables, the SQL functions
that refresh them, and the triggers that call those functions.

Separate from the SQLite side (``fts5.py``): PostgreSQL keeps the texts in plain
tables and re-indexes through functions, with none of FTS5's removal bookkeeping.
"""

from .texts import (
    _DOC_AGENT_IDS,
    AGENT_MARK,
    AGENT_TABLE,
    PG_TABLE,
    _agent_names_sql,
    _fields_sql,
)

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
