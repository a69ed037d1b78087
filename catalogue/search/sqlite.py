"""SQLite FTS5 backend: porter-stemmed unicode61 tokens, bm25 ranking, snippet()."""

from django.db import connection
from django.db.models import F, FloatField, Func
from django.db.models.expressions import RawSQL

from .backend import ELLIPSIS, HIGHLIGHT_END, HIGHLIGHT_START, SearchBackend
from .query import ParsedQuery, Term
from .schema import FTS_TABLE, sqlite_refresh

# bm25 column weights: title, body, notes (footnotes, source note), agents.
WEIGHTS = "10.0, 1.0, 0.5, 4.0"
SNIPPET_TOKENS = 32


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def match_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH string: every token quoted, so no FTS5 syntax can leak in."""

    def term(t: Term) -> str:
        return _quote(t.text) + ("*" if t.kind == "prefix" else "")

    return " AND ".join(
        "(" + " OR ".join(term(t) for t in clause) + ")" for clause in parsed.clauses
    )


class BM25(Func):
    """Higher is better (bm25 itself is lower-is-better)."""

    template = f"(-bm25(%(expressions)s, {WEIGHTS}))"
    output_field = FloatField()


class SQLiteFTSBackend(SearchBackend):
    name = "sqlite-fts5"

    def _filter(self, queryset, parsed):
        return queryset.filter(search_entry__fts__match=match_expression(parsed)).annotate(
            rank=BM25(F("search_entry__fts"))
        )

    def _restrict(self, queryset, parsed):
        matching = RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match_expression(parsed)]
        )
        return queryset.filter(pk__in=matching)

    def _snippets(self, ids, parsed):
        marks = [HIGHLIGHT_START, HIGHLIGHT_END, ELLIPSIS, SNIPPET_TOKENS]
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet({FTS_TABLE}, 1, %s, %s, %s, %s), "
            f"snippet({FTS_TABLE}, -1, %s, %s, %s, %s) "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*marks, *marks, match_expression(parsed), *ids])
            rows = cursor.fetchall()
        return [(pk, body if HIGHLIGHT_START in body else best) for pk, body, best in rows]

    def index_documents(self, document_ids):
        ids = [int(i) for i in document_ids]
        if not ids:
            return
        placeholders = ", ".join(str(i) for i in ids)  # integers only
        with connection.cursor() as cursor:
            for statement in sqlite_refresh(f"d.id IN ({placeholders})").split(";\n"):
                cursor.execute(statement.rstrip(";"))

    def rebuild(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(sqlite_refresh("1 = 1").split(";\n")[1].rstrip(";"))
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")
            return cursor.fetchone()[0]

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")
            return cursor.fetchone()[0]
