"""Subtree counts on the tree pages: nested units roll up, only published documents
count, units without any (or merged away) are not listed, and the pages' query counts
stay fixed as the tree grows. The pages count with one grouped query rolled up in
Python; the expected figures here come from the correlated-subquery annotation
(``with_public_document_counts``) and from the documents themselves."""

import pytest
from django.db import connection

from catalogue.models import ArchivalUnit, Document, PublicationStatus
from tests.factories import DocumentFactory, RepositoryFactory, UnitFactory

from .conftest import parse

REPOSITORY_PAGE_QUERIES = 3  # repository, tally, units
UNIT_PAGE_QUERIES = 5  # unit, tally, children, documents filed here, ancestors


def _docs(unit, published=0, **others):
    for _ in range(published):
        DocumentFactory(unit=unit)
    for status, n in others.items():
        for _ in range(n):
            DocumentFactory(
                unit=unit,
                status=getattr(PublicationStatus, status.upper()),
                withdrawn_reason="Duplicate entry" if status == "withdrawn" else "",
            )


@pytest.fixture
def deep(db):
    """collection → two series → files → an item; drafts, documents in review and
    withdrawn ones scattered through it; a merged file and a series holding only
    withdrawn documents."""
    repository = RepositoryFactory(name="National Archives")
    unit = {}

    def add(key, parent, level, **kwargs):
        unit[key] = UnitFactory(
            repository=repository,
            parent=unit.get(parent),
            title=key.replace("_", " ").title(),
            level=level,
            **kwargs,
        )

    add("collection", None, "collection")
    add("series_a", "collection", "series", sort_order=1)
    add("series_b", "collection", "series", sort_order=2)
    add("file_a1", "series_a", "file", identifier="A-1", identifier_scheme="other")
    add("file_a2", "series_a", "file")
    add("file_b1", "series_b", "file")
    add("item", "file_a1", "item")
    add("merged", "series_a", "file")
    _docs(unit["collection"], published=1)
    _docs(unit["file_a1"], published=2, draft=1, withdrawn=1)
    _docs(unit["item"], published=1, in_review=1)
    _docs(unit["file_a2"], draft=2)
    _docs(unit["file_b1"], withdrawn=1)
    ArchivalUnit.objects.filter(pk=unit["merged"].pk).update(merged_into=unit["file_a1"])
    return repository, unit


def _listed(tree_html) -> dict[str, str]:
    return {
        li.cssselect("a")[0].text: li.cssselect(".meta")[0].text_content()
        for li in tree_html.cssselect("li")
    }


def test_unit_page_rolls_subtree_counts_up_to_children(client, deep):
    _, unit = deep
    page = parse(client.get(unit["collection"].get_absolute_url()))
    listed = _listed(page.cssselect("section[aria-labelledby=children-title]")[0])
    # series_b holds only a withdrawn document: not public, not listed.
    assert listed == {"Series A": "Series · 3 documents"}
    meta = page.cssselect("dl.meta")[0].text_content()
    assert "4 in this collection and below" in meta
    series = parse(client.get(unit["series_a"].get_absolute_url()))
    listed = _listed(series.cssselect("section[aria-labelledby=children-title]")[0])
    # file_a2 holds only drafts; the merged file is inactive.
    assert listed == {"File A1": "File · A-1 · 3 documents"}
    file = parse(client.get(unit["file_a1"].get_absolute_url()))
    assert _listed(file.cssselect("section[aria-labelledby=children-title]")[0]) == {
        "Item": "Item · 1 document"
    }
    assert file.cssselect("#unit-docs-title .count")[0].text == "2"
    assert len(file.cssselect(".result")) == 2


