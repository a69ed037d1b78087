"""Deep pages: search sorted by title and a prolific agent's documents.

At 100,000 documents page 200 of ``/search/?sort=title`` took ~1.2 s (every published
row, texts included, sorted to cut one page) and an office's agent page ~0.2 s (a
document row read and sorted for each of its tens of thousands of links). A page is
now its ids, read in order from an index (``document_status_title``,
``document_status_date`` with ``documentagent_agent_role`` covering the agent's ids),
then its rows. These check the pages hold the right documents in the right order, the
page counts, and (SQLite) that the plans read the order from the indexes."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import AgentRole, Document, DocumentAgent, DocumentType, PublicationStatus
from catalogue.views.agents import AgentDetailView, AgentDocumentIds
from catalogue.views.search import PAGE_SIZE
from tests.factories import AgentFactory, DocumentAgentFactory, DocumentFactory, vocab
from tests.views.conftest import parse

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite query plans (PostgreSQL plans by statistics)"
)


def ids_queries(queries) -> list[str]:
    """The queries that read a page's ids (the rows come after, by id)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "catalogue_document"."id" AS "pk" FROM')
    ]


def ids_query(queries) -> str:
    """The one query that reads a page's ids."""
    (sql,) = ids_queries(queries)
    return sql


def plan(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " | ".join(row[3] for row in cursor.fetchall())


# --- search sorted by title -------------------------------------------------------------


@pytest.fixture
def titled(db):
    """45 published documents under 9 titles (ties broken by id), 2 of them memoranda,
    and drafts whose titles fall among them."""
    memo = vocab(DocumentType, key="memorandum")
    documents = []
    for i in range(45):
        kind = {"doc_type": memo} if i in (7, 31) else {}
        documents.append(DocumentFactory(title=f"Report {(i * 7) % 9}", **kind))
    for i in range(4):
        DocumentFactory(title=f"Report {i}", status=PublicationStatus.DRAFT)
    return sorted(documents, key=lambda d: (d.title, d.pk))


def result_ids(response) -> list[int]:
    links = parse(response).cssselect(".result-title a")
    return [int(re.search(r"/documents/(\d+)/", a.get("href")).group(1)) for a in links]


def heading(response) -> str:
    return parse(response).cssselect("#results-title")[0].text_content()


@pytest.mark.parametrize("page", [1, 2, 3])
def test_every_title_page_holds_its_documents_in_title_then_id_order(client, titled, page):
    response = client.get("/search/", {"sort": "title", "page": page})
    expected = titled[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    assert result_ids(response) == [d.pk for d in expected]
    assert heading(response).split() == ["45", "documents,", "page", str(page), "of", "3"]


def test_a_page_past_the_last_shows_the_last(client, titled):
    response = client.get("/search/", {"sort": "title", "page": 99})
    assert result_ids(response) == [d.pk for d in titled[40:]]


def test_title_pages_with_a_filter_found_by_an_index(client, titled):
    memos = [d for d in titled if d.doc_type.key == "memorandum"]
    response = client.get("/search/", {"sort": "title", "type": "memorandum"})
    assert result_ids(response) == [d.pk for d in memos]


def test_a_title_page_reads_ids_then_rows(client, titled, django_assert_num_queries):
    """The page's query selects ids alone (the skipped rows are never built in full),
    and a deep page costs the queries the first does."""
    client.get("/search/", {"sort": "title"})
    with CaptureQueriesContext(connection) as first:
        client.get("/search/", {"sort": "title"})
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get("/search/", {"sort": "title", "page": 3})
    assert result_ids(response) == [d.pk for d in titled[40:]]
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"sort": "title", "page": 3})
    sql = ids_query(queries)
    assert 'ORDER BY "catalogue_document"."title" ASC' in sql


@sqlite_only
def test_the_title_order_is_read_from_the_index(client, titled):
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"sort": "title", "page": 3})
    sql = ids_query(queries)
    found = plan(sql)
    assert "COVERING INDEX document_status_title" in found and "TEMP B-TREE" not in found


@sqlite_only
def test_a_type_filter_sorts_its_matches_rather_than_walk_every_title(client, titled):
    """Walking the title index would test a row per document until a page of
    memoranda turns up; the type's own index finds them, and just those are sorted."""
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"sort": "title", "type": "memorandum"})
    sql = ids_query(queries)
    found = plan(sql)
    assert "document_type_status" in found and "document_status_title" not in found


# --- an agent's documents ---------------------------------------------------------------


@pytest.fixture
def prolific(db):
    """An agent in 30 published documents (some on one day, at one time, undated or
    untimed; some in two roles), in 2 drafts; 6 published documents without it."""
    agent = AgentFactory(authorised_name="Department of State", sort_name="State, Department of")
    for i in range(30):
        undated = i % 11 == 3 or i == 28  # 28: undated and untimed
        document = DocumentFactory(
            title=f"Telegram {i:02d}",
            date=None if undated else datetime.date(1962, 10, 1 + (i * 7) % 5),
            date_precision="unknown" if undated else "day",
            time=datetime.time(9 + i % 3) if i % 4 else None,
        )
        DocumentAgentFactory(document=document, agent=agent, role=AgentRole.SENDER)
        if i % 5 == 0:
            DocumentAgentFactory(document=document, agent=agent, role=AgentRole.RECIPIENT)
    for i in range(2):
        draft = DocumentFactory(title=f"Draft {i}", status=PublicationStatus.DRAFT)
        DocumentAgentFactory(document=draft, agent=agent)
    for i in range(6):
        DocumentAgentFactory(document=DocumentFactory(title=f"Elsewhere {i}"))
    return agent


