import datetime

import pytest
from django.urls import reverse
from lxml import etree

from catalogue.formats import eac
from tests.factories import DocumentAgentFactory, DocumentFactory

NS = {"x": eac.EAC_NS}
BASE = "https://catalogue.test"


def _record(agent):
    return eac.agent_record(eac.agents_for_eac().get(pk=agent.pk), BASE)


def test_agent_record_validates_with_names_positions_and_relations(archive, eac_schema):
    root = _record(archive.rusk)
    assert eac_schema.validate(root), eac_schema.error_log
    identity = root.find("x:cpfDescription/x:identity", NS)
    assert identity.find("x:entityType", NS).get("value") == "person"
    entries = {
        e.findtext("x:part", namespaces=NS): e.get("status")
        for e in identity.findall("x:nameEntry", NS)
    }
    assert entries == {
        "Rusk, Dean": "authorized",
        "Sec": "alternative",
        "Secretary of State Rusk": "alternative",
    }
    occupation = root.find("x:cpfDescription/x:description/x:occupations/x:occupation", NS)
    assert occupation.findtext("x:term", namespaces=NS) == "Secretary of State"
    assert occupation.find("x:dateRange/x:fromDate", NS).get("standardDate") == "1961-01-21"
    assert occupation.find("x:dateRange/x:toDate", NS).get("standardDate") == "1969-01-20"
    assert (
        root.findtext("x:cpfDescription/x:description/x:existDates/x:date", namespaces=NS)
        == "1909-1994"
    )


def test_relations_only_to_published_documents(archive):
    root = _record(archive.rusk)
    relations = root.findall("x:cpfDescription/x:relations/x:relation", NS)
    resources = {
        r.findtext("x:targetEntity/x:part", namespaces=NS): [
            t.get("localType") for t in r.findall("x:relationType", NS)
        ]
        for r in relations
        if r.find("x:targetEntity", NS).get("targetType") == "resource"
    }
    assert resources == {archive.telcon.title: ["author"], archive.telegram.title: ["approved"]}
    telcon = next(
        r
        for r in relations
        if r.findtext("x:targetEntity/x:part", namespaces=NS) == archive.telcon.title
    )
    assert telcon.find("x:date", NS).get("standardDate") == "1962-10-31"
    assert "Named as: Sec" in telcon.findtext("x:descriptiveNote/x:p", namespaces=NS)
    organisations = [
        r.findtext("x:targetEntity/x:part", namespaces=NS)
        for r in relations
        if r.find("x:targetEntity", NS).get("targetType") == "corporateBody"
    ]
    assert organisations == ["Department of State"]
    xml = etree.tostring(root).decode()
    assert archive.draft.title not in xml and archive.withdrawn.title not in xml


def test_unit_creator_relation(archive, eac_schema):
    creator = archive.ball_papers.creator
    DocumentAgentFactory(document=archive.telegram, agent=creator, role="mentioned")
    root = _record(creator)
    assert eac_schema.validate(root), eac_schema.error_log
    targets = [t.get("valueURI") for t in root.iterfind(".//x:relation/x:targetEntity", NS)]
    assert f"{BASE}/units/{archive.ball_papers.pk}/ead.xml" in targets


@pytest.mark.django_db
def test_eac_view(archive, client, django_assert_num_queries):
    url = reverse("catalogue:agent-eac", kwargs={"pk": archive.rusk.pk})
    # Is the agent public; the stamp; the record's reads; the stamp again, to keep it.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    for _ in range(4):
        DocumentAgentFactory(document=DocumentFactory(), agent=archive.rusk, role="author")
    with django_assert_num_queries(10):
        response = client.get(url)
    root = etree.fromstring(response.content)
    assert len(root.findall(".//x:relation", NS)) == 2 + 4 + 1
    with django_assert_num_queries(2):  # unchanged since: the agent, the stamp, the copy
        again = client.get(url)
    assert again.content == response.content and again["ETag"] == response["ETag"]


def test_an_agent_in_many_documents_names_the_first_and_points_to_all(
    archive, client, eac_schema, monkeypatch, django_assert_num_queries
):
    """Past ``MAX_DOCUMENT_RELATIONS`` documents the record lists the first ones by
    date (undated last, on every database) and adds one relation to the search for
    them all, with their number; still valid EAC-CPF, in a fixed number of queries."""
    monkeypatch.setattr(eac, "MAX_DOCUMENT_RELATIONS", 2)
    for day in (1, 2, 3, 4):
        DocumentAgentFactory(
            document=DocumentFactory(title=f"Later {day}", date=datetime.date(1962, 12, day)),
            agent=archive.rusk,
            role="author",
        )
    undated = DocumentFactory(title="Later undated", date=None, date_precision="unknown")
    DocumentAgentFactory(document=undated, agent=archive.rusk, role="author")
    # The agent with its names, identifiers and positions; the ids, links, count, units.
    with django_assert_num_queries(8):
        root = _record(archive.rusk)
    eac_schema.assertValid(root)
    relations = root.findall("x:cpfDescription/x:relations/x:relation", NS)
    resources = [
        r.find("x:targetEntity", NS)
        for r in relations
        if r.find("x:targetEntity", NS).get("targetType") == "resource"
    ]
    parts = [t.find("x:part", NS).text for t in resources]
    assert parts[0] == "All 7 published documents"
    assert resources[0].get("valueURI") == f"{BASE}/search/?agent={archive.rusk.pk}&sort=date"
    listed = [t.find("x:part", NS).text for t in resources if "/documents/" in t.get("valueURI")]
    assert len(listed) == 2 and not any(title.startswith("Later") for title in listed)


def test_agent_only_in_drafts_has_no_public_record(archive, client):
    response = client.get(reverse("catalogue:agent-eac", kwargs={"pk": archive.secret_only.pk}))
    assert response.status_code == 404
