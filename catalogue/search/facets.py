"""Fast facet counting and result pages for the public search (SQLite and PostgreSQL).

Why a separate table: ``catalogue_document`` rows carry the full text and raw text
(~14 KB each), so the foreign keys after them live in SQLite overflow pages and reading
a document's type or classification walks a chain of pages. Counting facets over tens of
thousands of matches that way took seconds at 100,000 documents. ``catalogue_document_facets``
holds one narrow row per document (status, type, classification, repository, unit,
date, time) kept in sync by triggers, as the search index is (see ``schema.py``), and
with the same lifecycle: ``pre_migrate`` drops the triggers, ``post_migrate`` re-creates
them and rebuilds the rows when the table's shape changed, a migration may have written
rows, or the row counts disagree (``install.py``).

``catalogue_document_agent_keys`` holds one integer per (document, agent, role), kept by
triggers on ``catalogue_documentagent``: the agent facet groups that one integer instead of
an (agent id, role text) pair, which SQLite's sorter took about twice as long over; the
key splits back into agent and role after grouping (``facets_pg.agent_key``/``role_of``).

The engine that reads them is ``facet_engine.py``.

``catalogue_search_stamp`` holds a value that every write to a table the counts depend
on replaces with a random one, so cached counts keyed by it can never outlive a change
(random rather than a counter: a rolled-back write restores the old value *and* the old
state, and a later write never reuses a value that was cached for other data).

PostgreSQL has the same table, stamp and statement (its triggers in ``facets_pg.py``):
the matches come from the tsvector table's GIN index, ``ts_rank`` scores only the rows
passing every filter, and the grouped passes read the narrow rows instead of the wide
document rows (whose texts are TOASTed, but whose heap rows are still ~10× wider).
"""

from __future__ import annotations

from . import facets_pg

FACETS_TABLE = "catalogue_document_facets"
# One integer per (document, agent, role): the agent facet groups a single integer, not
# an (agent id, role text) pair; SQLite's sorter took twice as long over the pair.
AGENT_KEYS_TABLE = facets_pg.AGENT_KEYS_TABLE
ROLES = facets_pg.ROLES
ROLE_SLOTS = facets_pg.ROLE_SLOTS
STAMP_TABLE = "catalogue_search_stamp"
CACHE_SECONDS = 600


def change_stamp(using: str = "default") -> int | None:
    """The catalogue's change stamp: a value database triggers renew on every write to
    the tables searched or shown (``facets_pg.STAMPED_TABLES``), through ``save()``,
    ``update()``, ``bulk_create`` or raw SQL alike. Anything cached under it is stale
    the moment the data changes. ``None`` on a database without the triggers."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor not in VENDORS:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {STAMP_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


_ROW = (
    "SELECT d.id, d.status, d.doc_type_id, d.classification_id, "
    "(SELECT u.repository_id FROM catalogue_archivalunit u WHERE u.id = d.unit_id), "
    "d.unit_id, d.date, d.time FROM catalogue_document d"
)
ROW_COLUMNS = (
    "document_id, status, doc_type_id, classification_id, repository_id, unit_id, date, time"
)
_BUMP = f"UPDATE {STAMP_TABLE} SET value = random() WHERE id = 1;"
_KEYS = (
    f"INSERT OR IGNORE INTO {AGENT_KEYS_TABLE} (document_id, agent_key) "
    f"SELECT document_id, {facets_pg.agent_key('')} FROM catalogue_documentagent"
)


def _key_of(row: str) -> str:
    return facets_pg.agent_key(f"{row}.")


TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {FACETS_TABLE} (
        document_id INTEGER PRIMARY KEY,
        status TEXT NOT NULL,
        doc_type_id INTEGER,
        classification_id INTEGER,
        repository_id INTEGER,
        unit_id INTEGER,
        date TEXT,
        time TEXT
    )""",
    # A search by date range alone reads its days from this index, not all rows; it
    # covers what the counting statement reads: looking each row up in the table by
    # date order missed the page cache (a read() per row: +10 ms of system time).
    f"CREATE INDEX IF NOT EXISTS {FACETS_TABLE}_date ON {FACETS_TABLE} "
    "(date, status, doc_type_id, classification_id, repository_id, unit_id, time)",
    f"""CREATE TABLE IF NOT EXISTS {AGENT_KEYS_TABLE} (
        document_id INTEGER NOT NULL,
        agent_key INTEGER NOT NULL,
        PRIMARY KEY (document_id, agent_key)
    ) WITHOUT ROWID""",
    f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)",
    f"INSERT OR IGNORE INTO {STAMP_TABLE} (id, value) VALUES (1, random())",
]