def by_date(agent) -> list[int]:
    """The agent's published documents in the catalogue's date order, sorted here:
    by date, the undated last; within a date (or among the undated) by time, the
    untimed last; then by id. So on every database, as the lists and the API."""
    rows = (
        Document.objects.published()
        .filter(pk__in=DocumentAgent.objects.filter(agent=agent).values("document_id"))
        .values_list("date", "time", "pk")
    )
    earliest_day, midnight = datetime.date.min, datetime.time.min
    return [
        pk
        for date, time, pk in sorted(
            rows,
            key=lambda r: (
                r[0] is None,
                r[0] or earliest_day,
                r[1] is None,
                r[1] or midnight,
                r[2],
            ),
        )
    ]


# Walking: the agent is in 30 of 36 published documents. Sorting its links: never walk.
WAYS = {"walk": AgentDocumentIds.WALK_SHARE, "sort": 0}


@pytest.mark.parametrize("way", WAYS)
def test_every_window_of_an_agents_documents(prolific, monkeypatch, way):
    monkeypatch.setattr(AgentDocumentIds, "WALK_SHARE", WAYS[way])
    expected = by_date(prolific)
    undated = Document.objects.published().undated().linked_to(prolific).count()
    assert undated == 4
    published = Document.objects.published().count()
    ids = AgentDocumentIds(prolific, len(expected), published, undated=undated)
    assert ids.walks() == (way == "walk")
    for start in range(0, 31, 3):
        for size in (1, 7, 30):
            assert ids[start : start + size] == expected[start : start + size], (start, size)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("page", [1, 3, 5])
def test_every_agent_page_lists_its_documents_by_date(client, prolific, monkeypatch, way, page):
    monkeypatch.setattr(AgentDetailView, "DOCUMENTS_PER_PAGE", 7)
    monkeypatch.setattr(AgentDocumentIds, "WALK_SHARE", WAYS[way])
    expected = by_date(prolific)[(page - 1) * 7 : page * 7]
    titles = dict(Document.objects.values_list("pk", "title"))
    tree = parse(client.get(prolific.get_absolute_url(), {"page": page}))
    assert [a.text for a in tree.cssselect("ol.timeline a")] == [titles[pk] for pk in expected]
    first, last = (page - 1) * 7 + 1, min(page * 7, 30)
    assert f"Documents {first}–{last} of 30, by date." in tree.text_content()
    assert f"Page {page} of 5" in tree.text_content()


def test_a_deep_agent_page_costs_the_queries_the_first_does(
    client, prolific, monkeypatch, django_assert_num_queries
):
    """The same queries on any page, and one more on the one page whose documents
    are partly dated and partly undated (page 4: 22–28 of 30, 4 undated)."""
    monkeypatch.setattr(AgentDetailView, "DOCUMENTS_PER_PAGE", 7)
    url = prolific.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for page, more in [(3, 0), (5, 0), (4, 1)]:
        with django_assert_num_queries(len(first.captured_queries) + more):
            client.get(url, {"page": page})


@sqlite_only
@pytest.mark.parametrize("page", [1, 4, 5])
def test_an_agent_page_walks_the_date_index(client, prolific, monkeypatch, page):
    """Forwards for the first page, backwards for the fourth (the dated documents'
    end), the undated ones' own range for the last; the agent's ids come from
    ``documentagent_agent_role`` alone. Only a day's documents are sorted among
    themselves (untimed last), and the undated ones of the agent."""
    monkeypatch.setattr(AgentDetailView, "DOCUMENTS_PER_PAGE", 7)
    with CaptureQueriesContext(connection) as queries:
        client.get(prolific.get_absolute_url(), {"page": page})
    sqls = ids_queries(queries)
    assert len(sqls) == (2 if page == 4 else 1)  # page 4 ends in the undated documents
    for sql in sqls:
        found = plan(sql)
        assert "COVERING INDEX documentagent_agent_role" in found
        if 'NOT ("catalogue_document"."date" IS NULL)' not in sql:  # the undated
            assert "COVERING INDEX document_status_date (status=? AND date=?)" in found
        else:
            assert "COVERING INDEX document_status_date (status=?)" in found
            assert "TEMP B-TREE FOR ORDER BY" not in found
            direction = "DESC" if page == 4 else "ASC"  # the nearer end of the dated
            assert f'ORDER BY "catalogue_document"."date" {direction}' in sql


@sqlite_only
def test_an_agents_document_ids_are_read_from_the_index_alone(db):
    sql, params = (
        DocumentAgent.objects.filter(agent_id=1)
        .order_by()
        .values("document_id")
        .query.sql_with_params()
    )
    assert "COVERING INDEX documentagent_agent_role" in plan(sql, params)
