"""The facet engine: one statement answers the public search page's count, every
facet and the ranked page, over the narrow rows of ``facets.py``.

The matches (``m``) are materialised once in a common table expression and each facet
is a grouped pass over it (many-to-many facets probe the covering unique indexes of
their link tables). The result page ranks only the matches that pass every filter.
Counts and page ids are cached under the filter state and the change stamp.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from django.core.cache import cache
from django.db import connections, router

from .facet_sql import FACET_SQL, MATERIALISED, at_most_one_fails, in_list
from .facets import (
    CACHE_SECONDS,
    FACETS_TABLE,
    ROW_COLUMNS,
    VENDORS,
    change_stamp,
    is_installed,
)

SORTS = {
    "date": "m.date IS NULL, m.date, m.time IS NULL, m.time, m.document_id",
    "-date": "m.date IS NULL, m.date DESC, m.time IS NULL, m.time DESC, m.document_id DESC",
}
# Filters this engine evaluates itself; any other filter in force (``status``, staff
# only) sends the request down the general queryset path.
SUPPORTED = {
    "q",
    "sort",
    "type",
    "classification",
    "caveat",
    "repository",
    "unit",
    "agent",
    "role",
    "date_from",
    "date_to",
    "subject",
}
# Left out by the date facet alone. Without a query they bound ``m`` outright (read by
# the date index) and the date facet groups the narrow table itself, in date order.
DATE_FILTERS = ("date_from", "date_to")


def read_alias() -> str:
    """The database a search reads: the router's choice for documents (a replica, or the
    primary for a request pinned after a write), taken once per engine so that the stamp,
    the counts, the page and the facet arrays all come from the same database."""
    from catalogue.models import Document

    return router.db_for_read(Document)


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


class FacetEngine:
    """Counts and result pages for one valid, public (published-only) filter state."""

    def __init__(self, filterset, alias: str | None = None):
        from catalogue.models.querysets import PUBLISHED

        from .query import parse_query

        self.filterset = filterset
        self.data = filterset.form.cleaned_data
        self.status = PUBLISHED
        self.query = (self.data.get("q") or "").strip()
        self.parsed = parse_query(self.query) if self.query else None
        self.empty = self.parsed is not None and not self.parsed
        self.sort = self.data.get("sort") or "relevance"
        self.window = None
        self._pages = {}
        self.alias = alias or read_alias()
        self.connection = connections[self.alias]
        self.pg = self.connection.vendor == "postgresql"
        # SQLite: CROSS JOIN fixes the join order; PostgreSQL's CROSS JOIN takes no ON.
        self._join = "JOIN" if self.pg else "CROSS JOIN"

    @classmethod
    def for_filterset(cls, filterset) -> FacetEngine | None:
        alias = read_alias()
        conn = connections[alias]
        if conn.vendor not in VENDORS or not filterset.is_valid():
            return None
        active = {name for name, value in filterset.form.cleaned_data.items() if value}
        if active - SUPPORTED or not is_installed(conn):
            return None
        return cls(filterset, alias)

    # --- SQL pieces ---------------------------------------------------------------------

    def _match(self) -> tuple[str, list]:
        from .schema import FTS_TABLE

        if self.pg:
            return f"{FTS_TABLE}.vector @@ ({self._tsquery[0]})", list(self._tsquery[1])
        from .sqlite import match_sql

        # match_sql: each clause also matches the agent keys of agents named by it.
        sql, params = match_sql(self.parsed)
        return f"{FTS_TABLE} MATCH {sql}", params

    @property
    def _tsquery(self) -> tuple[str, list]:
        """PostgreSQL: the visitor's query as the general path builds it (agent keys
        included), compiled once."""
        if not hasattr(self, "_compiled"):
            from .postgres import _compile, search_query

            sql, params = _compile(search_query(self.parsed))
            self._compiled = sql, list(params)
        return self._compiled

    def _score(self) -> str:
        from .schema import FTS_TABLE

        if self.pg:
            return f"ts_rank({FTS_TABLE}.vector, ({self._tsquery[0]}))"
        from .sqlite import WEIGHTS

        return f"bm25({FTS_TABLE}, {WEIGHTS})"

    def _score_params(self) -> list:
        return list(self._tsquery[1]) if self.pg else []

    def _rank_order(self, score: str) -> str:
        """The general path's ``-rank, date, time, pk`` (bm25 is lower-is-better; each
        database puts NULL dates where its ``ORDER BY date`` does)."""
        return (
            f"{score} DESC, m.date, m.time, m.document_id"
            if self.pg
            else f"{score}, m.date, m.time, m.document_id"
        )

    def _condition(self, name, value) -> tuple[str, list] | None:
        from catalogue.models import ArchivalUnit, Document, DocumentAgent

        if not value:
            return None
        if name == "type":
            return in_list("m.doc_type_id", [v.pk for v in value])
        if name == "classification":
            return in_list("m.classification_id", [v.pk for v in value])
        if name == "repository":
            return "m.repository_id = %s", [value.pk]
        if name == "date_from":
            return "m.date >= %s", [value if self.pg else value.isoformat()]
        if name == "date_to":
            return "m.date <= %s", [value if self.pg else value.isoformat()]
        if name == "unit":
            sql, params = _sql(
                ArchivalUnit.objects.filter(tree_path__startswith=value.tree_path)
                .order_by()
                .values("pk")
            )
            return f"m.unit_id IN ({sql})", params
        if name in ("caveat", "subject"):
            field = "caveats" if name == "caveat" else "subjects"
            through = getattr(Document, field).through
            target = "caveat" if name == "caveat" else "subject"
            sql, params = _sql(
                through.objects.filter(**{f"{target}__in": [v.pk for v in value]})
                .order_by()
                .values("document_id")
            )
            return f"m.document_id IN ({sql})", params
        if name == "agent":
            roles = DocumentAgent.objects.filter(agent=value)
            if self.data.get("role"):
                roles = roles.filter(role=self.data["role"])
            sql, params = _sql(roles.order_by().values("document_id"))
            return f"m.document_id IN ({sql})", params
        return None

    def _where(self, without=()) -> tuple[str, list]:
        parts, params = ["1 = 1"], []
        for name, value in self.data.items():
            if name in without or name in ("q", "sort", "role"):
                continue
            condition = self._condition(name, value)
            if condition:
                parts.append(condition[0])
                params += condition[1]
        return " AND ".join(parts), params

    def _base(self, score: bool = False) -> tuple[str, list]:
        """The published matches (every published document when there is no query) that
        fail at most one filter in force: a facet leaves out only its own filter, so a
        row failing two is counted nowhere, and the set to materialise shrinks."""
        from .schema import FTS_TABLE

        hard = DATE_FILTERS if self._dates_apart else ()
        conditions = [
            condition
            for name, value in self.data.items()
            if name not in ("q", "sort", "role", *hard)
            and (condition := self._condition(name, value)) is not None
        ]
        near, near_params = at_most_one_fails(conditions)
        near = f" AND ({near})" if len(conditions) > 1 else ""
        if hard:
            dates, date_params = self._where(without=set(self.data) - set(hard))
            near, near_params = f" AND {dates}{near}", [*date_params, *near_params]
        # Only what the groupings and the page read (status is always published here):
        # each materialised row is written and read back, so narrower is cheaper.
        narrow = ", ".join(f"m.{column}" for column in MATERIALISED)
        if self.parsed is None:
            return (
                f"SELECT {narrow} FROM {FACETS_TABLE} m WHERE m.status = %s{near}",
                [self.status, *near_params],
            )
        if self.pg and self._loose is not None:
            return self._phrase_base(score, near, near_params)
        match, params = self._match()
        columns, column_params = narrow, []
        if score:
            # Ranked only where every filter passes: bm25 / ts_rank is the costly part.
            where, column_params = self._where()
            columns = f"{narrow}, CASE WHEN {where} THEN {self._score()} END AS score"
            column_params += self._score_params()
        # The filter test before the status test: most matches are published, while
        # most fail the filters, so the text comparison then runs on fewer rows.
        return (
            f"SELECT {columns} FROM {FTS_TABLE} {self._join} {FACETS_TABLE} m "
            f"ON m.document_id = {FTS_TABLE}.rowid WHERE {match}{near} AND m.status = %s",
            [*column_params, *params, *near_params, self.status],
        )

    @property
    def _loose(self) -> tuple[str, list] | None:
        """PostgreSQL, a query with a phrase: the same query with each phrase's words
        merely ANDed (a superset of the matches). GIN answers it without reading a
        vector; checking the phrase means detoasting each candidate's vector, so it is
        done only for candidates left after the narrow filters."""
        if not hasattr(self, "_loose_sql"):
            self._loose_sql = None
            if any(t.kind == "phrase" for clause in self.parsed.clauses for t in clause):
                from .postgres import _compile, search_query
                from .query import ParsedQuery, Term

                loose = ParsedQuery(
                    [
                        [Term(t.text, "plain" if t.kind == "phrase" else t.kind) for t in c]
                        for c in self.parsed.clauses
                    ]
                )
                sql, params = _compile(search_query(loose))
                self._loose_sql = sql, list(params)
        return self._loose_sql

    def _phrase_base(self, score, near, near_params) -> tuple[str, list]:
        from .schema import FTS_TABLE

        loose, loose_params = self._loose
        exact, exact_params = self._tsquery
        columns = ", ".join(f"m.{c.strip()}" for c in ROW_COLUMNS.split(","))
        column_params = []
        if score:
            where, column_params = self._where()
            columns += f", CASE WHEN {where} THEN ts_rank(m.vector, ({exact})) END AS score"
            column_params += exact_params
        # OFFSET 0 keeps the inner select whole, so the phrase filters its output.
        return (
            f"SELECT {columns} FROM (SELECT m.*, {FTS_TABLE}.vector FROM {FTS_TABLE} "
            f"JOIN {FACETS_TABLE} m ON m.document_id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE}.vector @@ ({loose}) AND m.status = %s{near} OFFSET 0) m "
            f"WHERE m.vector @@ ({exact})",
            [*column_params, *loose_params, self.status, *near_params, *exact_params],
        )

    @property
    def _dates_apart(self) -> bool:
        """No query and a date filter in force: only the date facet leaves the dates
        out, so it counts from the narrow table and every other pass reads only the
        range's rows (a fifth of the catalogue for a week), not every published row."""
        return self.parsed is None and any(self.data.get(name) for name in DATE_FILTERS)

    # --- counts -------------------------------------------------------------------------

    def counts(self, specs, limit: int) -> dict:
        """``{"total": n, facet name: [row dicts in FacetSpec.group shape]}``, cached by
        the filter state and the catalogue's change stamp."""
        if self.empty:
            return {"total": 0, **{spec.name: [] for spec in specs}}
        key = self._cache_key("facets", limit=limit)
        cached = cache.get(key)
        if cached is not None:
            return cached
        with self.connection.cursor() as cursor:
            result = self._count(cursor, specs, limit)
        cache.set(key, result, CACHE_SECONDS)
        for window, ids in self._pages.items():
            cache.set(self._page_key(*window), ids, CACHE_SECONDS)
        return result

    def prefetch_page(self, offset: int, limit: int):
        """Ask for this page's ids with the counts: the counting statement then ranks
        the filtered matches it has already materialised, saving a second full-text pass."""
        if self.can_page():
            self.window = (int(offset), int(limit))

    def stamp(self) -> int:
        if not hasattr(self, "_stamp"):
            self._stamp = change_stamp(self.alias)
        return self._stamp

    def _cache_key(self, kind, **extra) -> str:
        state = {
            name: _plain(value)
            for name, value in sorted(self.data.items())
            if (name != "sort" or kind == "page") and value
        }
        state.update(extra)
        digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()
        return f"search-{kind}:{self.stamp()}:{digest}"

    def _page_key(self, offset, limit) -> str:
        return self._cache_key("page", offset=offset, limit=limit)

    def _count(self, cursor, specs, limit) -> dict:
        # m: the matches failing at most one filter; a: those passing every filter, which
        # the total and each facet whose own filter is not in force count.
        ranked = self.window is not None and self.sort == "relevance"
        base, params = self._base(score=ranked)
        where, where_params = self._where()
        params += where_params
        # PostgreSQL types each column of a UNION: the values and notes go out as text.
        text = "::text" if self.pg else ""
        branches = [("SELECT 'total', NULL, NULL, NULL, count(*) FROM a", [])]
        if self.window is not None:
            order = self._rank_order("m.score") if ranked else SORTS[self.sort]
            offset, size = self.window
            # The page's rows first (a top-N sort), then numbered: a window over all of
            # ``a`` would sort every filtered match.
            branches.append(
                (
                    f"SELECT * FROM (SELECT 'page', m.document_id{text}, NULL, NULL, "
                    f"row_number() OVER (ORDER BY {order}) FROM (SELECT * FROM a AS m "
                    f"ORDER BY {order} LIMIT {size} OFFSET {offset}) AS m) AS page",
                    [],
                )
            )
        for i, spec in enumerate(specs):
            own, own_params = self._where(spec.params)
            if own_params == where_params and own == where:
                source, own, own_params = "a AS m", "1 = 1", []
            elif spec.name == "date" and self._dates_apart:
                source = f"{FACETS_TABLE} m"
                own, own_params = f"m.status = %s AND {own}", [self.status, *own_params]
            else:
                source = "m"
            branch = FACET_SQL[spec.name].format(
                source=source, where=own, limit=int(limit), text=text, join=self._join
            )
            branches.append((f"SELECT * FROM ({branch}) AS f{i}", own_params))
        sql = (
            f"WITH m AS MATERIALIZED ({base}), "
            f"a AS MATERIALIZED (SELECT * FROM m WHERE {where}) "
            + " UNION ALL ".join(b for b, _ in branches)
        )
        for _, branch_params in branches:
            params += branch_params
        cursor.execute(sql, params)
        result = {"total": 0, **{spec.name: [] for spec in specs}}
        groups = {spec.name: spec.group for spec in specs}
        page = []
        for facet, a, b, c, n in cursor.fetchall():
            if facet == "total":
                result["total"] = n
                continue
            if facet == "page":
                page.append((n, int(a)))
                continue
            group = groups[facet]
            if facet == "date":
                a = date.fromisoformat(a)
            elif facet in ("unit", "agent"):
                a = int(a)
            elif facet == "classification":
                c = int(c)
            row = dict(zip(group, (a, b, c)[: len(group)], strict=True))
            row["n"] = n
            result[facet].append(row)
        if self.window is not None:
            self._pages[self.window] = [pk for _, pk in sorted(page)]
        return result

    # --- result pages -------------------------------------------------------------------

    def can_page(self) -> bool:
        return self.sort in SORTS or (self.sort == "relevance" and self.parsed is not None)

    def page_ids(self, offset: int, limit: int) -> list[int]:
        """The ids of one result page: prefetched with the counts, cached, or ranked now."""
        if self.empty:
            return []
        window = (int(offset), int(limit))
        for (start, size), ids in self._pages.items():
            # The paginator may shorten the last page it prefetched ("orphans").
            if start == window[0] and size >= window[1]:
                return ids[: window[1]]
        key = self._page_key(*window)
        ids = cache.get(key)
        if ids is None:
            ids = self._page_ids(*window)
            cache.set(key, ids, CACHE_SECONDS)
        self._pages[window] = ids
        return ids

    def _page_ids(self, offset: int, limit: int) -> list[int]:
        from .schema import FTS_TABLE

        where, params = self._where()
        sort = self.sort
        if self.parsed is not None:
            match, match_params = self._match()
            source = (
                f"{FTS_TABLE} {self._join} {FACETS_TABLE} m ON m.document_id = {FTS_TABLE}.rowid"
            )
            prefix, prefix_params = f"{match} AND ", match_params
        else:
            source, prefix, prefix_params = f"{FACETS_TABLE} m", "", []
        order_params = []
        if sort == "relevance":
            order, order_params = self._rank_order(self._score()), self._score_params()
        else:
            order = SORTS[sort]
        sql = (
            f"SELECT m.document_id FROM {source} WHERE {prefix}m.status = %s AND {where} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    *prefix_params,
                    self.status,
                    *params,
                    *order_params,
                    int(limit),
                    int(offset),
                ],
            )
            return [pk for (pk,) in cursor.fetchall()]


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    try:
        return sorted(_plain(v) for v in value)
    except TypeError:
        return str(value)
