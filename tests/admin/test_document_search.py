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
