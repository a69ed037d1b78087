"""PostgreSQL backend: weighted tsvector (title A, agents B, text C, notes D) under a
GIN index, ``ts_rank`` ranking and ``ts_headline`` snippets."""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db import connection
from django.db.models import F, Func

from .backend import ELLIPSIS, HIGHLIGHT_END, HIGHLIGHT_START, SearchBackend
from .query import ParsedQuery, Term
from .schema import AGENT_MARK, AGENT_TABLE, PG_TABLE

HEADLINE_OPTIONS = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=32, MinWords=12, "
    f'MaxFragments=2, FragmentDelimiter=" {ELLIPSIS} "'
)
REBUILD_CHUNK = 2000


def _term(term: Term) -> SearchQuery:
    """Every term is a parameter: a quoted lexeme for to_tsquery, or plain text for
    phraseto_tsquery, so nothing a visitor types is read as tsquery syntax."""
    if term.kind == "phrase":
        return SearchQuery(term.text, search_type="phrase", config="english")
    if term.kind == "plain":  # a phrase's words in any order (facet_engine.py's prefilter)
        return SearchQuery(term.text, search_type="plain", config="english")
    suffix = ":*" if term.kind == "prefix" else ""
    return SearchQuery(f"'{term.text}'{suffix}", search_type="raw", config="english")


class WithAgentKeys(SearchQuery):
    """``clause || (keys of the agents whose names match clause)``: a document is found
    by any recorded name of its agents (see ``schema.py``). The subquery is uncorrelated,
    so PostgreSQL runs it once per statement (an InitPlan). A ``SearchQuery`` so that
    ``vector=…`` lookups and ``&``/``|`` take it as one."""

    def __init__(self, clause):
        self.config = getattr(clause, "config", None)
        self.invert = False
        Func.__init__(self, clause, output_field=SearchQueryField())

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        keys = (
            f"(SELECT string_agg(quote_literal(chr({AGENT_MARK}) || a.rowid), ' | ')::tsquery "
            f"FROM {AGENT_TABLE} a WHERE a.vector @@ ({sql}))"
        )
        return f"COALESCE(({sql}) || {keys}, ({sql}))", [*params, *params, *params]


def search_query(parsed: ParsedQuery) -> SearchQuery:
    return reduce(
        and_,
        [WithAgentKeys(reduce(or_, [_term(t) for t in clause])) for clause in parsed.clauses],
    )


class PostgresBackend(SearchBackend):
    name = "postgresql"

    def _filter(self, queryset, parsed):
        query = search_query(parsed)
        return queryset.filter(search_entry__vector=query).annotate(
            rank=SearchRank(F("search_entry__vector"), query)
        )

    def _snippets(self, ids, parsed):
        with connection.cursor() as cursor:
            query_sql, query_params = _compile(search_query(parsed))
            cursor.execute(
                f"SELECT rowid, ts_headline('english', body, {query_sql}, %s), "
                f"ts_headline('english', notes || ' ' || agents || ' ' || title, {query_sql}, %s) "
                f"FROM {PG_TABLE} WHERE rowid = ANY(%s)",
                [*query_params, HEADLINE_OPTIONS, *query_params, HEADLINE_OPTIONS, list(ids)],
            )
            rows = cursor.fetchall()
        return [(pk, body if HIGHLIGHT_START in body else other) for pk, body, other in rows]

    def index_documents(self, document_ids):
        ids = [int(i) for i in document_ids]
        if ids:
            with connection.cursor() as cursor:
                cursor.execute("SELECT catalogue_search_refresh(%s::bigint[])", [ids])

    def index_agents(self, agent_ids):
        """Re-index these agents' names (one row each; their documents are untouched)."""
        ids = [int(i) for i in agent_ids]
        if ids:
            with connection.cursor() as cursor:
                cursor.execute("SELECT catalogue_search_refresh_agents(%s::bigint[])", [ids])

    def rebuild(self) -> int:
        self.clear()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT catalogue_search_refresh_agents(ARRAY(SELECT id FROM catalogue_agent))"
            )
            # In chunks: ``id = ANY(ids)`` over a whole catalogue's ids is checked row by
            # row against the array, quadratic in the catalogue (547 s at 100,000).
            cursor.execute("SELECT id FROM catalogue_document ORDER BY id")
            ids = [row[0] for row in cursor.fetchall()]
            for start in range(0, len(ids), REBUILD_CHUNK):
                cursor.execute(
                    "SELECT catalogue_search_refresh(%s::bigint[])",
                    [ids[start : start + REBUILD_CHUNK]],
                )
            cursor.execute(f"SELECT count(*) FROM {PG_TABLE}")
            return cursor.fetchone()[0]

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PG_TABLE}")
            cursor.execute(f"DELETE FROM {AGENT_TABLE}")

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {PG_TABLE}")
            return cursor.fetchone()[0]


def _compile(expression):
    """SQL and parameters of a standalone search expression."""
    from catalogue.models import Document

    query = Document.objects.all().query
    compiler = query.get_compiler(connection=connection)
    resolved = expression.resolve_expression(query)
    return compiler.compile(resolved)


# --- the facet arrays' rows (``facet_arrays.py``) ------------------------------------------

