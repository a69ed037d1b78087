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


def _array(data: bytes | None, width: int):
    """The elements of a one-dimensional ``array_send`` of non-NULL integers: a 20-byte
    header, then per element a 4-byte length and the big-endian value."""
    import numpy as np

    if not data:
        return np.zeros(0, dtype=np.int64)
    ndim, _, _ = np.frombuffer(data, dtype=">i4", count=3)
    if ndim != 1:
        raise ValueError(f"expected a one-dimensional array, got {ndim} dimensions")
    pairs = np.frombuffer(data, dtype=[("n", ">i4"), ("v", f">i{width}")], offset=20)
    if (pairs["n"] != width).any():
        raise ValueError("a NULL or mistyped element in a facet array column")
    return pairs["v"].astype(np.int64)


def facet_rows(conn, columns: dict, links: tuple, labels_sql: str):
    """The narrow rows, the link tables and the labels for ``facet_arrays``, read in one
    REPEATABLE READ transaction (one state for every statement) on ``conn``.

    Each column arrives as one ``array_send(array_agg(…))`` value fetched in binary: the
    server packs fixed-width integers and numpy views them, with no per-row Python
    object and no text. One statement per table keeps the transient bytes to one
    table's (the agent keys: 8 bytes per key and column).
    """
    import numpy as np
    import psycopg
    from django.db import transaction
    from psycopg import pq

    from catalogue.models.querysets import PUBLISHED

    from .facet_arrays import Rows
    from .facets import AGENT_KEYS_TABLE, FACETS_TABLE

    def agg(expression: str) -> str:
        return f"array_send(array_agg({expression}))"

    narrow = [
        ("document_id::int4", 4),
        ("(status = %s)::int4", 4),
        *((f"coalesce({column}, -1)::int4", 4) for column in columns.values()),
        (f"coalesce(date - {_EPOCH}, {_NULL_DAY})", 4),
        ("coalesce((extract(epoch FROM time) * 1000000)::int8, -1)", 8),
    ]
    link_tables = {
        "caveat": ("catalogue_document_caveats", "caveat_id"),
        "subject": ("catalogue_document_subjects", "subject_id"),
        "agent": (AGENT_KEYS_TABLE, "agent_key"),
    }
    outer = conn.in_atomic_block  # a transaction already open has its own snapshot
    with transaction.atomic(using=conn.alias, savepoint=False), conn.cursor() as cursor:
        if not outer:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # Django's cursors bind client-side, which returns text only: a plain psycopg
        # cursor on the same connection (and transaction) fetches binary.
        with psycopg.Cursor(conn.connection) as raw:
            raw.format = pq.Format.BINARY
            # No ORDER BY: the aggregates of one pass see the rows in the same order.
            raw.execute(
                f"SELECT {', '.join(agg(e) for e, _ in narrow)} FROM {FACETS_TABLE}", [PUBLISHED]
            )
            row = raw.fetchone()
            values = [_array(data, width) for data, (_, width) in zip(row, narrow, strict=True)]
            pairs = {}
            for facet in links:
                table, column = link_tables[facet]
                raw.execute(
                    f"SELECT {agg('document_id::int4')}, {agg(f'{column}::int4')} FROM {table}"
                )
                owner, value = raw.fetchone()
                pairs[facet] = (_array(owner, 4), _array(value, 4))
        cursor.execute(labels_sql)
        labels = cursor.fetchall()
    ids, published, *rest = values
    *narrow_columns, days, times = rest

    def iso_dates(distinct):
        epoch = np.datetime64("1970-01-01", "D")
        return [str(d) for d in (epoch + distinct.astype("timedelta64[D]")).astype(str)]

    return Rows(
        ids=ids,
        published=published.astype(bool),
        columns=dict(zip(columns, narrow_columns, strict=True)),
        date=(days, _NULL_DAY),
        time=(times, -1),
        links=pairs,
        labels=labels,
        iso_dates=iso_dates,
    )
