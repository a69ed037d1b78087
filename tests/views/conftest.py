import datetime

import lxml.html
import pytest

from catalogue.models import AgentRole, Document, PublicationStatus
from tests.factories import (
    AgentFactory,
    DocumentAgentFactory,
    DocumentFactory,
    EventFactory,
    FootnoteFactory,
    RepositoryFactory,
    SubjectFactory,
    UnitFactory,
)


def parse(response):
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def seeded(seed_catalogue):
    """The bundled seed catalogue: two published documents with their provenance."""
    return {
        "memo": Document.objects.get(pk=1),
        "telegram": Document.objects.get(pk=2),
    }


@pytest.fixture
def world(db):
    """A repository with a collection and a file, published and unpublished documents,
    and an agent who appears in both."""
    repository = RepositoryFactory(name="Department of State", short_name="DOS")
    collection = UnitFactory(
        repository=repository,
        title="Ball Papers",
        identifier="Lot 74 D 272",
        identifier_scheme="lot",
        level="collection",
    )
    file = UnitFactory(
        repository=repository, parent=collection, title="Telcons--Cuba", level="file"
    )
    empty_file = UnitFactory(
        repository=repository, parent=collection, title="Only drafts", level="file"
    )
    agent = AgentFactory(authorised_name="Alexander Akalovsky", sort_name="Akalovsky, Alexander")
    hidden_agent = AgentFactory(authorised_name="Secret Drafter")
    subject = SubjectFactory(name="Quarantine")
    published = DocumentFactory(
        title="Telegram about the quarantine",
        text="The quarantine line holds.(1)",
        unit=file,
        date=datetime.date(1962, 10, 27),
        time=datetime.time(22, 50),
        source_note="Source: Department of State, Ball Papers: Lot 74 D 272, Telcons--Cuba. Secret.",
    )
    published.subjects.add(subject)
    FootnoteFactory(document=published, number=1, text="October 28.")
    DocumentAgentFactory(document=published, agent=agent, role=AgentRole.DRAFTER)
    EventFactory(document=published, event_type="drafted", evidence="Drafted by Akalovsky.")
    other = DocumentFactory(
        title="Memorandum on dismantling",
        doc_type=vocab("memorandum"),
        text="Dismantling began on Sunday.",
        unit=file,
        date=datetime.date(1962, 10, 28),
    )
    draft = DocumentFactory(
        title="Draft zanzibar telegram",
        text="zanzibar quarantine",
        unit=empty_file,
        status=PublicationStatus.DRAFT,
        date=datetime.date(1962, 10, 27),
    )
    draft.subjects.add(subject)
    DocumentAgentFactory(document=draft, agent=agent, role=AgentRole.SENDER)
    DocumentAgentFactory(document=draft, agent=hidden_agent, role=AgentRole.DRAFTER)
    withdrawn = DocumentFactory(
        title="Withdrawn yankee telegram",
        text="yankee",
        unit=file,
        status=PublicationStatus.WITHDRAWN,
        withdrawn_reason="Duplicate of document 1.",
    )
    return {
        "repository": repository,
        "collection": collection,
        "file": file,
        "empty_file": empty_file,
        "agent": agent,
        "hidden_agent": hidden_agent,
        "subject": subject,
        "published": published,
        "other": other,
        "draft": draft,
        "withdrawn": withdrawn,
    }


def vocab(key):
    from catalogue.models import DocumentType

    return DocumentType.objects.get(key=key)


def enrich(document, n, agents=None):
    """Give ``document`` n footnotes, agent roles, events and subjects."""
    document.text = " ".join(f"Point {i}.({i})" for i in range(1, n + 1))
    document.save()
    for i in range(1, n + 1):
        FootnoteFactory(document=document, number=i, text=f"Note {i}.")
        DocumentAgentFactory(
            document=document,
            agent=agents[i - 1] if agents else AgentFactory(),
            role=AgentRole.MENTIONED,
        )
        EventFactory(document=document, event_type="received", sequence=i, evidence=f"E{i}")
        document.subjects.add(SubjectFactory())
    return document
