"""The rows behind a facet-array snapshot (``facet_arrays``): the ``Snapshot`` itself,
what a vendor's loader reads (``Rows``), SQLite's loader and ``build``, which turns
either vendor's rows into id-indexed arrays, ranks and CSR links. PostgreSQL's loader is
``postgres.facet_rows``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .facets import AGENT_KEYS_TABLE, FACETS_TABLE

LINKS = ("caveat", "subject", "agent")
# Every facet's labels: (facet, id, key, label, extra, position). The position is the
# key's (the agent's name's) place in the database's own ORDER BY, whose collation
# breaks the SQL branches' ties (PostgreSQL's is the locale's, not code points).
_LABEL_TABLES = (
    ("type", "catalogue_documenttype", "key", "label", "NULL"),
    ("classification", "catalogue_classificationlevel", "slug", "name", "rank"),
    ("caveat", "catalogue_caveat", "slug", "name", "NULL"),
    ("repository", "catalogue_repository", "slug", "name", "NULL"),
    ("unit", "catalogue_archivalunit", "id", "title", "tree_path"),
    ("agent", "catalogue_agent", "id", "authorised_name", "NULL"),
    ("subject", "catalogue_subject", "slug", "name", "NULL"),
)
# Integer keys (PostgreSQL's UNION sends every key as text) and integer extras.
_INT_KEYS = ("unit", "agent")


def labels_sql(pg: bool) -> str:
    cast = "::text" if pg else ""
    return " UNION ALL ".join(
        f"SELECT '{facet}', id, {key}{cast}, {label}{cast}, {extra}{cast}, "
        f"dense_rank() OVER (ORDER BY {'authorised_name' if facet == 'agent' else key}) "
        f"FROM {table}"
        for facet, table, key, label, extra in _LABEL_TABLES
    )


# Each link table's (document, value) pairs as two joined lists, in document order.
_LINKS = ", ".join(
    f"(SELECT group_concat(document_id) FROM (SELECT * FROM {table} ORDER BY 1, 2)), "
    f"(SELECT group_concat({column}) FROM (SELECT * FROM {table} ORDER BY 1, 2))"
    for table, column in (
        ("(SELECT document_id, caveat_id FROM catalogue_document_caveats)", "caveat_id"),
        ("(SELECT document_id, subject_id FROM catalogue_document_subjects)", "subject_id"),
        (f"(SELECT document_id, agent_key FROM {AGENT_KEYS_TABLE})", "agent_key"),
    )
)
# Single-valued facets and their narrow column.
COLUMNS = {
    "type": "doc_type_id",
    "classification": "classification_id",
    "repository": "repository_id",
    "unit": "unit_id",
}


@dataclass(frozen=True)
class Snapshot:
    """The narrow rows as arrays (index = document id; -1 = NULL), the links as CSR
    (``offsets[id]:offsets[id + 1]`` into ``values``), dates and times as ranks of their
    sorted distinct texts (so comparisons equal SQLite's text comparisons) and labels."""

    stamp: tuple
    published: np.ndarray
    columns: dict
    date: np.ndarray
    time: np.ndarray
    dates: list
    times: list
    links: dict
    labels: dict

    @property
    def nbytes(self) -> int:
        arrays = [self.published, self.date, self.time, *self.columns.values()]
        for offsets, values in self.links.values():
            arrays += [offsets, values]
        return sum(a.nbytes for a in arrays)


def integers(text: str | None) -> np.ndarray:
    """A ``group_concat`` of integers as an array: SQLite joins them, numpy parses them,
    several times faster than fetching one Python tuple per row."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def _ranks(values: np.ndarray, null) -> tuple[np.ndarray, np.ndarray]:
    distinct = np.unique(values[values != null])
    ranks = np.searchsorted(distinct, values).astype(np.int32)
    ranks[values == null] = -1
    return ranks, distinct


@dataclass
class Rows:
    """What a vendor's loader reads: the narrow rows' columns (rows in any one order), dates
    and times as sortable values with a NULL marker, each link table's (owner, value)
    pairs in any order, and the label rows of ``labels_sql``."""

    ids: np.ndarray
    published: np.ndarray
    columns: dict
    date: tuple  # (values, NULL marker)
    time: tuple
    links: dict
    labels: list
    iso_dates: object = None  # distinct date values -> their ISO texts
    # PostgreSQL's loader fills id-indexed arrays (``ids`` is then ``arange``) and CSR
    # links itself, chunk by chunk: ``build`` takes them without a copy.
    indexed: bool = False
    csr: dict | None = None


def sqlite_rows(conn) -> Rows:
    """Two statements: the narrow rows and links, every label."""
    from catalogue.models.querysets import PUBLISHED

    concat = ", ".join(f"group_concat(coalesce({column}, -1))" for column in COLUMNS.values())
    with conn.cursor() as cursor:
        # Dates and times joined with a separator no ISO text contains; NULL as ''.
        cursor.execute(
            f"SELECT group_concat(document_id), group_concat(status = %s), {concat}, "
            f"group_concat(coalesce(date, ''), '|'), group_concat(coalesce(time, ''), '|'), "
            f"{_LINKS} FROM (SELECT * FROM {FACETS_TABLE} ORDER BY document_id)",
            [PUBLISHED],
        )
        row = cursor.fetchone()
        cursor.execute(labels_sql(pg=False))
        labels = cursor.fetchall()
    ids = integers(row[0])
    texts = [np.array(row[i].split("|") if ids.size else [], dtype=str) for i in (6, 7)]
    return Rows(
        ids=ids,
        published=integers(row[1]).astype(bool),
        columns={facet: integers(row[i]) for i, facet in enumerate(COLUMNS, start=2)},
        date=(texts[0], ""),
        time=(texts[1], ""),
        links={
            facet: (integers(row[8 + 2 * i]), integers(row[9 + 2 * i]))
            for i, facet in enumerate(LINKS)
        },
        labels=labels,
    )


def build(stamp, rows: Rows) -> Snapshot:
    """The snapshot of one vendor's rows: arrays indexed by document id, dates and times
    as ranks, links as CSR, labels by facet and id."""
    ids = rows.ids
    size = int(ids.max()) + 1 if ids.size else 1

    def indexed(values, empty, dtype):
        if rows.indexed and values.size == size:
            return values.astype(dtype, copy=False)
        column = np.full(size, empty, dtype=dtype)
        column[ids] = values
        return column

    published = indexed(rows.published, False, bool)
    columns = {facet: indexed(values, -1, np.int32) for facet, values in rows.columns.items()}
    moments = {}
    for name, (values, null) in (("date", rows.date), ("time", rows.time)):
        ranks, distinct = _ranks(values, null)
        column = indexed(ranks, -1, np.int32)
        del ranks
        if name == "date" and rows.iso_dates is not None:
            moments[name] = column, rows.iso_dates(distinct)
        else:
            moments[name] = column, distinct.tolist()
    csr = dict(rows.csr or {})
    for facet, (owner, value) in rows.links.items():
        keep = (owner >= 0) & (owner < size)
        if not keep.all():
            owner, value = owner[keep], value[keep]
        if owner.size > 1 and (owner[1:] < owner[:-1]).any():
            value = value[np.argsort(owner, kind="stable")]
        offsets = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=size), out=offsets[1:])
        csr[facet] = (offsets, value.astype(np.int32, copy=False))
    table = {}
    for facet, pk, key, label, extra, position in rows.labels:
        if facet in _INT_KEYS:
            key = int(key)
        if facet == "classification" and extra is not None:
            extra = int(extra)
        table.setdefault(facet, {})[pk] = (key, label, extra, position)
    return Snapshot(
        stamp=stamp,
        published=published,
        columns=columns,
        date=moments["date"][0],
        time=moments["time"][0],
        dates=moments["date"][1],
        times=moments["time"][1],
        links=csr,
        labels=table,
    )
