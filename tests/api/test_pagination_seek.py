"""Keyset pages seek: "rows after the cursor" is one row-value comparison over the
order's key, so a page deep in the list is found from the index, not by walking it
from the start (catalogue/api/pagination.py, migration 0010). Every record still
comes exactly once, forwards and back, across the dated/undated and timed/untimed
boundaries, and the query count does not depend on the depth."""

import base64
import datetime
import itertools
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue import models as m
from tests import factories as f

LIST = reverse("api:document-list")
INDEX = {"date": "document_date_order", "-date": "document_date_seek_desc"}


@pytest.fixture
def mixed(db):
    """Four dates (two of them shared by several documents), undated ones, untimed
    ones on every date, so each kind of cursor (NULL date, NULL time, both set)
    occurs at every page size."""
    unit = f.UnitFactory()
    dates = [datetime.date(1962, 10, d) for d in (16, 22, 27)] + [None]
    times = [datetime.time(9, 30), None, datetime.time(18, 0), None]
    docs = []
    for date, time in itertools.product(dates, times):
        for _ in range(2):
            precision = m.DatePrecision.DAY if date else m.DatePrecision.UNKNOWN
            docs.append(
                f.DocumentFactory(unit=unit, date=date, time=time, date_precision=precision)
            )
    return docs


def _key(doc, descending):
    sign = -1 if descending else 1
    date = sign * doc.date.toordinal() if doc.date else 0
    time = sign * (doc.time.hour * 60 + doc.time.minute) if doc.time else 0
    return (doc.date is None, date, doc.time is None, time, sign * doc.pk)


def expected(docs, ordering):
    return [d.pk for d in sorted(docs, key=lambda d: _key(d, ordering.startswith("-")))]


def pages(client, url, link="next"):
    out = []
    while url:
        body = client.get(url).json()
        out.append(body)
        url = body[link]
    return out


def ids(body):
    return [row["id"] for row in body["results"]]


@pytest.mark.parametrize("ordering", ["date", "-date"])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
def test_every_record_once_forwards_and_back(client, mixed, ordering, size):
    forward = pages(client, f"{LIST}?ordering={ordering}&page_size={size}")
    assert list(itertools.chain.from_iterable(map(ids, forward))) == expected(mixed, ordering)
    back = pages(client, forward[-1]["previous"], link="previous")
    assert [ids(body) for body in back] == [ids(body) for body in reversed(forward[:-1])]


@pytest.mark.parametrize("ordering", ["id", "-id", "title", "-title", "updated", "-updated"])
def test_other_orders_still_cover_every_record_once(client, mixed, ordering):
    forward = pages(client, f"{LIST}?ordering={ordering}&page_size=4")
    seen = list(itertools.chain.from_iterable(map(ids, forward)))
    assert sorted(seen) == sorted(d.pk for d in mixed)
    assert len(seen) == len(set(seen))
    back = pages(client, forward[-1]["previous"], link="previous")
    assert [ids(body) for body in back] == [ids(body) for body in reversed(forward[:-1])]


def _cursor(key, backwards=False):
    token = json.dumps({"k": key, "r": int(backwards)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode()


def test_a_cursor_with_a_value_of_the_wrong_type_is_a_404(client, mixed):
    url = f"{LIST}?ordering=date&cursor={_cursor(['not a date', None, 1])}"
    assert client.get(url).status_code == 404


def _deep_page_sql(client, ordering, link="next"):
    """SQL of the rows query of a page well inside the list (a cursor with date and
    time set), following its 'next' or 'previous' link."""
    forward = pages(client, f"{LIST}?ordering={ordering}&page_size=1")
    dated = [body for body in forward if body["results"][0]["date"]]
    with CaptureQueriesContext(connection) as ctx:
        client.get(dated[len(dated) // 2][link])
    (sql,) = [q["sql"] for q in ctx.captured_queries if '"date" IS N' in q["sql"]]
    return sql


@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_deep_page_condition_is_one_row_value_comparison(client, mixed, ordering):
    """No OR of (a = x AND b > y) terms, which no database can seek with."""
    where = _deep_page_sql(client, ordering).split(" WHERE ", 1)[1].split(" ORDER BY ")[0]
    assert " OR " not in where
    assert where.count(") > (") + where.count(") < (") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plan")
@pytest.mark.parametrize("link", ["next", "previous"])
@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_postgresql_seeks_the_index_to_the_cursor(client, mixed, ordering, link):
    """The row-value bound is an Index Cond of the order's index: the scan starts at
    the cursor. (Seq scans and sorts are disabled only because ten-odd rows would
    rather be scanned; the test is about what the index can do.)"""
    sql = _deep_page_sql(client, ordering, link)
    with connection.cursor() as cursor:
        for setting in ("seqscan", "sort", "bitmapscan", "incremental_sort"):
            cursor.execute(f"SET LOCAL enable_{setting} = off")
        cursor.execute("EXPLAIN " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    scan = next(i for i, line in enumerate(plan) if INDEX[ordering] in line)
    detail = []
    for line in plan[scan + 1 :]:
        if "->" in line:
            break
        detail.append(line.strip())
    assert any(line.startswith("Index Cond:") and "ROW(" in line for line in detail), plan
    assert not any(line.startswith("Filter:") and "ROW(" in line for line in detail), plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite plan")
@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_sqlite_walks_the_order_index_without_a_sort(client, mixed, ordering):
    sql = _deep_page_sql(client, ordering)
    index = INDEX[ordering]
    forced = sql.replace(
        'FROM "catalogue_document"', f'FROM "catalogue_document" INDEXED BY "{index}"', 1
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + forced)
        plan = " | ".join(row[3] for row in cursor.fetchall())
    assert f"USING INDEX {index}" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_query_count_does_not_depend_on_depth(client, django_assert_num_queries, mixed, ordering):
    forward = pages(client, f"{LIST}?ordering={ordering}&page_size=3")
    for body in (forward[0], forward[len(forward) // 2], forward[-2]):
        with django_assert_num_queries(2):
            assert len(ids(client.get(body["next"]).json())) >= 1
        if body["previous"]:
            with django_assert_num_queries(2):
                assert len(ids(client.get(body["previous"]).json())) == 3
