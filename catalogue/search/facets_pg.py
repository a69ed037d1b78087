"""PostgreSQL schema of the facet engine (``facets.py``): the narrow table, the change
stamp and the plpgsql triggers keeping both current.

Narrow rows: a row trigger on documents (only when a faceted column changes) and one on
units (a unit moved to another repository). The stamp: a ``BEFORE … FOR EACH
STATEMENT`` trigger on every table the counts depend on (per statement, not per row: a
bulk insert bumps once). Why before the statement: the stamp row stays locked from the
first bump to the commit, so writers queue on it (as every SQLite writer queues on the
database lock); taking it before a statement touches any row keeps that queue free of
deadlocks (a writer never holds a row another writer wants while it waits). A rolled-back
transaction rolls the bump back with the write, as on SQLite.
"""

FACETS_TABLE = "catalogue_document_facets"
STAMP_TABLE = "catalogue_search_stamp"

BUMP = f"UPDATE {STAMP_TABLE} SET value = (random() * 9e15)::bigint WHERE id = 1"

_NARROW = "(SELECT u.repository_id FROM catalogue_archivalunit u WHERE u.id = NEW.unit_id)"

INSTALL = [
    f"""CREATE TABLE IF NOT EXISTS {FACETS_TABLE} (
        document_id bigint PRIMARY KEY,
        status varchar(20) NOT NULL,
        doc_type_id bigint,
        classification_id bigint,
        repository_id bigint,
        unit_id bigint,
        date date,
        time time
    )""",
    # For the unit trigger (a unit's documents) and the unit facet's filter.
    f"CREATE INDEX IF NOT EXISTS {FACETS_TABLE}_unit ON {FACETS_TABLE} (unit_id)",
    f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (id integer PRIMARY KEY, value bigint NOT NULL)",
    f"INSERT INTO {STAMP_TABLE} (id, value) VALUES (1, (random() * 9e15)::bigint) "
    "ON CONFLICT (id) DO NOTHING",
    f"""CREATE OR REPLACE FUNCTION catalogue_facets_on_document() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE {FACETS_TABLE};
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM {FACETS_TABLE} WHERE document_id = OLD.id;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO {FACETS_TABLE} (document_id, status, doc_type_id, classification_id,
                                        repository_id, unit_id, date, time)
            VALUES (NEW.id, NEW.status, NEW.doc_type_id, NEW.classification_id, {_NARROW},
                    NEW.unit_id, NEW.date, NEW.time)
            ON CONFLICT (document_id) DO UPDATE SET
                status = EXCLUDED.status, doc_type_id = EXCLUDED.doc_type_id,
                classification_id = EXCLUDED.classification_id,
                repository_id = EXCLUDED.repository_id, unit_id = EXCLUDED.unit_id,
                date = EXCLUDED.date, time = EXCLUDED.time;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION catalogue_facets_on_unit() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {FACETS_TABLE} SET repository_id = NEW.repository_id
        WHERE unit_id = NEW.id AND repository_id IS DISTINCT FROM NEW.repository_id;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION catalogue_search_bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {BUMP};
        RETURN NULL;
    END $$""",
]

STAMPED_TABLES = [
    "catalogue_document",
    "catalogue_archivalunit",
    "catalogue_document_caveats",
    "catalogue_document_subjects",
    "catalogue_documentagent",
    "catalogue_footnote",
    "catalogue_agent",
    "catalogue_agentname",
    "catalogue_repository",
    "catalogue_documenttype",
    "catalogue_classificationlevel",
    "catalogue_caveat",
    "catalogue_subject",
]

# (name, table, definition after ON table)
TRIGGERS = [
    (
        "doc",
        "catalogue_document",
        "AFTER INSERT OR DELETE OR UPDATE OF status, doc_type_id, classification_id, unit_id, "
        "date, time",
        "FOR EACH ROW EXECUTE FUNCTION catalogue_facets_on_document()",
    ),
    (
        "doc_truncate",
        "catalogue_document",
        "AFTER TRUNCATE",
        "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_facets_on_document()",
    ),
    (
        "unit",
        "catalogue_archivalunit",
        "AFTER UPDATE OF repository_id",
        "FOR EACH ROW WHEN (OLD.repository_id IS DISTINCT FROM NEW.repository_id) "
        "EXECUTE FUNCTION catalogue_facets_on_unit()",
    ),
] + [
    (
        f"stamp_{table.removeprefix('catalogue_')}",
        table,
        "BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE",
        "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_search_bump()",
    )
    for table in STAMPED_TABLES
]


def _name(name: str) -> str:
    return f"catalogue_facets_{name}"


def install(cursor):
    for statement in INSTALL:
        cursor.execute(statement)
    for name, table, event, action in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {_name(name)} ON {table}")
        cursor.execute(f"CREATE TRIGGER {_name(name)} {event} ON {table} {action}")


def drop_triggers(cursor):
    for name, table, *_ in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {_name(name)} ON {table}")
