"""The OAI-PMH views answer in a fixed number of queries, however many records a page
holds and however many agents and subjects each record has."""

import pytest
from django.urls import reverse
from lxml import etree

from tests.factories import DocumentAgentFactory, DocumentFactory, UnitFactory

OAI = "{http://www.openarchives.org/OAI/2.0/}"


@pytest.fixture(autouse=True)
def oai_settings(settings):
    settings.OAI_PAGE_SIZE = 50


def _more(archive, n):
    for _ in range(n):
        unit = UnitFactory(repository=archive.state, parent=archive.telcons, level="item")
        document = DocumentFactory(unit=unit)
        DocumentAgentFactory(document=document)
        DocumentAgentFactory(document=document, role="drafter")


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # The page's ids, then its records and their related rows.
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc"}, 6),
        ({"verb": "ListRecords", "metadataPrefix": "ead3"}, 6),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, 6),
        ({"verb": "ListSets"}, 1),
    ],
)
def test_lists_in_fixed_queries(archive, client, django_assert_num_queries, params, queries):
    url = reverse("catalogue:oai")
    with django_assert_num_queries(queries):
        first = etree.fromstring(client.get(url, params).content)
    _more(archive, 4)
    with django_assert_num_queries(queries):
        second = etree.fromstring(client.get(url, params).content)
    assert first.find(f"{OAI}error") is None
    assert len(second[2]) > len(first[2])


def test_set_selection_in_fixed_queries(archive, client, django_assert_num_queries):
    spec = f"{archive.state.slug}:u{archive.ball_papers.pk}:u{archive.telcons.pk}"
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": spec}
    with django_assert_num_queries(8):
        client.get(reverse("catalogue:oai"), params)
    _more(archive, 3)
    with django_assert_num_queries(8):
        root = etree.fromstring(client.get(reverse("catalogue:oai"), params).content)
    assert len(root.findall(f".//{OAI}record")) == 2 + 3


def test_empty_catalogue_has_no_set_hierarchy_and_no_records(db, client):
    def error(params):
        root = etree.fromstring(client.get(reverse("catalogue:oai"), params).content)
        return root.find(f"{OAI}error").get("code")

    assert error({"verb": "ListSets"}) == "noSetHierarchy"
    assert error({"verb": "ListRecords", "metadataPrefix": "oai_dc"}) == "noRecordsMatch"
    root = etree.fromstring(client.get(reverse("catalogue:oai"), {"verb": "Identify"}).content)
    assert root.find(f"{OAI}Identify/{OAI}earliestDatestamp").text.endswith("Z")
