"""PostgreSQL's loader of the facet arrays: its column decoding and its chunks (a load in
several chunks builds the same snapshot, and answers as the SQL engine does)."""

import numpy as np
import pytest
from django.db import connection

from catalogue.search import facet_arrays, postgres
from catalogue.search.facet_arrays import ArrayFacetEngine
from catalogue.search.facet_engine import FacetEngine
from tests.search.test_facet_arrays import answers, filterset
from tests.search.test_facet_engine import corpus  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")


def test_packed_columns_decode_as_the_server_sent_them(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT encode(string_agg(int4send(v), '' ORDER BY i), 'hex'), "
            "encode(string_agg(int8send(v::int8 * 1000000000), '' ORDER BY i), 'hex') "
            "FROM unnest(ARRAY[3, -1, 2147483647, 0]) WITH ORDINALITY AS t(v, i)"
        )
        narrow, wide = (bytes.fromhex(text) for text in cursor.fetchone())
    assert postgres._array(narrow, 4).tolist() == [3, -1, 2147483647, 0]
    assert postgres._array(wide, 8).tolist() == [3e9, -1e9, 2147483647e9, 0]
    assert postgres._array(None, 4).size == 0


def _arrays(snap):
    return {
        "published": snap.published,
        "date": snap.date,
        "time": snap.time,
        **{f"column {k}": v for k, v in snap.columns.items()},
        **{f"offsets {k}": o for k, (o, _) in snap.links.items()},
        **{f"values {k}": v for k, (_, v) in snap.links.items()},
    }


def test_a_load_in_chunks_builds_the_same_snapshot(corpus, monkeypatch):  # noqa: F811
    whole = facet_arrays.load(("whole",), connection)
    monkeypatch.setattr(postgres, "LOAD_CHUNK", 7)
    chunked = facet_arrays.load(("chunked",), connection)
    assert whole.published.size > 7 * 3  # several chunks
    one, other = _arrays(whole), _arrays(chunked)
    assert one.keys() == other.keys()
    for name in one:
        assert np.array_equal(one[name], other[name]), name
    assert (whole.dates, whole.times, whole.labels) == (
        chunked.dates,
        chunked.times,
        chunked.labels,
    )
    state = f"q=quarantine&agent={corpus['agents'][0].pk}&sort=date"
    assert answers(ArrayFacetEngine, state) == answers(FacetEngine, state)


def test_dates_and_times_rank_as_postgresql_orders_them(corpus):  # noqa: F811
    snap = facet_arrays.snapshot(filterset("q=&sort=date").engine().stamp(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT date::text FROM catalogue_document_facets "
            "WHERE date IS NOT NULL ORDER BY 1"
        )
        assert snap.dates == [day for (day,) in cursor.fetchall()]
        cursor.execute("SELECT document_id, date, time FROM catalogue_document_facets")
        rows = cursor.fetchall()
    for pk, day, moment in rows:
        assert (snap.date[pk] == -1) == (day is None)
        assert (snap.time[pk] == -1) == (moment is None)
        if day is not None:
            assert snap.dates[snap.date[pk]] == day.isoformat()
    timed = sorted((moment, pk) for pk, _, moment in rows if moment is not None)
    assert [snap.time[pk] for _, pk in timed] == sorted(snap.time[pk] for _, pk in timed)
