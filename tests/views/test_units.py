"""Repositories and units: the navigable tree with counts and identifiers."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import ArchivalUnit, DatePrecision, PublicationStatus
from tests.factories import DocumentFactory, UnitFactory

from .conftest import parse

REPOSITORY_PAGE_QUERIES = 3
UNIT_PAGE_QUERIES = 5


def test_repository_tree_counts_published_documents(client, world):
    response = client.get(world["repository"].get_absolute_url())
    assert response.status_code == 200
    tree = parse(response)
    top = tree.cssselect("section[aria-labelledby=arrangement-title] > ul.tree > li")
    assert len(top) == 1
    collection = top[0]
    assert collection.cssselect("a")[0].text == "Ball Papers"
    assert "Lot 74 D 272" in collection.cssselect(".meta")[0].text_content()
    assert "2 documents" in collection.cssselect(".meta")[0].text_content()
    children = [a.text for a in collection.cssselect("ul.tree a")]
    assert children == ["Telcons--Cuba"]  # the file holding only a draft is not public


def test_unit_page_breadcrumbs_children_and_documents(client, world):
    file = world["file"]
    response = client.get(file.get_absolute_url())
    assert response.status_code == 200
    tree = parse(response)
    crumbs = [a.text for a in tree.cssselect(".breadcrumbs a")]
    assert crumbs == ["Home", "Department of State", "Ball Papers"]
    titles = [a.text for a in tree.cssselect(".result-title a")]
    assert titles == ["Telegram about the quarantine", "Memorandum on dismantling"]
    collection = parse(client.get(world["collection"].get_absolute_url()))
    assert [a.text for a in collection.cssselect("ul.tree a")] == ["Telcons--Cuba"]


def test_a_unit_lists_its_documents_in_date_order_through_its_own_index(client, world):
    """Undated last. On SQLite (no statistics) the page's query must go through the
    unit's index: unordered, it walked the status index over every published document
    (~0.4 s a page at 100,000)."""
    file = world["file"]
    for title, day in [("Late", 30), ("Undated", None), ("Early", 2)]:
        DocumentFactory(
            unit=file,
            title=title,
            date=datetime.date(1962, 10, day) if day else None,
            date_precision=DatePrecision.DAY if day else DatePrecision.UNKNOWN,
        )
    with CaptureQueriesContext(connection) as queries:
        tree = parse(client.get(file.get_absolute_url()))
    titles = [a.text for a in tree.cssselect(".result-title a")]
    assert titles[0] == "Early" and titles[-2:] == ["Late", "Undated"]
    assert titles[1:3] == ["Telegram about the quarantine", "Memorandum on dismantling"]
    if connection.vendor == "sqlite":
        listed = 'ORDER BY "catalogue_document"."date" IS NULL'
        (sql,) = [q["sql"] for q in queries.captured_queries if listed in q["sql"]]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " | ".join(row[3] for row in cursor.fetchall())
        assert "document_unit_status" in plan


def test_units_and_repositories_without_published_documents_are_hidden(client, world):
    assert client.get(world["empty_file"].get_absolute_url()).status_code == 404
    lonely = UnitFactory(title="Lonely")
    DocumentFactory(unit=lonely, status=PublicationStatus.DRAFT)
    assert client.get(lonely.get_absolute_url()).status_code == 404
    assert client.get(lonely.repository.get_absolute_url()).status_code == 404
    listing = client.get("/repositories/")
    assert lonely.repository.name.encode() not in listing.content


def test_unit_wrong_slug_redirects(client, world):
    file = world["file"]
    response = client.get(f"/units/{file.pk}/nope/")
    assert response.status_code == 301 and response["Location"] == file.get_absolute_url()


def test_tree_pages_queries_do_not_grow(client, world, django_assert_num_queries):
    repository, file = world["repository"], world["file"]
    with django_assert_num_queries(REPOSITORY_PAGE_QUERIES):
        client.get(repository.get_absolute_url())
    with django_assert_num_queries(UNIT_PAGE_QUERIES):
        client.get(file.get_absolute_url())
    for i in range(6):
        child = UnitFactory(repository=repository, parent=file, title=f"Item {i}", level="item")
        DocumentFactory(unit=child)
        DocumentFactory(unit=file)
    assert ArchivalUnit.objects.descendants_of(file).count() == 6
    with django_assert_num_queries(REPOSITORY_PAGE_QUERIES):
        response = client.get(repository.get_absolute_url())
    assert len(parse(response).cssselect("ul.tree li")) == 8
    with django_assert_num_queries(UNIT_PAGE_QUERIES):
        response = client.get(file.get_absolute_url())
    assert len(parse(response).cssselect(".result")) == 8


def test_repository_list_queries_do_not_grow(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/repositories/")
    for _ in range(5):
        DocumentFactory()
    with django_assert_num_queries(1):
        response = client.get("/repositories/")
    assert len(parse(response).cssselect(".card")) == 6
