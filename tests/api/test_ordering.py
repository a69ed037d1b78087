"""Date orders of the document list: undated (and untimed) documents last in either
direction, as on the public site; keyset pages cross the undated boundary without
skipping or repeating; the order is the one the date indexes are built on."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue import models as m
from catalogue.filters import DocumentFilterSet
from tests import factories as f

LIST = reverse("api:document-list")
D = datetime.date
T = datetime.time


@pytest.fixture
def dated(db):
    """Every combination of dated/undated and timed/untimed, with ties on date and time
    (so the id decides), created in an order unrelated to the expected one."""
    unit = f.UnitFactory()
    specs = [
        (D(1962, 10, 27), T(10, 0)),
        (None, None),
        (D(1962, 10, 16), None),
        (D(1962, 10, 27), None),
        (D(1962, 10, 16), T(9, 30)),
        (None, T(8, 0)),
        (D(1962, 10, 27), T(10, 0)),
        (D(1962, 10, 27), T(0, 0)),
        (None, None),
        (D(1962, 10, 16), T(9, 30)),
    ]
    docs = []
    for date, time in specs:
        precision = m.DatePrecision.DAY if date else m.DatePrecision.UNKNOWN
        docs.append(f.DocumentFactory(unit=unit, date=date, time=time, date_precision=precision))
    return docs


def ascending(docs):
    return [
        d.pk
        for d in sorted(
            docs, key=lambda d: (d.date is None, d.date, d.time is None, d.time or T(0), d.pk)
        )
    ]


def descending(docs):
    # Newest first, undated and untimed still last; ties newest id first.
    key = lambda d: (  # noqa: E731
        d.date is None,
        -(d.date or D(1, 1, 1)).toordinal(),
        d.time is None,
        -((d.time or T(0)).hour * 60 + (d.time or T(0)).minute),
        -d.pk,
    )
    return [d.pk for d in sorted(docs, key=key)]


def walk(client, url):
    """Every page's ids following 'next', and the links of each page."""
    pages = []
    while url:
        body = client.get(url).json()
        pages.append(([row["id"] for row in body["results"]], body))
        url = body["next"]
    return pages


@pytest.mark.parametrize("size", [1, 2, 3, 4, 100])
def test_ascending_puts_undated_last_and_pages_cover_each_once(client, dated, size):
    pages = walk(client, f"{LIST}?ordering=date&page_size={size}")
    seen = list(itertools.chain.from_iterable(ids for ids, _ in pages))
    assert seen == ascending(dated)
    undated = {d.pk for d in dated if d.date is None}
    assert set(seen[-len(undated) :]) == undated


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_descending_puts_undated_last_too(client, dated, size):
    pages = walk(client, f"{LIST}?ordering=-date&page_size={size}")
    seen = list(itertools.chain.from_iterable(ids for ids, _ in pages))
    assert seen == descending(dated)


@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_previous_links_walk_back_across_the_undated_boundary(client, dated, ordering):
    pages = walk(client, f"{LIST}?ordering={ordering}&page_size=2")
    assert len(pages) == 5
    # From the last page (undated only), 'previous' gives back every earlier page.
    body = pages[-1][1]
    back = []
    while body["previous"]:
        body = client.get(body["previous"]).json()
        back.append([row["id"] for row in body["results"]])
    assert back == [ids for ids, _ in reversed(pages[:-1])]


@pytest.mark.parametrize(("ordering", "sort"), [("date", "date"), ("-date", "-date")])
def test_api_and_public_site_agree(client, dated, ordering, sort):
    api = list(
        itertools.chain.from_iterable(
            ids for ids, _ in walk(client, f"{LIST}?ordering={ordering}&page_size=3")
        )
    )
    site = DocumentFilterSet({"sort": sort}, queryset=m.Document.objects.all()).qs
    assert api == list(site.values_list("pk", flat=True))


def test_date_ordered_page_query_count_is_fixed(client, django_assert_num_queries, dated):
    first = client.get(LIST, {"ordering": "date", "page_size": 3}).json()
    with django_assert_num_queries(2):
        assert len(client.get(first["next"]).json()["results"]) == 3
    for _ in range(10):
        f.DocumentFactory(date=None, date_precision=m.DatePrecision.UNKNOWN)
    with django_assert_num_queries(2):
        assert len(client.get(LIST, {"ordering": "-date", "page_size": 8}).json()["results"]) == 8


def _page_sql(client, ordering):
    first = client.get(LIST, {"ordering": ordering, "page_size": 2}).json()
    with CaptureQueriesContext(connection) as ctx:
        client.get(first["next"])
    (sql,) = [q["sql"] for q in ctx.captured_queries if '"date" IS N' in q["sql"]]
    return sql


@pytest.mark.parametrize(
    ("ordering", "index"),
    [("date", "document_date_order"), ("-date", "document_date_seek_desc")],
)
def test_the_index_serves_the_order_without_a_sort(client, dated, ordering, index):
    """Forced onto the index, the database needs no sort step: the page's ORDER BY
    is the index's own order (the planner picks the index by itself once it has
    statistics; with ten rows it need not)."""
    sql = _page_sql(client, ordering)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            forced = sql.replace(
                'FROM "catalogue_document"', f'FROM "catalogue_document" INDEXED BY "{index}"', 1
            )
            cursor.execute("EXPLAIN QUERY PLAN " + forced)
            plan = " | ".join(row[3] for row in cursor.fetchall())
            assert index in plan
            assert "TEMP B-TREE" not in plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
            cursor.execute("EXPLAIN " + sql)
            plan = " | ".join(row[0] for row in cursor.fetchall())
            assert index in plan
            assert "Sort" not in plan
