"""The home page counts and the chronology."""

import datetime

from catalogue.models import Document, PublicationStatus
from catalogue.views import chronology
from catalogue.views.chronology import PageSpan, page_spans
from tests.factories import DocumentFactory

from .conftest import parse

HOME_QUERIES = 5  # the change stamp, then four counts
CACHED_HOME_QUERIES = 1  # the change stamp
CHRONOLOGY_QUERIES = 3  # the change stamp, the documents per day, the page
CACHED_CHRONOLOGY_QUERIES = 2  # the change stamp, the page


def test_home_counts_published_documents(client, world):
    response = client.get("/")
    assert response.status_code == 200
    tree = parse(response)
    by_type = {
        li.cssselect("a")[0].text: li.cssselect(".count")[0].text
        for li in tree.cssselect("section[aria-labelledby=by-type] li")
    }
    assert by_type == {"Memorandum": "1", "Telegram": "1"}
    by_repository = [a.text for a in tree.cssselect("section[aria-labelledby=by-repository] a")]
    assert by_repository == ["Department of State"]
    months = [
        li.text_content().split() for li in tree.cssselect("section[aria-labelledby=by-month] li")
    ]
    assert months == [["October", "1962", "2"]]
    assert tree.cssselect("form[role=search] input[name=q]")


def test_home_queries_are_fixed(client, world, django_assert_num_queries):
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")
    for day in range(1, 20):
        DocumentFactory(date=datetime.date(1962, 11, day))
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")
    with django_assert_num_queries(CACHED_HOME_QUERIES):
        client.get("/")


def _month_counts(client):
    tree = parse(client.get("/"))
    return [
        li.text_content().split() for li in tree.cssselect("section[aria-labelledby=by-month] li")
    ]


def test_home_counts_follow_writes_made_without_save(client, world):
    """The cached counts are keyed on the trigger-renewed stamp, so a queryset update
    (no save(), no signal) shows on the next request."""
    assert _month_counts(client) == [["October", "1962", "2"]]
    assert _month_counts(client) == [["October", "1962", "2"]]  # from the cache
    Document.objects.filter(pk=world["other"].pk).update(date=datetime.date(1962, 11, 2))
    assert _month_counts(client) == [["October", "1962", "1"], ["November", "1962", "1"]]
    Document.objects.filter(pk=world["other"].pk).update(status=PublicationStatus.DRAFT)
    assert _month_counts(client) == [["October", "1962", "1"]]


def test_chronology_groups_by_day_and_hour_with_a_chart(client, world, django_assert_num_queries):
    DocumentFactory(
        title="Early morning cable", date=datetime.date(1962, 10, 27), time=datetime.time(7, 5)
    )
    with django_assert_num_queries(CHRONOLOGY_QUERIES):
        response = client.get("/chronology/")
    tree = parse(response)
    day = tree.cssselect("#day-1962-10-27")[0]
    assert "Saturday, 27 October 1962" in day.cssselect("h3")[0].text_content()
    hours = [dt.text for dt in day.cssselect("dt")]
    assert hours == ["7 a.m.", "10 p.m."]
    titles = [a.text for a in day.cssselect("dd a")]
    assert titles == ["Early morning cable", "Telegram about the quarantine"]
    assert b"zanzibar" not in response.content
    svg = tree.cssselect("svg.chart")[0]
    bars = svg.cssselect("rect.bar")
    assert len(bars) == 2  # two days with published documents
    links = [a.get("href") for a in svg.cssselect("a")]
    assert "?month=1962-10#day-1962-10-27" in links and "?month=1962-10#day-1962-10-28" in links