# (name, event, table, body)
TRIGGERS = [
    (
        "doc_ins",
        "AFTER INSERT",
        "catalogue_document",
        f"INSERT OR REPLACE INTO {FACETS_TABLE} ({ROW_COLUMNS}) {_ROW} WHERE d.id = NEW.id; {_BUMP}",
    ),
    (
        "doc_upd",
        "AFTER UPDATE",
        "catalogue_document",
        f"DELETE FROM {FACETS_TABLE} WHERE document_id = OLD.id; "
        f"INSERT OR REPLACE INTO {FACETS_TABLE} ({ROW_COLUMNS}) {_ROW} WHERE d.id = NEW.id; {_BUMP}",
    ),
    (
        "doc_del",
        "AFTER DELETE",
        "catalogue_document",
        f"DELETE FROM {FACETS_TABLE} WHERE document_id = OLD.id; "
        f"DELETE FROM {AGENT_KEYS_TABLE} WHERE document_id = OLD.id; {_BUMP}",
    ),
    (
        "agent_key_ins",
        "AFTER INSERT",
        "catalogue_documentagent",
        f"INSERT OR IGNORE INTO {AGENT_KEYS_TABLE} (document_id, agent_key) "
        f"VALUES (NEW.document_id, {_key_of('NEW')});",
    ),
    (
        "agent_key_upd",
        "AFTER UPDATE",
        "catalogue_documentagent",
        f"DELETE FROM {AGENT_KEYS_TABLE} "
        f"WHERE document_id = OLD.document_id AND agent_key = {_key_of('OLD')}; "
        f"INSERT OR IGNORE INTO {AGENT_KEYS_TABLE} (document_id, agent_key) "
        f"VALUES (NEW.document_id, {_key_of('NEW')});",
    ),
    (
        "agent_key_del",
        "AFTER DELETE",
        "catalogue_documentagent",
        f"DELETE FROM {AGENT_KEYS_TABLE} "
        f"WHERE document_id = OLD.document_id AND agent_key = {_key_of('OLD')};",
    ),
    (
        "unit_upd",
        "AFTER UPDATE",
        "catalogue_archivalunit",
        # The OLD/NEW test first: a constant, so the importer's tree_path updates do
        # not scan the table (no index on unit_id).
        f"UPDATE {FACETS_TABLE} SET repository_id = NEW.repository_id "
        "WHERE OLD.repository_id IS NOT NEW.repository_id AND unit_id = NEW.id "
        f"AND repository_id IS NOT NEW.repository_id; {_BUMP}",
    ),
]
# The documents table has its own triggers above.
for _table in facets_pg.STAMPED_TABLES[1:]:
    for _event in ["INSERT", "UPDATE", "DELETE"]:
        if _table == "catalogue_archivalunit" and _event == "UPDATE":
            continue
        TRIGGERS.append(
            (
                f"{_table.removeprefix('catalogue_')}_{_event.lower()}",
                f"AFTER {_event}",
                _table,
                _BUMP,
            )
        )


def _trigger_name(name: str) -> str:
    return f"catalogue_facets_{name}"


VENDORS = ("sqlite", "postgresql")


def _bump(conn) -> str:
    return facets_pg.BUMP if conn.vendor == "postgresql" else _BUMP


def install(conn) -> bool:
    """Create the tables and (re)create the triggers; False off SQLite and PostgreSQL."""
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            facets_pg.install(cursor)
    elif conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            for statement in TABLES:
                cursor.execute(statement)
            for name, event, table, body in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS main.{_trigger_name(name)}")
                cursor.execute(
                    f"CREATE TRIGGER {_trigger_name(name)} {event} ON {table} BEGIN\n{body}\nEND"
                )
    else:
        return False
    _INSTALLED.add(_installed_key(conn))
    return True


def drop_triggers(conn):
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            facets_pg.drop_triggers(cursor)
        return
    if conn.vendor != "sqlite":
        return
    # "main.": without a schema name SQLite looks for a missing trigger in every
    # attached database too, read-locking them until the commit (the generator's
    # scratch files, which its worker must still write).
    with conn.cursor() as cursor:
        for name, *_ in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS main.{_trigger_name(name)}")


