import datetime

import pytest
from django.urls import reverse

from catalogue import models as m
from tests import factories as f
from tests.api.conftest import build_tree, rich_document

LIST = "/api/v1/documents/"


def detail(pk):
    return reverse("api:document-detail", kwargs={"pk": pk})


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def statuses(db):
    return {
        status: f.DocumentFactory(status=status, withdrawn_reason="dup")
        for status in m.PublicationStatus.values
    }


def test_anonymous_clients_see_only_published_records_whatever_they_ask(client, statuses):
    published = statuses["published"].pk
    assert ids(client.get(LIST)) == [published]
    assert ids(client.get(LIST, {"status": "draft"})) == []
    assert ids(client.get(LIST, {"status": ["draft", "withdrawn", "published"]})) == [published]
    for status, doc in statuses.items():
        expected = 200 if status == "published" else 404
        assert client.get(detail(doc.pk)).status_code == expected


def test_staff_see_every_status_and_can_filter_on_it(staff_client, statuses):
    assert sorted(ids(staff_client.get(LIST))) == sorted(d.pk for d in statuses.values())
    assert ids(staff_client.get(LIST, {"status": "draft"})) == [statuses["draft"].pk]
    assert staff_client.get(detail(statuses["withdrawn"].pk)).status_code == 200


def test_detail_has_the_documented_export_shape(client, db):
    repository, papers, folder = build_tree()
    doc = rich_document(unit=folder, n_related=2)
    doc.time = datetime.time(14, 5)
    doc.sender = f.AgentFactory(authorised_name="Stevenson, Adlai")
    doc.source_file, doc.source_checksum = "seeds/003.txt", "ab" * 32
    doc.save()

    data = client.get(detail(doc.pk)).json()

    documented = {
        "id", "title", "doc_type", "collection", "sender", "recipient", "place", "date",
        "time", "message_number", "subject", "routing", "classification", "caveats",
        "source", "agents", "footnotes", "relations", "events", "received", "text",
        "source_file",
    }  # fmt: skip
    assert documented <= data.keys()
    assert data["id"] == doc.pk and data["doc_type"] == "telegram"
    assert data["sender"] == "Stevenson, Adlai" and data["sender_id"] == doc.sender_id
    assert data["date"] == {
        "value": "1962-10-27",
        "precision": "day",
        "certainty": "certain",
        "text": "",
        "note": "",
    }
    assert data["time"] == "14:05"
    assert data["classification"] == "Secret"
    assert data["caveats"] == [c.name for c in doc.caveats.all()]
    assert data["source"]["path"] == ["Ball Papers", "Lot 74 D 272", "Telcons--Cuba"]
    assert data["source"]["path"] == folder.path_labels()
    assert data["source"]["repository"] == "Department of State"
    assert [(a["role"], a["position"]) for a in data["agents"]] == [("cleared", "")] * 2
    assert [n["number"] for n in data["footnotes"]] == [1, 2]
    assert data["footnotes"][0]["text"] == "Note 1. Back"
    assert {"type", "date", "agents", "evidence"} <= data["events"][0].keys()
    assert data["events"][0]["agents"] == [data["agents"][0]["name"]]
    assert data["relations"][0]["footnote"] == 1
    assert data["source_file"] == {"path": "seeds/003.txt", "checksum": "ab" * 32}
    assert data["version"] == 1 and data["status"] == "published"


@pytest.fixture
def facets(db):
    """Documents that differ in one facet each, all published."""
    repository, papers, folder = build_tree()
    other_repo_unit = f.UnitFactory()
    rusk = f.AgentFactory(authorised_name="Rusk")
    subject = f.SubjectFactory(name="Quarantine")
    docs = {
        "base": f.DocumentFactory(unit=folder),
        "letter": f.DocumentFactory(unit=papers, doc_type=m.DocumentType.objects.get(key="letter")),
        "top": f.DocumentFactory(
            unit=other_repo_unit,
            classification=m.ClassificationLevel.objects.get(name="Top Secret"),
            date=datetime.date(1962, 11, 2),
            title="Blockade of Cuba",
        ),
    }
    docs["base"].caveats.add(m.Caveat.objects.get(name="Niact"))
    docs["letter"].subjects.add(subject)
    f.DocumentAgentFactory(document=docs["letter"], agent=rusk, role=m.AgentRole.DRAFTER)
    f.DocumentAgentFactory(document=docs["top"], agent=rusk, role=m.AgentRole.APPROVED)
    return {
        "docs": docs,
        "repository": repository,
        "papers": papers,
        "folder": folder,
        "rusk": rusk,
    }


def test_filters_share_the_public_filterset(client, facets):
    docs, rusk = facets["docs"], facets["rusk"]

    def found(**params):
        return set(ids(client.get(LIST, params)))

    assert found(type="letter") == {docs["letter"].pk}
    assert found(classification="top-secret") == {docs["top"].pk}
    assert found(caveat="niact") == {docs["base"].pk}
    assert found(repository=facets["repository"].slug) == {docs["base"].pk, docs["letter"].pk}
    # A unit finds what is filed in it and anywhere below it.
    assert found(unit=facets["papers"].pk) == {docs["base"].pk, docs["letter"].pk}
    assert found(unit=facets["folder"].pk) == {docs["base"].pk}
    assert found(agent=rusk.pk) == {docs["letter"].pk, docs["top"].pk}
    assert found(agent=rusk.pk, role="drafter") == {docs["letter"].pk}
    assert found(date_from="1962-11-01") == {docs["top"].pk}
    assert found(date_to="1962-10-31") == {docs["base"].pk, docs["letter"].pk}
    assert found(subject="quarantine") == {docs["letter"].pk}
    assert found(q="Blockade") == {docs["top"].pk}