def test_chronology_queries_are_fixed(client, world, django_assert_num_queries):
    for day in range(1, 29):
        DocumentFactory(date=datetime.date(1962, 11, day), time=datetime.time(day % 24, 0))
    with django_assert_num_queries(CHRONOLOGY_QUERIES):
        response = client.get("/chronology/?month=1962-11")
    tree = parse(response)
    assert len(tree.cssselect("svg.chart rect.bar")) == 30
    assert len(tree.cssselect("section.day")) == 28  # November only
    months = [li.text_content().strip() for li in tree.cssselect(".month-nav li")]
    assert months == ["October 1962 (2)", "November 1962 (28)"]


def test_page_spans_cut_days_where_the_pages_fall():
    oct1, oct2, oct3, oct4 = (datetime.date(1962, 10, d) for d in (1, 2, 3, 4))
    assert page_spans({oct2: 300, oct1: 150}, 200) == [
        PageSpan(oct1, 0, oct2),
        PageSpan(oct2, 50, oct2),
        PageSpan(oct2, 250, oct2),
    ]
    assert page_spans({oct1: 2, oct3: 2}, 2) == [PageSpan(oct1, 0, oct1), PageSpan(oct3, 0, oct3)]
    assert page_spans({oct1: 1, oct2: 1, oct3: 1, oct4: 5}, 2) == [
        PageSpan(oct1, 0, oct2),
        PageSpan(oct3, 0, oct4),
        PageSpan(oct4, 1, oct4),
        PageSpan(oct4, 3, oct4),
    ]
    assert page_spans({}, 200) == []


def test_a_large_month_is_read_a_page_at_a_time(
    client, world, django_assert_num_queries, monkeypatch
):
    """Seven November documents, three a page: every document once, in date order,
    across three pages; a day cut by a page break says so and keeps its full count;
    the chart links a day to the page its first document is on."""
    monkeypatch.setattr(chronology, "PAGE_SIZE", 3)
    made = []
    for day, hour in [(2, 9), (2, 10), (3, 8), (3, 9), (3, 11), (3, 15), (5, 12)]:
        made.append(
            DocumentFactory(
                title=f"Nov {day} at {hour}",
                date=datetime.date(1962, 11, day),
                time=datetime.time(hour, 0),
            )
        )
    pages = []
    for page, queries in [
        (1, CHRONOLOGY_QUERIES),
        (2, CACHED_CHRONOLOGY_QUERIES),
        (3, CACHED_CHRONOLOGY_QUERIES),
    ]:
        with django_assert_num_queries(queries):
            response = client.get(f"/chronology/?month=1962-11&page={page}")
        pages.append(parse(response))
    titles = [[a.text for a in tree.cssselect("section.day dd a")] for tree in pages]
    assert titles == [[d.title for d in made[i : i + 3]] for i in (0, 3, 6)]
    first_day = pages[1].cssselect("section.day h3")[0].text_content()
    assert "3 November 1962 (continued)" in first_day and first_day.endswith("4")
    assert "continued" not in pages[0].cssselect("section.day h3")[0].text_content()
    nav = [a.get("href") for a in pages[1].cssselect("nav.pagination a")]
    assert nav == ["?month=1962-11", "?month=1962-11&page=3"]
    links = [a.get("href") for a in pages[0].cssselect("svg.chart a")]
    assert "?month=1962-11#day-1962-11-02" in links
    assert "?month=1962-11#day-1962-11-03" in links  # its first document is on page 1
    assert "?month=1962-11&page=3#day-1962-11-05" in links
    assert client.get("/chronology/?month=1962-11&page=4").status_code == 404
    assert client.get("/chronology/?month=1962-11&page=x").status_code == 404
    assert client.get("/chronology/?month=1962-11&page=²").status_code == 404
    # The cached documents per day follow the catalogue: an eighth makes a fourth page.
    DocumentFactory(title="Nov 30", date=datetime.date(1962, 11, 30))
    last = parse(client.get("/chronology/?month=1962-11&page=3"))
    assert [a.text for a in last.cssselect("section.day dd a")] == ["Nov 5 at 12", "Nov 30"]
    assert "Page 3 of 3" in last.cssselect("nav.pagination")[0].text_content()