_EPOCH = "DATE '1970-01-01'"
_NULL_DAY = -(2**31)
# Document ids per statement: the transient bytes of one statement stay bounded (at most
# ~40 MB for a chunk's agent keys) whatever the catalogue's size.
LOAD_CHUNK = 250_000


def _array(data: bytes | None, width: int):
    """The integers of a ``string_agg`` of ``int4send``/``int8send`` (big-endian, packed)."""
    import numpy as np

    native = np.int32 if width == 4 else np.int64
    if not data:
        return np.zeros(0, dtype=native)
    return np.frombuffer(data, dtype=f">i{width}").astype(native)


def facet_rows(conn, columns: dict, links: tuple, labels_sql: str):
    """The narrow rows, the link tables and the labels for ``facet_arrays``, read in one
    REPEATABLE READ transaction (one state for every statement) on ``conn``.

    Each column arrives as one ``string_agg`` of the values' binary send form, fetched in
    binary: the server packs fixed-width integers and numpy views them, with no per-row
    Python object and no text (``array_agg``/``array_send`` cost the server ~30 % more
    and sent a length before each value). Statements cover ``LOAD_CHUNK`` document ids each and fill
    arrays allocated once for the whole id range, so the transient memory is one
    chunk's, not the catalogue's.
    """
    import numpy as np
    import psycopg
    from django.db import transaction
    from psycopg import pq

    from catalogue.models.querysets import PUBLISHED

    from .facet_snapshot import Rows
    from .facets import AGENT_KEYS_TABLE, FACETS_TABLE

    def agg(expression: str, width: int = 4) -> str:
        # Never NULL (each expression coalesces): string_agg would skip it, misaligning.
        return f"string_agg(int{width}send({expression}), '')"

    # (expression, width, value where no row)
    narrow = [
        ("(status = %s)::int4", 4, 0),
        *((f"coalesce({column}, -1)::int4", 4, -1) for column in columns.values()),
        (f"coalesce(date - {_EPOCH}, {_NULL_DAY})", 4, _NULL_DAY),
        # date_part is float8 (exact to the microsecond within a day); extract is numeric.
        ("coalesce(round(date_part('epoch', time) * 1000000)::int8, -1)", 8, -1),
    ]
    link_tables = {
        "caveat": ("catalogue_document_caveats", "caveat_id"),
        "subject": ("catalogue_document_subjects", "subject_id"),
        "agent": (AGENT_KEYS_TABLE, "agent_key"),
    }
    within = "WHERE document_id >= %s AND document_id < %s"
    outer = conn.in_atomic_block  # a transaction already open has its own snapshot
    with transaction.atomic(using=conn.alias, savepoint=False), conn.cursor() as cursor:
        if not outer:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # Django's cursors bind client-side, which returns text only: a plain psycopg
        # cursor on the same connection (and transaction) fetches binary.
        with psycopg.Cursor(conn.connection) as raw:
            raw.format = pq.Format.BINARY
            raw.execute(f"SELECT coalesce(max(document_id), 0)::int8 FROM {FACETS_TABLE}")
            size = int(raw.fetchone()[0]) + 1
            filled = [
                np.full(size, empty, dtype=np.int32 if width == 4 else np.int64)
                for _, width, empty in narrow
            ]
            counts = {facet: np.zeros(size, dtype=np.int64) for facet in links}
            parts = {facet: [] for facet in links}
            for low in range(0, size, LOAD_CHUNK):
                bounds = [low, low + LOAD_CHUNK]
                # No ORDER BY: the aggregates of one pass see the rows in the same order.
                raw.execute(
                    f"SELECT {agg('document_id::int4')}, "
                    f"{', '.join(agg(e, w) for e, w, _ in narrow)} FROM {FACETS_TABLE} {within}",
                    [PUBLISHED, *bounds],
                )
                ids, *values = raw.fetchone()
                ids = _array(ids, 4)
                for column, data, (_, width, _) in zip(filled, values, narrow, strict=True):
                    column[ids] = _array(data, width)
                del ids, values
                for facet in links:
                    table, column = link_tables[facet]
                    raw.execute(
                        f"SELECT {agg('document_id::int4')}, {agg(f'{column}::int4')} "
                        f"FROM {table} {within}",
                        bounds,
                    )
                    owner, value = (_array(data, 4) for data in raw.fetchone())
                    if owner.size:
                        counts[facet] += np.bincount(owner, minlength=size)
                        parts[facet].append(value[np.argsort(owner, kind="stable")])
                    del owner, value
        cursor.execute(labels_sql)
        labels = cursor.fetchall()
    published, *narrow_columns, days, times = filled

    def iso_dates(distinct):
        epoch = np.datetime64("1970-01-01", "D")
        return [str(d) for d in (epoch + distinct.astype("timedelta64[D]")).astype(str)]

    csr = {}
    for facet in links:
        offsets = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(counts.pop(facet), out=offsets[1:])
        values = parts.pop(facet)
        csr[facet] = offsets, np.concatenate(values) if values else np.zeros(0, np.int32)
        del values

    return Rows(
        ids=np.arange(size),
        published=published.astype(bool),
        columns=dict(zip(columns, narrow_columns, strict=True)),
        date=(days, _NULL_DAY),
        time=(times, -1),
        links={},
        labels=labels,
        iso_dates=iso_dates,
        indexed=True,
        csr=csr,
    )
