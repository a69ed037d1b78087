"""Facet counts over an in-process columnar copy of the narrow facet rows (SQLite and
PostgreSQL).

Why: at 100,000 documents the one counting statement of ``facet_engine`` spends most of
its time probing, testing and materialising the narrow row of each full-text hit and
re-scanning them per facet. Here the narrow rows (``facets.FACETS_TABLE``), the agent
keys, caveat and subject links and the facet labels are copied once into numpy arrays
indexed by document id; a search then fetches only its hits' ids from the full-text
index and counts every facet with vector operations (one mask per filter, ``bincount``
per facet). Only the relevance page goes back to SQL, ranking just the ids that pass
every filter, with the engine's own ``ORDER BY`` (same order, ties included).

The copy is one immutable ``Snapshot`` keyed on the change stamp (``facets.change_stamp``,
renewed by triggers on every write): a search that sees another stamp loads a new one and
swaps it in with one assignment, so concurrent requests each read a whole snapshot.
A stale snapshot is reloaded only when the time since the last load is at least
``SEARCH_FACET_ARRAYS_RELOAD_GAP`` times that load's duration (default 10); until then
searches take the SQL path, with the same results. A load costs ~0.3 s at 100,000
documents: without the gap, a catalogue written to every few seconds had every process
reloading on most searches. ``SEARCH_FACET_ARRAYS`` names the databases that use them
(default SQLite only: a load takes ~25 s at 1,000,000 documents on PostgreSQL; ``True``
both, ``False`` none).

Both vendors: the rows come from the database the engine reads (``FacetEngine.alias``,
the router's choice: a replica, or the primary for a request that wrote), and the key is
that database's name and stamp (a replica replays the primary's stamp with its data).
PostgreSQL's loader is ``postgres.facet_rows`` (binary packed columns, in chunks, in one
REPEATABLE READ transaction); its dates are ranked as days, which order as PostgreSQL
compares dates; ties between facet values follow each database's collation and NULL
order (label positions from the database itself).
"""

from __future__ import annotations

import bisect
import json
import time
from datetime import date

import numpy as np
from django.conf import settings
from django.db import connection

from .facet_engine import SORTS, SUPPORTED, FacetEngine
from .facet_snapshot import COLUMNS, LINKS, Snapshot, build, integers, labels_sql, sqlite_rows
from .facets import FACETS_TABLE, ROLE_SLOTS, ROLES, VENDORS

# The arrays evaluate the filters the SQL engine does; any other in force (``status``,
# staff only) goes down the general path, as there.
ARRAY_FILTERS = SUPPORTED


def enabled(conn=None) -> bool:
    conn = conn or connection
    wanted = getattr(settings, "SEARCH_FACET_ARRAYS", ("sqlite",))
    if wanted is True:
        wanted = VENDORS
    return bool(wanted) and conn.vendor in VENDORS and conn.vendor in wanted


_SNAPSHOT: Snapshot | None = None
_LAST_LOAD = (0.0, 0.0)  # (monotonic time it ended, seconds it took)


def _key(conn, stamp) -> tuple:
    # The database's name, not its alias: a replica replays the primary's stamp with its
    # data, so one snapshot serves both under the same stamp.
    return (conn.vendor, conn.settings_dict["NAME"], stamp)


def snapshot(stamp, conn=None) -> Snapshot:
    """The snapshot for this database and change stamp, loaded now (from ``conn``, the
    database the search reads) if the one held is older or another database's."""
    global _SNAPSHOT, _LAST_LOAD
    conn = conn or connection
    key = _key(conn, stamp)
    held = _SNAPSHOT
    if held is not None and held.stamp == key and stamp is not None:
        return held
    started = time.monotonic()
    held = load(key, conn)
    ended = time.monotonic()
    _SNAPSHOT, _LAST_LOAD = held, (ended, ended - started)
    return held


