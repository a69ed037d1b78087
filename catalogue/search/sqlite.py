"""SQLite FTS5 backend: porter-stemmed unicode61 tokens, bm25 ranking, snippet()."""

from django.db import connection
from django.db.models import F, FloatField, Func, IntegerField
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In

from catalogue.models.querysets import Unindexed

from .backend import ELLIPSIS, HIGHLIGHT_END, HIGHLIGHT_START, SearchBackend
from .query import ParsedQuery, Term, parse_query
from .schema import (
    AGENT_MARK,
    AGENT_TABLE,
    FTS_TABLE,
    SQLITE_SOURCE,
    sqlite_clear,
    sqlite_fill,
    sqlite_refresh,
    sqlite_refresh_agents,
    sqlite_statements,
)

# bm25 column weights: title, body, notes (footnotes, source note), agents, agent keys.
WEIGHTS = "10.0, 1.0, 0.5, 4.0, 4.0"
SNIPPET_TOKENS = 32


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _clause_expression(clause: list[Term]) -> str:
    def term(t: Term) -> str:
        return _quote(t.text) + ("*" if t.kind == "prefix" else "")

    return " OR ".join(term(t) for t in clause)


def match_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH string: every token quoted, so no FTS5 syntax can leak in. Agents'
    variant names are not expanded here (see ``match_sql``)."""
    return " AND ".join("(" + _clause_expression(clause) + ")" for clause in parsed.clauses)


# The keys of the agents whose names match one clause, as " OR "-joined FTS5 phrases.
_AGENT_KEYS = (
    f"(SELECT group_concat('\"' || char({AGENT_MARK}) || rowid || '\"', ' OR ') "
    f"FROM {AGENT_TABLE} WHERE {AGENT_TABLE} MATCH %s)"
)


def match_sql(parsed: ParsedQuery) -> tuple[str, list[str]]:
    """SQL computing the MATCH string in the database, and its parameters: each clause
    ``(a OR b)`` becomes ``(a OR b OR "<key of agent 12>" OR …)`` for the agents whose
    names (authorised or variant, see ``schema/``) match ``a OR b``. One uncorrelated
    subquery per clause, evaluated once: no extra round trip for the caller."""
    parts, params = [], []
    for clause in parsed.clauses:
        expression = _clause_expression(clause)
        parts.append(f"'(' || %s || COALESCE(' OR ' || {_AGENT_KEYS}, '') || ')'")
        params += [expression, expression]
    return "(" + " || ' AND ' || ".join(parts) + ")", params


# From this share of the catalogue on, a list's queries test the rows they read in an
# index's order against the matches (``restrict(by_scan=True)``) rather than read each
# match by id. The admin's document list at 100,000 documents, by id / by scan: 6.9 %
# of documents 118 / 131 ms, 10.7 % 145 / 139, 15.7 % 182 / 150, 30.8 % 281 / 172,
# 88.8 % 554 / 254 (docs/performance.md, session 13). A rare word must not walk the
# index: at 1,000,000 documents that is a million entries.
SCAN_FROM_SHARE = 0.15

# Body, notes, agents, title (numbered as ``_COLUMNS``, ``schema/fts5.py``); never 4, the keys.
_SNIPPET_COLUMNS = (1, 2, 3, 0)


def _best_excerpt(body: str, notes: str, agents: str, title: str) -> str:
    for text in (body, notes, agents, title):
        if HIGHLIGHT_START in text:
            return text
    return agents or body


class BM25(Func):
    """Higher is better (bm25 itself is lower-is-better)."""

    template = f"(-bm25(%(expressions)s, {WEIGHTS}))"
    output_field = FloatField()


class SQLiteFTSBackend(SearchBackend):
    name = "sqlite-fts5"
    compacts = True

    def _filter(self, queryset, parsed):
        return queryset.filter(search_entry__fts__match=RawSQL(*match_sql(parsed))).annotate(
            rank=BM25(F("search_entry__fts"))
        )

    def _restrict(self, queryset, parsed, *, by_scan=False):
        sql, params = match_sql(parsed)
        matching = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {sql}", params)
        if by_scan:
            # ``+id IN (…)``: the matches become a lookup table, tested per row read.
            return queryset.filter(In(Unindexed(F("pk"), output_field=IntegerField()), matching))
        return queryset.filter(pk__in=matching)

    def matched_share(self, query):
        """Matches over the highest document id: one evaluation of the match in the
        index alone (~6 ms for a word in 89 % of 100,000 documents, ~0.25 s for a
        two-letter prefix in all of them: as much as each of the list's queries
        pays for it again). Deleted documents leave gaps below the highest id, which
        only make the share look smaller: the error is towards reading by id."""
        parsed = parse_query(query)
        if not parsed:
            return 0.0
        sql, params = match_sql(parsed)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {sql}), "
                "(SELECT max(id) FROM catalogue_document)",
                params,
            )
            matched, highest = cursor.fetchone()
        return matched / highest if highest else 0.0

    def scan_pays(self, query):
        return self.matched_share(query) >= SCAN_FROM_SHARE

    def _snippets(self, ids, parsed):
        """The body's excerpt if it marks a match, else the best column's. Documents
        the visitor's words alone do not match (found through a variant of an agent's
        name) get theirs from a second query, matched as the search matched them."""
        marks = [HIGHLIGHT_START, HIGHLIGHT_END, ELLIPSIS, SNIPPET_TOKENS]
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet({FTS_TABLE}, 1, %s, %s, %s, %s), "
            f"snippet({FTS_TABLE}, -1, %s, %s, %s, %s) "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*marks, *marks, match_expression(parsed), *ids])
            rows = [(pk, body if HIGHLIGHT_START in body else best) for pk, body, best in cursor]
        found = {pk for pk, _text in rows}
        missing = [pk for pk in ids if pk not in found]
        return rows + self._snippets_by_agent_names(missing, parsed) if missing else rows

    def _snippets_by_agent_names(self, ids, parsed):
        """The keys' column (4) would show private-use keys, and snippet's best column
        may be it: body, notes, agents and title are asked for instead, and the first
        that marks a match wins; else the agents', which name whom the variant stands
        for."""
        marks = [HIGHLIGHT_START, HIGHLIGHT_END, ELLIPSIS, SNIPPET_TOKENS]
        match, match_params = match_sql(parsed)
        placeholders = ", ".join(["%s"] * len(ids))
        columns = ", ".join(
            f"snippet({FTS_TABLE}, {column}, %s, %s, %s, %s)" for column in _SNIPPET_COLUMNS
        )
        sql = (
            f"SELECT rowid, {columns} FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH {match} AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*marks * len(_SNIPPET_COLUMNS), *match_params, *ids])
            rows = cursor.fetchall()
        return [(pk, _best_excerpt(*excerpts)) for pk, *excerpts in rows]

    def index_documents(self, document_ids):
        ids = [int(i) for i in document_ids]
        if not ids:
            return
        placeholders = ", ".join(str(i) for i in ids)  # integers only
        with connection.cursor() as cursor:
            cursor.execute(SQLITE_SOURCE)  # a bulk load may have dropped it with the triggers
            for statement in sqlite_statements(sqlite_refresh(f"d.id IN ({placeholders})")):
                cursor.execute(statement)

    def index_agents(self, agent_ids):
        """Re-index these agents' names (one row each; their documents are untouched)."""
        ids = [int(i) for i in agent_ids]
        if not ids:
            return
        with connection.cursor() as cursor:
            for statement in sqlite_statements(sqlite_refresh_agents(", ".join(map(str, ids)))):
                cursor.execute(statement)

    def rebuild(self) -> int:
        self.clear()
        with connection.cursor() as cursor:
            cursor.execute(SQLITE_SOURCE)
            cursor.execute(
                sqlite_statements(sqlite_refresh_agents("SELECT id FROM catalogue_agent"))[1]
            )
            for statement in sqlite_fill():
                cursor.execute(statement)
        self.optimize()
        return self.indexed_count()

    def optimize(self) -> bool:
        """Merge each FTS5 index's segments into one.

        Why: FTS5 writes every batch's postings as a new segment and merges segments
        a little at each later write, in proportion to the number of levels; a bulk
        rebuild stops half-way through such a merge, and each later import batch pays
        to continue it. Compacted, the 100,000-document index (4.1 s to compact) took
        1,000 imported texts in 1.22 s rather than 1.35 s, and searched as fast
        (docs/performance.md, session 11). Search results are unchanged: only the
        index's storage is."""
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, AGENT_TABLE):
                cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
        return True

    def clear(self):
        with connection.cursor() as cursor:
            for statement in sqlite_clear():
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {AGENT_TABLE}")

    def indexed_count(self) -> int:
        """Rows of the index, from FTS5's one narrow row per document (a ``count(*)`` of
        the external content table would count the view's rows, reading every text)."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}_docsize")
            return cursor.fetchone()[0]