def rebuild(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FACETS_TABLE}")
        cursor.execute(f"INSERT INTO {FACETS_TABLE} ({ROW_COLUMNS}) {_ROW}")
        cursor.execute(f"DELETE FROM {AGENT_KEYS_TABLE}")
        keys = facets_pg.KEYS if conn.vendor == "postgresql" else _KEYS
        cursor.execute(keys)
        cursor.execute(_bump(conn))
        if conn.vendor == "postgresql":
            cursor.execute(f"ANALYZE {FACETS_TABLE}")
            cursor.execute(f"ANALYZE {AGENT_KEYS_TABLE}")
        cursor.execute(f"SELECT count(*) FROM {FACETS_TABLE}")
        return cursor.fetchone()[0]


_INSTALLED: set[str] = set()


def _installed_key(conn) -> str:
    return f"{conn.vendor}:{conn.settings_dict['NAME']}"


def is_installed(conn) -> bool:
    """Whether the facet table exists; once seen, remembered for the database file (it
    is only ever created, by ``post_migrate``), so a request does not ask each time."""
    if conn.vendor not in VENDORS:
        return False
    name = _installed_key(conn)
    if name not in _INSTALLED and FACETS_TABLE in conn.introspection.table_names():
        _INSTALLED.add(name)
    return name in _INSTALLED


def drop_facet_triggers(sender, using="default", **kwargs):
    """``pre_migrate``: SQLite rebuilds a table to alter it, and triggers naming it get
    in the way (see ``schema.py``)."""
    from django.db import connections

    if using == "default" and is_installed(connections[using]):
        drop_triggers(connections[using])


VERSION_NAME = "facets"


def shape_version(conn) -> str:
    """The version of this vendor's facet table and triggers as the code defines them."""
    from .install import shape_version as version

    if conn.vendor == "postgresql":
        return version(facets_pg.INSTALL, facets_pg.TRIGGERS)
    return version(TABLES, TRIGGERS, _ROW, _KEYS)


def ensure_facet_table(sender, using="default", plan=None, **kwargs):
    """``post_migrate``: tables and triggers in place; the table re-created and refilled
    when its shape is new or changed, and the rows rebuilt when a migration may have
    written while the triggers were away or the counts disagree (see ``install.py``)."""
    from django.db import connections

    from catalogue.models import Document, DocumentAgent

    from . import install as install_state

    conn = connections[using]
    if using != "default" or conn.vendor not in VENDORS:
        return
    version = shape_version(conn)
    reshaped = install_state.recorded_version(conn, VERSION_NAME) != version
    if reshaped:
        with conn.cursor() as cursor:
            drop_triggers(conn)
            cursor.execute(f"DROP TABLE IF EXISTS {FACETS_TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {AGENT_KEYS_TABLE}")
    install(conn)
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FACETS_TABLE}")
        (rows,) = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {AGENT_KEYS_TABLE}")
        (keys,) = cursor.fetchone()
    if (
        reshaped
        or install_state.plan_may_write(plan)
        or rows != Document.objects.count()
        or keys != DocumentAgent.objects.count()
    ):
        rebuild(conn)
    if reshaped:
        install_state.record_version(conn, VERSION_NAME, version)


def refresh_documents(conn, document_ids) -> None:
    """What the row triggers would have left after a bulk write made with them off
    (``services.cataloguing.triggers``): the facet rows and agent keys of these
    documents rebuilt set-based, and the stamp renewed once. SQLite only (PostgreSQL's
    import keeps its facet triggers). Ids are integers, written into the statements."""
    ids = ", ".join(str(int(i)) for i in sorted(set(document_ids)))
    with conn.cursor() as cursor:
        if ids:
            cursor.execute(f"DELETE FROM {FACETS_TABLE} WHERE document_id IN ({ids})")
            cursor.execute(
                f"INSERT INTO {FACETS_TABLE} ({ROW_COLUMNS}) {_ROW} WHERE d.id IN ({ids})"
            )
            cursor.execute(f"DELETE FROM {AGENT_KEYS_TABLE} WHERE document_id IN ({ids})")
            cursor.execute(f"{_KEYS} WHERE document_id IN ({ids})")
        cursor.execute(_BUMP)