def may_use(stamp, conn=None) -> bool:
    """Whether a search under ``stamp`` should use the arrays: the held snapshot is
    current, or none is held, or the last load was long enough ago to load again."""
    held = _SNAPSHOT
    if held is None or held.stamp == _key(conn or connection, stamp):
        return True
    ended, took = _LAST_LOAD
    gap = getattr(settings, "SEARCH_FACET_ARRAYS_RELOAD_GAP", 10)
    return time.monotonic() - ended >= gap * took


def load(stamp, conn=None) -> Snapshot:
    conn = conn or connection
    if conn.vendor == "postgresql":
        from .postgres import facet_rows

        rows = facet_rows(conn, COLUMNS, LINKS, labels_sql(pg=True))
    else:
        rows = sqlite_rows(conn)
    return build(stamp, rows)


def _has_any(snap: Snapshot, facet: str, hits: np.ndarray, test) -> np.ndarray:
    """Per hit: whether any of its link values passes ``test`` (a mask over values)."""
    offsets, values = snap.links[facet]
    passing = np.concatenate(([0], np.cumsum(test(values))))
    return passing[offsets[hits + 1]] - passing[offsets[hits]] > 0


def _top(distinct: np.ndarray, counts: np.ndarray, limit: int):
    """The values whose count reaches the ``limit``-th highest, ties included: a facet
    shows ``limit`` values ordered by count first, so (when at least ``limit`` of them
    have labels) its values are among these. For a common name the facets have ~1,900
    values in all; a row built, labelled and sorted for each cost 3–6 ms of CPU a
    search (docs/performance.md, session 8)."""
    threshold = np.partition(counts, counts.size - limit)[counts.size - limit]
    keep = counts >= threshold
    return distinct[keep], counts[keep]


def _link_values(snap: Snapshot, facet: str, hits: np.ndarray) -> np.ndarray:
    """The link values of these documents, concatenated."""
    offsets, values = snap.links[facet]
    starts = offsets[hits]
    lengths = offsets[hits + 1] - starts
    before = np.cumsum(lengths) - lengths
    return values[np.arange(int(lengths.sum())) + np.repeat(starts - before, lengths)]


