"""The document list's search box: the full-text index, drafts included."""

import pytest

from catalogue.models import AgentRole, PublicationStatus
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
    assert found(archivist, "1581") == set()  # a message number is not in the texts
    assert found(archivist, str(other.pk)) == {str(other)}
    assert found(archivist, "Ambassador") == {str(other)}
    assert found(archivist, "quarantine OR Ambassador") == {str(draft), str(other)}
    assert found(archivist, "zanzibar") == set()
