"""PostgreSQL backend: weighted tsvector (title A, agents B, text C, notes D) under a
GIN index, ``ts_rank`` ranking and ``ts_headline`` snippets."""

from django.db import connection
from django.db.models.expressions import RawSQL

from .backend import ELLIPSIS, HIGHLIGHT_END, HIGHLIGHT_START, CorrelatedRank, SearchBackend
from .query import ParsedQuery
from .schema import PG_TABLE

HEADLINE_OPTIONS = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=32, MinWords=12, "
    f'MaxFragments=2, FragmentDelimiter=" {ELLIPSIS} "'
)


def tsquery_sql(parsed: ParsedQuery) -> tuple[str, list[str]]:
    """A tsquery expression with every term passed as a parameter, never spliced in."""
    params: list[str] = []

    def term(t) -> str:
        if t.kind == "phrase":
            params.append(t.text)
            return "phraseto_tsquery('english', %s)"
        params.append(f"'{t.text}'" + (":*" if t.kind == "prefix" else ""))
        return "to_tsquery('english', %s)"

    sql = " && ".join("(" + " || ".join(term(t) for t in clause) + ")" for clause in parsed.clauses)
    return f"({sql})", params


class PostgresBackend(SearchBackend):
    name = "postgresql"

    def _filter(self, queryset, parsed):
        tsquery, params = tsquery_sql(parsed)
        matching = RawSQL(f"SELECT document_id FROM {PG_TABLE} WHERE vector @@ {tsquery}", params)
        rank = CorrelatedRank(
            f"(SELECT ts_rank(s.vector, {tsquery}) FROM {PG_TABLE} s WHERE s.document_id = {{pk}})",
            params,
        )
        return queryset.filter(pk__in=matching).annotate(rank=rank)

    def _snippets(self, ids, parsed):
        tsquery, params = tsquery_sql(parsed)
        sql = (
            f"SELECT document_id, ts_headline('english', body, {tsquery}, %s), "
            f"ts_headline('english', notes || ' ' || agents || ' ' || title, {tsquery}, %s) "
            f"FROM {PG_TABLE} WHERE document_id = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, HEADLINE_OPTIONS, *params, HEADLINE_OPTIONS, list(ids)])
            rows = cursor.fetchall()
        return [(pk, body if HIGHLIGHT_START in body else other) for pk, body, other in rows]

    def index_documents(self, document_ids):
        ids = [int(i) for i in document_ids]
        if ids:
            with connection.cursor() as cursor:
                cursor.execute("SELECT catalogue_search_refresh(%s::bigint[])", [ids])

    def rebuild(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PG_TABLE}")
            cursor.execute(
                "SELECT catalogue_search_refresh(ARRAY(SELECT id FROM catalogue_document))"
            )
            cursor.execute(f"SELECT count(*) FROM {PG_TABLE}")
            return cursor.fetchone()[0]

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PG_TABLE}")

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {PG_TABLE}")
            return cursor.fetchone()[0]