def test_units_without_published_documents_below_are_not_found(client, deep):
    _, unit = deep
    for key in ("series_b", "file_b1", "file_a2"):
        assert client.get(unit[key].get_absolute_url()).status_code == 404, key
    merged = unit["merged"]
    assert client.get(merged.get_absolute_url()).status_code == 404  # nothing below it
    DocumentFactory(unit=merged)
    response = client.get(merged.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == unit["file_a1"].get_absolute_url()


def test_repository_page_tree_counts(client, deep):
    repository, _ = deep
    response = client.get(repository.get_absolute_url())
    assert response.status_code == 200
    page = parse(response)
    assert _listed(page.cssselect("section[aria-labelledby=arrangement-title]")[0]) == {
        "Collection": "Collection · 4 documents",
        "Series A": "Series · 3 documents",
        "File A1": "File · A-1 · 3 documents",
        "Item": "Item · 1 document",
    }
    nested = page.cssselect("ul.tree > li > ul.tree > li > ul.tree > li > ul.tree > li > a")
    assert [a.text for a in nested] == ["Item"]
    total = page.xpath("//dt[.='Published documents']/following-sibling::dd[1]")[0]
    assert total.text_content().startswith("4 · ")


def test_page_counts_agree_with_the_annotation(client, deep):
    """The grouped tally and the correlated annotation give the same numbers for every
    unit, and both equal a direct count of published documents by path."""
    repository, unit = deep
    annotated = dict(
        ArchivalUnit.objects.in_repository(repository)
        .with_public_document_counts()
        .values_list("pk", "public_document_count")
    )
    tally = ArchivalUnit.objects.in_repository(repository).public_document_tally()
    for key, node in unit.items():
        node.refresh_from_db()
        expected = Document.objects.filter(
            status=PublicationStatus.PUBLISHED, unit__tree_path__startswith=node.tree_path
        ).count()
        assert annotated[node.pk] == expected, key
        assert tally.total.get(node.pk, 0) == expected, key
        assert tally.direct.get(node.pk, 0) == (
            Document.objects.published().filter(unit=node).count()
        ), key
    subtree = ArchivalUnit.objects.descendants_of(unit["series_a"], include_self=True)
    assert set(subtree) == {unit[k] for k in ("series_a", "file_a1", "file_a2", "item", "merged")}
    assert subtree.public_document_tally().total == {
        k: v for k, v in tally.total.items() if k in {u.pk for u in subtree}
    } | {unit["collection"].pk: 3}


def test_tree_page_queries_do_not_grow_with_the_tree(client, deep, django_assert_num_queries):
    repository, unit = deep
    series = unit["series_a"]
    with django_assert_num_queries(REPOSITORY_PAGE_QUERIES):
        assert client.get(repository.get_absolute_url()).status_code == 200
    with django_assert_num_queries(UNIT_PAGE_QUERIES - 1):  # a root: no ancestors to load
        assert client.get(unit["collection"].get_absolute_url()).status_code == 200
    with django_assert_num_queries(UNIT_PAGE_QUERIES - 1):  # nothing filed in it
        assert client.get(unit["series_a"].get_absolute_url()).status_code == 200
    with django_assert_num_queries(UNIT_PAGE_QUERIES):
        assert client.get(unit["file_a1"].get_absolute_url()).status_code == 200
    for i in range(5):
        file = UnitFactory(
            repository=repository, parent=series, title=f"New file {i}", level="file"
        )
        item = UnitFactory(repository=repository, parent=file, title=f"New item {i}", level="item")
        _docs(file, published=1, draft=1)
        _docs(item, published=2)
        _docs(unit["file_a1"], published=1)
    with django_assert_num_queries(REPOSITORY_PAGE_QUERIES):
        page = parse(client.get(repository.get_absolute_url()))
    assert len(page.cssselect("ul.tree li")) == 4 + 10
    with django_assert_num_queries(UNIT_PAGE_QUERIES - 1):
        page = parse(client.get(series.get_absolute_url()))
    listed = _listed(page.cssselect("section[aria-labelledby=children-title]")[0])
    assert listed["File A1"] == "File · A-1 · 8 documents"
    assert all(listed[f"New file {i}"] == "File · 3 documents" for i in range(5))
    with django_assert_num_queries(UNIT_PAGE_QUERIES):
        page = parse(client.get(unit["file_a1"].get_absolute_url()))
    assert page.cssselect("#unit-docs-title .count")[0].text == "7"


def test_repository_without_published_documents_is_not_found(client, db):
    repository = RepositoryFactory(name="Empty archive")
    unit = UnitFactory(repository=repository)
    _docs(unit, draft=1, withdrawn=1, in_review=1)
    assert client.get(repository.get_absolute_url()).status_code == 404
    assert client.get(unit.get_absolute_url()).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_subtree_range_can_use_the_byte_order_index_on_postgresql(deep):
    """The ``COLLATE "C"`` range matches ``unit_tree_path_c`` (migration 0012); the
    column's own index, in the database's collation, cannot serve it."""
    _, unit = deep
    # Enough units that the planner's choice is about the range, not a tie between
    # indexes over a handful of rows (a full scan of another index then costs as much).
    other = RepositoryFactory(name="Other archive")
    ArchivalUnit.objects.bulk_create(
        ArchivalUnit(
            repository=other, level="file", title=f"File {i}", tree_path=f"/9{i:05d}/", depth=0
        )
        for i in range(3000)
    )
    subtree = ArchivalUnit.objects.descendants_of(unit["series_a"], include_self=True)
    sql, params = subtree.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalogue_archivalunit")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "unit_tree_path_c" in plan, plan
