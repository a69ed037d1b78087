"""The document list's search box: the full-text index, drafts included."""

import pytest

from catalogue.models import AgentRole, Document, PublicationStatus
from tests.factories import (
    AgentFactory,
    AgentNameFactory,
    DocumentAgentFactory,
    DocumentFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def archivist(client):
    client.force_login(SuperuserFactory())
    return client


def found(client, term) -> set[str]:
    response = client.get("/admin/catalogue/document/", {"q": term})
    assert response.status_code == 200
    return {str(document) for document in response.context["cl"].result_list}


def test_words_phrases_numbers_and_variant_names_find_drafts_too(archivist):
    draft = DocumentFactory(
        title="Draft on the quarantine line",
        text="The quarantine line was moved to 500 miles.",
        status=PublicationStatus.DRAFT,
        message_number="1581",
    )
    other = DocumentFactory(title="Letter", text="Nothing of the kind.")
    agent = AgentFactory(authorised_name="Valerian Zorin")
    AgentNameFactory(agent=agent, name="Ambassador Zorin")
    DocumentAgentFactory(document=other, agent=agent, role=AgentRole.SENDER)
    assert found(archivist, "quarantine") == {str(draft)}
    assert found(archivist, "quarant*") == {str(draft)}
    assert found(archivist, '"line was moved"') == {str(draft)}
    assert found(archivist, "1581") == {str(draft)}  # its message number
    assert found(archivist, "quarant") == {str(draft)}  # the last word is a prefix
    assert found(archivist, "²") == set()  # a digit, not a number
    assert found(archivist, str(other.pk)) == {str(other)}
    assert found(archivist, "Ambassador") == {str(other)}
    assert found(archivist, "quarantine OR Ambassador") == {str(draft), str(other)}
    assert found(archivist, "zanzibar") == set()


def test_the_related_document_autocomplete_finds_a_title_as_it_is_typed(archivist):
    DocumentFactory(title="Quarantine memorandum")
    response = archivist.get(
        "/admin/autocomplete/",
        {
            "term": "Quarant",
            "app_label": "catalogue",
            "model_name": "documentrelation",
            "field_name": "target",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]][:1] == [
        str(Document.objects.get(title="Quarantine memorandum"))
    ]


def test_list_pages_are_the_filtered_ordered_list_cut_and_read_by_id(
    archivist, django_assert_num_queries
):
    """A page's ids are chosen in the list's order with its filters and search, then
    its rows are read by id alone (the search is not run again), in the same order."""
    import datetime
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalogue.models import Caveat

    caveat = Caveat.objects.order_by("pk").first()
    for n in range(200):
        document = DocumentFactory(
            title=f"Report {n}",
            text="On the quarantine." if n % 3 else "Elsewhere.",
            date=datetime.date(1962, 10, 1 + n % 28),
            date_precision="day",
        )
        if n % 2:
            document.caveats.add(caveat)
    wanted = (
        Document.objects.filter(text__contains="quarantine", caveats=caveat)
        .order_by("-date", "-pk")
        .values_list("pk", flat=True)
    )
    columns = archivist.get("/admin/catalogue/document/").context["cl"].list_display
    newest_first = f"-{columns.index('date')}"
    query = {"q": "quarantine", "caveats__id__exact": caveat.pk, "o": newest_first}
    pages = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = archivist.get("/admin/catalogue/document/", {**query, "p": page})
        assert response.status_code == 200
        cl = response.context["cl"]
        pages += [document.pk for document in cl.result_list]
        rows_sql = [
            q["sql"]
            for q in queries.captured_queries
            if re.search(r'WHERE "catalogue_document"\."id" IN \(\d', q["sql"])
        ]
        assert rows_sql and all("MATCH" not in sql and "caveat" not in sql for sql in rows_sql)
    assert len(wanted) > 50
    assert pages == list(wanted)


def test_a_list_ordered_by_an_annotation_is_cut_as_django_cuts_it():
    """The rows' query carries no annotation: a list ordered by one falls back to
    Django's own page, and gives the same documents."""
    from django.core.paginator import Paginator
    from django.db.models import F

    from catalogue.admin.documents import PageIdsFirstPaginator

    for n in range(5):
        DocumentFactory(title=f"Memo {n}")
    listed = Document.objects.annotate(backwards=-F("pk")).order_by("backwards")
    ours = PageIdsFirstPaginator(listed, 2).page(2)
    djangos = Paginator(listed, 2).page(2)
    assert [d.pk for d in ours] == [d.pk for d in djangos]
    assert [d.backwards for d in ours] == [-d.pk for d in ours]  # the annotation is there
    plain = PageIdsFirstPaginator(Document.objects.order_by("-pk"), 2).page(2)
    assert [d.pk for d in plain] == [
        d.pk for d in Paginator(Document.objects.order_by("-pk"), 2).page(2)
    ]


def between(monkeypatch, common: str, rare: str):
    """The threshold between the two words' shares: the shares are over the highest
    document id, which earlier tests' rows (a flushed database keeps its sequences)
    push up."""
    from catalogue.search import get_backend, sqlite

    share = get_backend().matched_share
    if share(common) is not None:
        assert share(common) > share(rare)
        monkeypatch.setattr(sqlite, "SCAN_FROM_SHARE", (share(common) + share(rare)) / 2)


def test_a_word_in_most_documents_is_tested_per_row_and_a_rare_one_read_by_id(
    archivist, monkeypatch
):
    """On SQLite a common word's matches become a lookup table that the list's index
    walk tests row by row (``+id IN``); a rare word's are read by id. Either way the
    list, its count and its dates are the same as the plain restriction's."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalogue.search import get_backend

    for n in range(40):
        DocumentFactory(
            title=f"Report {n}",
            text="On the quarantine." if n % 8 else "On the zanzibar question.",
            date=datetime.date(1962, 10 + n % 3, 1 + n % 28),
            date_precision="day",
            status=PublicationStatus.DRAFT if n % 5 == 0 else PublicationStatus.PUBLISHED,
        )
    common, rare = (
        Document.objects.filter(text__contains="quarantine"),
        Document.objects.filter(text__contains="zanzibar"),
    )
    sqlite = connection.vendor == "sqlite"
    between(monkeypatch, "quarantine*", "zanzibar*")
    assert get_backend().scan_pays("quarantine*") is sqlite
    assert not get_backend().scan_pays("zanzibar*")

    def listed(term, **filters):
        with CaptureQueriesContext(connection) as queries:
            response = archivist.get("/admin/catalogue/document/", {"q": term, **filters})
        assert response.status_code == 200
        cl = response.context["cl"]
        per_row = [
            q["sql"]
            for q in queries.captured_queries
            if '+"catalogue_document"."id" IN' in q["sql"]
        ]
        return {d.pk for d in cl.result_list}, cl.result_count, per_row

    pks, count, per_row = listed("quarantine")
    assert pks == set(common.values_list("pk", flat=True)) and count == 35
    # The count, the page's ids, the date range and the months.
    assert len(per_row) == (4 if sqlite else 0)
    pks, count, per_row = listed(
        "quarantine", status__exact="draft", date__month="10", date__year="1962"
    )
    assert (
        pks == set(common.filter(status="draft", date__month=10).values_list("pk", flat=True))
        and count == len(pks) > 0
    )
    assert bool(per_row) is sqlite
    pks, count, per_row = listed("zanzibar")
    assert pks == set(rare.values_list("pk", flat=True)) and count == 5
    assert per_row == []


def test_a_common_number_finds_its_texts_its_document_and_its_telegrams(archivist, monkeypatch):
    """The number's other readings (a document's id, a message number) are ORed with a
    text search made by scan as with one made by id."""
    from django.db import connection

    from catalogue.search import get_backend

    documents = [DocumentFactory(title=f"Report {n}", text="Cuba, 1962.") for n in range(12)]
    other = DocumentFactory(title="Letter", text="Nothing.")
    telegram = DocumentFactory(title="Telegram", text="Nothing either.", message_number="1962")
    between(monkeypatch, "1962*", "nothing*")
    assert get_backend().scan_pays("1962*") is (connection.vendor == "sqlite")
    # 1962 is also an id: whichever document has it, if any, is found too.
    expected = {str(d) for d in [*documents, telegram, *Document.objects.filter(pk=1962)]}
    assert found(archivist, "1962") == expected
    assert found(archivist, str(other.pk)) == {str(other)}
    by_id = (
        get_backend().restrict(Document.objects.all(), "1962*")
        | Document.objects.filter(pk=other.pk)
        | Document.objects.numbered("1962")
    )
    by_scan = (
        get_backend().restrict(Document.objects.all(), "1962*", by_scan=True)
        | Document.objects.filter(pk=other.pk)
        | Document.objects.numbered("1962")
    )
    assert set(by_scan) == set(by_id) == {*documents, telegram, other}
