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