def test_invalid_filter_values_are_field_level_400s(client, facets):
    response = client.get(LIST, {"date_from": "not a date", "type": "no-such-type"})
    assert response.status_code == 400
    assert {"date_from", "type"} <= response.json().keys()


def test_ordering_and_cursor_pagination_cover_every_record_once(client, db):
    unit = f.UnitFactory()
    dates = [datetime.date(1962, 10, d) for d in (27, 16, 22, 28, 16)]
    docs = [f.DocumentFactory(unit=unit, date=d) for d in dates]
    docs.append(f.DocumentFactory(unit=unit, date=None, date_precision=m.DatePrecision.UNKNOWN))

    seen, url = [], LIST + "?ordering=date&page_size=2"
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    # Undated last, whichever way (as on the public site).
    expected = sorted(docs, key=lambda d: (d.date is None, d.date or datetime.date.min, d.pk))
    assert seen == [d.pk for d in expected]

    newest_first = ids(client.get(LIST, {"ordering": "-date", "page_size": 100}))
    assert newest_first == [d.pk for d in reversed(expected[:-1])] + [expected[-1].pk]
    by_title = ids(client.get(LIST, {"ordering": "title", "page_size": 100}))
    assert by_title == [d.pk for d in sorted(docs, key=lambda d: (d.title, d.pk))]


def test_page_size_is_bounded(client, db):
    unit = f.UnitFactory()
    template = f.DocumentFactory(unit=unit)
    m.Document.objects.bulk_create(
        [
            m.Document(
                title=f"Doc {i}",
                slug=f"doc-{i}",
                collection_id=template.collection_id,
                doc_type_id=template.doc_type_id,
                status="published",
            )
            for i in range(510)
        ]
    )
    assert len(ids(client.get(LIST, {"page_size": 10_000}))) == 500
    assert len(ids(client.get(LIST))) == 50
    assert len(ids(client.get(LIST, {"page_size": 7}))) == 7


def test_list_query_count_is_fixed(client, django_assert_num_queries, db):
    unit = f.UnitFactory()
    for _ in range(2):
        rich_document(unit=unit, n_related=1)
    with django_assert_num_queries(2):
        small = client.get(LIST, {"page_size": 2})
    for _ in range(20):
        rich_document(unit=unit, n_related=3)
    with django_assert_num_queries(2):
        large = client.get(LIST, {"page_size": 40})
    assert len(small.json()["results"]) == 2 and len(large.json()["results"]) == 40


def test_detail_query_count_is_fixed(client, django_assert_num_queries, db):
    repository, papers, folder = build_tree()
    few = rich_document(unit=folder, n_related=1)
    many = rich_document(unit=folder, n_related=6)
    for doc in (few, many):
        with django_assert_num_queries(11):
            assert client.get(detail(doc.pk)).status_code == 200


def test_previous_links_walk_back_and_bad_cursors_are_404(client, db):
    unit = f.UnitFactory()
    docs = [
        f.DocumentFactory(unit=unit, date=datetime.date(1962, 10, 20 + i % 3)) for i in range(7)
    ]
    docs.append(f.DocumentFactory(unit=unit, date=None, date_precision=m.DatePrecision.UNKNOWN))
    pages, url = [], LIST + "?ordering=-date&page_size=3"
    while url:
        page = client.get(url).json()
        pages.append([row["id"] for row in page["results"]])
        url = page["next"]
    assert len(pages) == 3 and sum(len(p) for p in pages) == 8
    assert pages[-1][-1] == docs[-1].pk  # undated last when newest first
    last = client.get(LIST + "?ordering=-date&page_size=3").json()
    last = client.get(client.get(last["next"]).json()["next"]).json()
    back = client.get(last["previous"]).json()
    assert [row["id"] for row in back["results"]] == pages[1]
    assert client.get(LIST, {"cursor": "not-a-cursor"}).status_code == 404


def test_many_full_records_cost_a_fixed_number_of_queries(django_assert_num_queries, db):
    from catalogue.api.serializers import DocumentSerializer

    docs = [rich_document(n_related=n) for n in (1, 4, 2)]
    with django_assert_num_queries(11):
        data = DocumentSerializer(docs, many=True).data
    assert [d["id"] for d in data] == [d.pk for d in docs]
    assert [len(d["footnotes"]) for d in data] == [1, 4, 2]


def test_a_date_range_ending_before_it_starts_is_a_field_level_400(client, facets):
    response = client.get(LIST, {"date_from": "1962-10-28", "date_to": "1962-10-16"})
    assert response.status_code == 400
    assert "before its start" in response.json()["date_to"][0]
    assert client.get(LIST, {"date_from": "1962-10-16", "date_to": "1962-10-16"}).status_code == 200
