"""The home page counts and the chronology."""

import datetime

from catalogue.models import Document, PublicationStatus
from tests.factories import DocumentFactory

from .conftest import parse

HOME_QUERIES = 5  # the change stamp, then four counts
CACHED_HOME_QUERIES = 1  # the change stamp
CHRONOLOGY_QUERIES = 2


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
