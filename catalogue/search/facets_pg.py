"""PostgreSQL schema of the facet engine (``facets.py``): the narrow table, the change
stamp and the plpgsql triggers keeping both current.

Narrow rows: a row trigger on documents (only when a faceted column changes) and one on
units (a unit moved to another repository).

The stamp must change with every committed write to a table the counts depend on, yet
not make writers queue: a lock on the stamp row held from a transaction's first write
(an import batch of hundreds of files) to its commit stalled every admin save. So:

- a ``BEFORE … FOR EACH STATEMENT`` trigger only draws a new random *token* into a
  transaction-local setting (``catalogue.stamp_next``; no row touched, no lock);
- a deferred constraint trigger (row-level, ``INITIALLY DEFERRED``) sets the stored value
  (``catalogue_search_stamp_value``) to ``hash(value, token)`` at commit — the first firing
  per token does it, the others compare two settings and return — so the row lock lives
  only from the commit's deferred-trigger phase to the commit itself;
- ``catalogue_search_stamp`` is a view: ``hash(value, token)`` inside a transaction that
  has written, else the value. TRUNCATE (no constraint triggers) updates at once.

Why that is safe (READ COMMITTED: the stamp read and the count statement are two
statements; the second sees at least what the first saw). A new value and its data become
visible together, at the writer's commit, so a reader that saw stamp *S* counts a state at
least as new as *S*'s: never older counts under a newer stamp (newer counts under *S* only
reach readers that read *S* before the newer commit). A writer's own reads use
``hash(S, token)``, private until its commit, which publishes ``hash(S', token)``: the same
key only if no one committed in between (*S' = S*) and the writer wrote nothing since
(same token) — i.e. exactly the state it counted. Another writer's commit in between
changes *S*; a rolled-back savepoint restores the earlier token with the earlier state; a
rolled-back transaction publishes nothing, and tokens are random (never reused). Committers
queue only for the instant of the update. Under REPEATABLE READ or SERIALIZABLE the second
of two concurrent committers gets a serialisation error (retry), as before.
"""

from catalogue.models.provenance import AgentRole

FACETS_TABLE = "catalogue_document_facets"
AGENT_KEYS_TABLE = "catalogue_document_agent_keys"
# A role's number in an agent key (``agent_id * ROLE_SLOTS + number``), in the roles'
# text order, so keys sort as (agent, role) do. A role outside the choices gets the last
# slot (and no name back). The list is in the triggers' text: adding a role changes the
# shape version, so ``migrate`` rebuilds the keys.
ROLES = sorted(AgentRole.values)
ROLE_SLOTS = 16
assert len(ROLES) < ROLE_SLOTS


def agent_key(prefix: str) -> str:
    """SQL for the agent key of a ``catalogue_documentagent`` row (``NEW.``, ``OLD.``, …)."""
    numbers = " ".join(f"WHEN '{role}' THEN {i}" for i, role in enumerate(ROLES))
    return (
        f"{prefix}agent_id * {ROLE_SLOTS} + CASE {prefix}role {numbers} ELSE {ROLE_SLOTS - 1} END"
    )


def role_of(key: str) -> str:
    """SQL for the role text of an agent key (the inverse of ``agent_key``)."""
    names = " ".join(f"WHEN {i} THEN '{role}'" for i, role in enumerate(ROLES))
    # No ``%``: the statement goes through parameter formatting.
    return f"CASE {key} - {key} / {ROLE_SLOTS} * {ROLE_SLOTS} {names} END"


KEYS = (
    f"INSERT INTO {AGENT_KEYS_TABLE} (document_id, agent_key) "
    f"SELECT document_id, {agent_key('')} FROM catalogue_documentagent "
    "ON CONFLICT DO NOTHING"
)
STAMP_TABLE = "catalogue_search_stamp"  # the view readers query
STAMP_VALUE_TABLE = "catalogue_search_stamp_value"
# Tables whose rows change what a search matches or how its facets are labelled, or
# what a document page shows (SQLite's triggers in ``facets.py`` follow the same list).
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
    # Not searched, but shown on the public document page, whose anonymous cache is
    # keyed on this stamp (``DocumentQuerySet.with_page_stamp``): without them a row
    # changed by ``update()`` or ``bulk_create`` kept the old page for 5 minutes.
    # (``catalogue_importrun`` is left out: the page shows a run's number, channel and
    # start, which never change, while the importer updates its counters constantly.)
    "catalogue_collection",
    "catalogue_digitalobject",
    "catalogue_provenanceevent",
    "catalogue_eventagent",
    "catalogue_publication",
    "catalogue_documentrelation",
    # Shown by the downloads kept until the catalogue changes (``catalogue.downloads``):
    # citations in the PROV dump, positions and identifiers in EAC-CPF records.
    "catalogue_citation",
    "catalogue_position",
    "catalogue_agentidentifier",
]

# A new stamp now (repairs, TRUNCATE): token and stored value together.
BUMP = "SELECT catalogue_search_stamp_renew(true)"

_RANDOM = "((random() * 9e15)::bigint)::text"