class ArrayFacetEngine(FacetEngine):
    """The facet engine with counts and date-ordered pages from a ``Snapshot``; same
    results as the SQL statement of ``FacetEngine`` for every filter state."""

    @classmethod
    def for_filterset(cls, filterset):
        engine = FacetEngine.for_filterset(filterset)
        if engine is None or not enabled(engine.connection):
            return engine
        active = {name for name, value in engine.data.items() if value}
        if active - ARRAY_FILTERS or not may_use(engine.stamp(), engine.connection):
            return engine
        arrays = cls(filterset, engine.alias)
        arrays._stamp = engine.stamp()  # read once per request
        return arrays

    # --- hits and filter masks ------------------------------------------------------------

    def _snapshot(self) -> Snapshot:
        if not hasattr(self, "_snap"):
            self._snap = snapshot(self.stamp(), self.connection)
        return self._snap

    def _hits(self, snap: Snapshot) -> np.ndarray:
        """The published documents matching the query (all published ones without one)."""
        size = snap.published.size
        if self.parsed is None:
            return np.flatnonzero(snap.published)
        match, params = self._match()
        from .schema import FTS_TABLE

        phrase = self.pg and self._loose is not None
        if phrase:
            # As the SQL engine: the phrase's words ANDed (GIN alone), the phrase itself
            # checked (each vector detoasted) only for rows failing at most one filter,
            # the only ones any count or page reads.
            match, params = f"{FTS_TABLE}.vector @@ ({self._loose[0]})", self._loose[1]
        # One statement, one string of ids (PostgreSQL: the tsvector match under GIN).
        concat = "string_agg(rowid::text, ',')" if self.pg else "group_concat(rowid)"
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {concat} FROM {FTS_TABLE} WHERE {match}", params)
            ids = integers(cursor.fetchone()[0])
            ids = ids[(ids >= 0) & (ids < size)]
            ids = ids[snap.published[ids]]
            if phrase and ids.size:
                ids = ids[self._fails(self._masks(snap, ids), ids) <= 1]
                exact, exact_params = self._tsquery
                cursor.execute(
                    f"SELECT {concat} FROM {FTS_TABLE} WHERE rowid = ANY(%s) "
                    f"AND vector @@ ({exact})",
                    [ids.tolist(), *exact_params],
                )
                ids = integers(cursor.fetchone()[0])
        return ids

    def _passes(self, snap: Snapshot, hits: np.ndarray, name: str, value) -> np.ndarray | None:
        """The hits passing one filter (as ``FacetEngine._condition`` tests it)."""
        if not value:
            return None
        if name in ("type", "classification"):
            return np.isin(snap.columns[name][hits], [v.pk for v in value])
        if name == "repository":
            return snap.columns["repository"][hits] == value.pk
        if name in ("date_from", "date_to"):
            day = snap.date[hits]
            text = value.isoformat()
            if name == "date_from":
                return (day >= 0) & (day >= bisect.bisect_left(snap.dates, text))
            return (day >= 0) & (day < bisect.bisect_right(snap.dates, text))
        if name == "unit":
            units = [
                pk
                for pk, (_, _, path, _) in snap.labels.get("unit", {}).items()
                if path is not None and path.startswith(value.tree_path)
            ]
            return np.isin(snap.columns["unit"][hits], units)
        if name in ("caveat", "subject"):
            chosen = [v.pk for v in value]
            return _has_any(snap, name, hits, lambda values: np.isin(values, chosen))
        if name == "agent":
            role = self.data.get("role")
            if role:
                key = value.pk * ROLE_SLOTS + ROLES.index(role)
                return _has_any(snap, "agent", hits, lambda values: values == key)
            return _has_any(snap, "agent", hits, lambda values: values // ROLE_SLOTS == value.pk)
        return None

    def _masks(self, snap: Snapshot, hits: np.ndarray) -> dict:
        masks = {}
        for name, value in self.data.items():
            if name in ("q", "sort", "role"):
                continue
            passing = self._passes(snap, hits, name, value)
            if passing is not None:
                masks[name] = passing
        return masks

    @staticmethod
    def _fails(masks: dict, hits: np.ndarray, without=()) -> np.ndarray:
        fails = np.zeros(hits.size, dtype=np.int8)
        for name, passing in masks.items():
            if name not in without:
                fails += ~passing
        return fails

    # --- counts ---------------------------------------------------------------------------

    def _count(self, cursor, specs, limit) -> dict:
        snap = self._snapshot()
        hits = self._hits(snap)
        masks = self._masks(snap, hits)
        fails = self._fails(masks, hits)
        passing = fails == 0
        if self._dates_apart:
            date_fails = self._fails(masks, hits, without=set(masks) - {"date_from", "date_to"})
            near = (date_fails == 0) & (fails - date_fails <= 1)
        else:
            near = fails <= 1
        result = {"total": int(passing.sum())}
        for spec in specs:
            own = [name for name in spec.params if name in masks]
            if not own:
                rows = passing
            elif spec.name == "date" and self._dates_apart:
                rows = self._fails(masks, hits, without=own) == 0
            else:
                rows = near & (self._fails(masks, hits, without=own) == 0)
            result[spec.name] = self._facet(snap, spec, hits[rows], int(limit))
        if self.window is not None:
            self._pages[self.window] = self._page_of(snap, hits[passing], *self.window)
        return result

    def _facet(self, snap: Snapshot, spec, ids: np.ndarray, limit: int) -> list:
        name = spec.name
        if name == "date":
            days = snap.date[ids]
            counts = np.bincount(days[days >= 0], minlength=len(snap.dates))
            found = np.flatnonzero(counts)[:limit]
            return [{"date": date.fromisoformat(snap.dates[i]), "n": int(counts[i])} for i in found]
        if name in COLUMNS:
            values = snap.columns[name][ids]
            values = values[values >= 0]
        else:
            values = _link_values(snap, name, ids)
        if not values.size:
            return []
        distinct, counts = np.unique(values, return_counts=True)
        labels = snap.labels.get(name, {})
        if name != "classification" and counts.size > limit > 0:
            rows = self._facet_rows(name, labels, *_top(distinct, counts, limit))
            if len(rows) >= limit:
                return self._ordered(name, spec, rows, limit)
        return self._ordered(name, spec, self._facet_rows(name, labels, distinct, counts), limit)

    @staticmethod
    def _facet_rows(name: str, labels: dict, distinct: np.ndarray, counts: np.ndarray) -> list:
        rows = []
        for value, n in zip(distinct.tolist(), counts.tolist(), strict=True):
            if name == "agent":
                agent, slot = divmod(value, ROLE_SLOTS)
                if agent not in labels:
                    continue
                role = ROLES[slot] if slot < len(ROLES) else None
                rows.append((n, agent, labels[agent][1], role, labels[agent][3]))
            elif value in labels:
                rows.append((n, *labels[value]))
        return rows

    def _ordered(self, name: str, spec, rows: list, limit: int) -> list:
        # The SQL branches' ORDER BY; ties by the database's collation (positions), and
        # a NULL role where the database sorts NULL (SQLite first, PostgreSQL last).
        if name == "classification":
            rows.sort(key=lambda r: -r[3])
        elif name == "agent":
            # Same-named agents tie on everything but their id, the SQL's last key.
            rows.sort(key=lambda r: (-r[0], r[4], (r[3] is None) == self.pg, r[3] or "", r[1]))
        else:
            rows.sort(key=lambda r: (-r[0], r[4]))
        out = []
        for n, a, b, c, _ in rows[:limit]:
            if name == "classification":
                c = int(c)
            row = dict(zip(spec.group, (a, b, c)[: len(spec.group)], strict=True))
            row["n"] = n
            out.append(row)
        return out

    # --- result pages ---------------------------------------------------------------------

    def _page_of(self, snap: Snapshot, ids: np.ndarray, offset: int, limit: int) -> list[int]:
        if self.sort in SORTS:
            day, moment = snap.date[ids], snap.time[ids]
            if self.sort == "date":
                order = np.lexsort((ids, moment, moment < 0, day, day < 0))
            else:
                order = np.lexsort((-ids, -moment, moment < 0, -day, day < 0))
            return ids[order][offset : offset + limit].tolist()
        if not ids.size:
            return []
        from .schema import FTS_TABLE

        if self.pg:
            # The ids already match: no second match, ``ts_rank`` over just these rows.
            sql = (
                f"SELECT m.document_id FROM {FTS_TABLE} JOIN {FACETS_TABLE} m "
                f"ON m.document_id = {FTS_TABLE}.rowid WHERE {FTS_TABLE}.rowid = ANY(%s) "
                f"ORDER BY {self._rank_order(self._score())} LIMIT %s OFFSET %s"
            )
            params = [ids.tolist(), *self._score_params(), int(limit), int(offset)]
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params)
                return [pk for (pk,) in cursor.fetchall()]
        match, params = self._match()
        sql = (
            f"SELECT m.document_id FROM {FTS_TABLE} CROSS JOIN {FACETS_TABLE} m "
            f"ON m.document_id = {FTS_TABLE}.rowid WHERE {match} AND +{FTS_TABLE}.rowid IN "
            f"(SELECT value FROM json_each(%s)) ORDER BY {self._rank_order(self._score())} "
            f"LIMIT %s OFFSET %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, json.dumps(ids.tolist()), int(limit), int(offset)])
            return [pk for (pk,) in cursor.fetchall()]

    def _page_ids(self, offset: int, limit: int) -> list[int]:
        snap = self._snapshot()
        hits = self._hits(snap)
        passing = self._fails(self._masks(snap, hits), hits) == 0
        return self._page_of(snap, hits[passing], offset, limit)