def _mix(value: str, token: str) -> str:
    """The stamp a transaction's token turns ``value`` into (a 64-bit hash of both)."""
    return f"hashtextextended({value}::text || ':' || {token}, 0)"


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
    # A search by date range alone reads its days by this index (as on SQLite).
    f"CREATE INDEX IF NOT EXISTS {FACETS_TABLE}_date ON {FACETS_TABLE} (date)",
    f"""CREATE TABLE IF NOT EXISTS {AGENT_KEYS_TABLE} (
        document_id bigint NOT NULL,
        agent_key bigint NOT NULL,
        PRIMARY KEY (document_id, agent_key)
    )""",
    # Before the view: a catalogue_search_stamp *table* (statement triggers bumping it
    # under a lock held to commit); its value only seeds cache keys, so it is dropped.
    f"""DO $$ BEGIN
        IF EXISTS (SELECT FROM pg_class WHERE oid = to_regclass('{STAMP_TABLE}')
                   AND relkind = 'r') THEN
            DROP TABLE {STAMP_TABLE};
        END IF;
    END $$""",
    "DROP FUNCTION IF EXISTS catalogue_search_bump() CASCADE",
    f"CREATE TABLE IF NOT EXISTS {STAMP_VALUE_TABLE} "
    "(id integer PRIMARY KEY, value bigint NOT NULL)",
    f"INSERT INTO {STAMP_VALUE_TABLE} (id, value) VALUES (1, (random() * 9e15)::bigint) "
    "ON CONFLICT (id) DO NOTHING",
    f"""CREATE OR REPLACE VIEW {STAMP_TABLE} AS
        SELECT id, CASE WHEN current_setting('catalogue.stamp_next', true) <> ''
                        THEN {_mix("value", "current_setting('catalogue.stamp_next', true)")}
                        ELSE value END AS value
        FROM {STAMP_VALUE_TABLE}""",
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
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {AGENT_KEYS_TABLE} WHERE document_id = OLD.id;
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
    f"""CREATE OR REPLACE FUNCTION catalogue_facets_on_documentagent() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE {AGENT_KEYS_TABLE};
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM {AGENT_KEYS_TABLE}
            WHERE document_id = OLD.document_id AND agent_key = {agent_key("OLD.")};
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO {AGENT_KEYS_TABLE} (document_id, agent_key)
            VALUES (NEW.document_id, {agent_key("NEW.")}) ON CONFLICT DO NOTHING;
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
    f"""CREATE OR REPLACE FUNCTION catalogue_search_stamp_renew(write_now boolean)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        token text := {_RANDOM};
    BEGIN
        PERFORM set_config('catalogue.stamp_next', token, true);
        IF write_now THEN
            UPDATE {STAMP_VALUE_TABLE} SET value = {_mix("value", "token")} WHERE id = 1;
            PERFORM set_config('catalogue.stamp_written', token, true);
        END IF;
    END $$""",
    """CREATE OR REPLACE FUNCTION catalogue_search_stamp_statement() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM catalogue_search_stamp_renew(TG_OP = 'TRUNCATE');
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION catalogue_search_stamp_commit() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        token text := current_setting('catalogue.stamp_next', true);
    BEGIN
        IF coalesce(token, '') = '' THEN
            -- statement triggers bypassed (replication role): a fresh value all the same
            PERFORM catalogue_search_stamp_renew(true);
        ELSIF token IS DISTINCT FROM current_setting('catalogue.stamp_written', true) THEN
            UPDATE {STAMP_VALUE_TABLE} SET value = {_mix("value", "token")} WHERE id = 1;
            PERFORM set_config('catalogue.stamp_written', token, true);
        END IF;
        RETURN NULL;
    END $$""",
]


# (name, table, event before ON table, definition after it)
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
        "agent_key",
        "catalogue_documentagent",
        "AFTER INSERT OR DELETE OR UPDATE OF document_id, agent_id, role",
        "FOR EACH ROW EXECUTE FUNCTION catalogue_facets_on_documentagent()",
    ),
    (
        "agent_key_truncate",
        "catalogue_documentagent",
        "AFTER TRUNCATE",
        "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_facets_on_documentagent()",
    ),
    (
        "unit",
        "catalogue_archivalunit",
        "AFTER UPDATE OF repository_id",
        "FOR EACH ROW WHEN (OLD.repository_id IS DISTINCT FROM NEW.repository_id) "
        "EXECUTE FUNCTION catalogue_facets_on_unit()",
    ),
]
for _table in STAMPED_TABLES:
    _short = _table.removeprefix("catalogue_")
    TRIGGERS += [
        # The name of the former locking statement trigger: install replaces it.
        (
            f"stamp_{_short}",
            _table,
            "BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE",
            "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_search_stamp_statement()",
        ),
        (
            f"stamp_commit_{_short}",
            _table,
            "AFTER INSERT OR UPDATE OR DELETE",
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION catalogue_search_stamp_commit()",
        ),
    ]


def _name(name: str) -> str:
    return f"catalogue_facets_{name}"


def install(cursor):
    for statement in INSTALL:
        cursor.execute(statement)
    for name, table, event, action in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {_name(name)} ON {table}")
        kind = "CONSTRAINT TRIGGER" if action.startswith("DEFERRABLE") else "TRIGGER"
        cursor.execute(f"CREATE {kind} {_name(name)} {event} ON {table} {action}")


def drop_triggers(cursor):
    for name, table, *_ in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {_name(name)} ON {table}")
