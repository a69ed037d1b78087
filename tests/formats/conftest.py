"""A small catalogue for the format tests: one repository, a collection with a file
below it and a file holding only drafts; published, draft and withdrawn documents;
agents with variant names, positions and roles; a provenance chain with FRUS and
Avalon editions."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from catalogue import models as m
from tests.factories import (
    AgentFactory,
    AgentNameFactory,
    DocumentAgentFactory,
    DocumentFactory,
    EventFactory,
    PublicationFactory,
    RepositoryFactory,
    SubjectFactory,
    UnitFactory,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.fixture(scope="session")
def ead_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "ead3.xsd")))


@pytest.fixture(scope="session")
def eac_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "eac-cpf-2.0.xsd")))


def build_archive():
    state = RepositoryFactory(
        name="Department of State", address="2201 C Street NW\nWashington, DC"
    )
    state_org = AgentFactory(authorised_name="Department of State", kind=m.AgentKind.ORGANISATION)
    ball_papers = UnitFactory(
        repository=state,
        title="Ball Papers",
        level=m.UnitLevel.COLLECTION,
        identifier="Lot 74 D 272",
        identifier_scheme=m.IdentifierScheme.LOT,
        scope_note="Papers of Under Secretary George W. Ball.",
        date_start=datetime.date(1961, 1, 1),
        date_end=datetime.date(1966, 12, 31),
        date_text="1961-1966",
        extent="12 boxes",
    )
    telcons = UnitFactory(
        repository=state, parent=ball_papers, title="Telcons--Cuba", level=m.UnitLevel.FILE
    )
    drafts_only = UnitFactory(
        repository=state, parent=ball_papers, title="Unpublished file", level=m.UnitLevel.FILE
    )
    rusk = AgentFactory(
        authorised_name="Rusk, Dean",
        dates="1909-1994",
        biographical_note="Secretary of State under Kennedy and Johnson.",
    )
    AgentNameFactory(agent=rusk, name="Sec", name_type=m.NameType.LABEL)
    AgentNameFactory(agent=rusk, name="Secretary of State Rusk", name_type=m.NameType.OFFICE)
    m.Position.objects.create(
        agent=rusk,
        title="Secretary of State",
        organisation=state_org,
        start_date=datetime.date(1961, 1, 21),
        end_date=datetime.date(1969, 1, 20),
    )
    ball_papers.creator = AgentFactory(authorised_name="Ball, George W.")
    ball_papers.save()
    stevenson = AgentFactory(authorised_name="Stevenson, Adlai")
    secret_only = AgentFactory(authorised_name="Hidden, Person")
    top_secret = m.ClassificationLevel.objects.get(name="Top Secret")
    eyes_only = m.Caveat.objects.get(name="Eyes Only")
    niact = m.Caveat.objects.get(name="Niact")
    cuba = SubjectFactory(name="Cuba -- Missile Crisis")

    telcon = DocumentFactory(
        unit=telcons,
        title="Memorandum of Telephone Conversation Between Rusk and Stevenson",
        doc_type=m.DocumentType.objects.get(key="memorandum_of_telephone_conversation"),
        classification=top_secret,
        sender=rusk,
        recipient=stevenson,
        date=datetime.date(1962, 10, 31),
        date_certainty=m.DateCertainty.INFERRED,
        date_note="Rusk's Appointment Book places the call late on October 31.",
        date_text="October 31, 1962",
        subject_line="Cuba.",
        source_note="Source: Department of State, Ball Papers: Lot 74 D 272, Telcons--Cuba.",
    )
    telcon.caveats.set([eyes_only, niact])
    telcon.subjects.set([cuba])
    DocumentAgentFactory(
        document=telcon, agent=rusk, role=m.AgentRole.AUTHOR, name_as_written="Sec"
    )
    DocumentAgentFactory(document=telcon, agent=stevenson, role=m.AgentRole.PARTICIPANT)
    DocumentAgentFactory(document=telcon, agent=stevenson, role=m.AgentRole.RECIPIENT)

    telegram = DocumentFactory(
        unit=ball_papers,
        title="Telegram From the Mission to the United Nations to the Department of State",
        message_number="1581",
        date=datetime.date(1962, 10, 1),
        date_precision=m.DatePrecision.MONTH,
        date_text="October 1962",
    )
    DocumentAgentFactory(document=telegram, agent=rusk, role=m.AgentRole.APPROVED)

    draft = DocumentFactory(
        unit=drafts_only, title="Draft memorandum never published", status=m.PublicationStatus.DRAFT
    )
    DocumentAgentFactory(document=draft, agent=secret_only, role=m.AgentRole.DRAFTER)
    DocumentAgentFactory(document=draft, agent=rusk, role=m.AgentRole.SIGNER)
    withdrawn = DocumentFactory(
        unit=telcons,
        title="Withdrawn duplicate telegram",
        status=m.PublicationStatus.WITHDRAWN,
        withdrawn_reason="Duplicate of another record.",
    )
    DocumentAgentFactory(document=withdrawn, agent=rusk, role=m.AgentRole.SENDER)

    frus = PublicationFactory(
        title="Foreign Relations of the United States, 1961-1963, Volume XI",
        short_title="FRUS 1961-1963, vol. XI",
        year=1996,
    )
    avalon = PublicationFactory(
        title="The Avalon Project", short_title="Avalon Project", url="https://avalon.law.yale.edu/"
    )
    drafted = EventFactory(
        document=telcon,
        event_type=m.EventType.CREATED,
        sequence=0,
        date=datetime.date(1962, 10, 31),
        time=datetime.time(23, 15),
        evidence="Rusk's Appointment Book (Johnson Library).",
    )
    m.EventAgent.objects.create(event=drafted, agent=rusk, role=m.AgentRole.AUTHOR)
    m.EventAgent.objects.create(event=drafted, agent=stevenson, role=m.AgentRole.PARTICIPANT)
    filed = EventFactory(
        document=telcon,
        event_type=m.EventType.FILED,
        sequence=1,
        date=None,
        date_precision=m.DatePrecision.UNKNOWN,
        custodian_after=state,
        unit=telcons,
        evidence="Source note: Ball Papers: Lot 74 D 272, Telcons--Cuba.",
    )
    published = EventFactory(
        document=telcon,
        event_type=m.EventType.PUBLISHED,
        sequence=2,
        date=datetime.date(1996, 1, 1),
        date_precision=m.DatePrecision.YEAR,
        publication=frus,
        evidence="FRUS 1961-1963, vol. XI (1996).",
    )
    transcribed = EventFactory(
        document=telcon,
        event_type=m.EventType.TRANSCRIBED,
        sequence=3,
        date=None,
        date_precision=m.DatePrecision.UNKNOWN,
        publication=avalon,
        evidence="Transcriber's footer.",
    )
    m.Citation.objects.create(document=telcon, kind=m.CitationKind.PUBLISHED_IN, publication=frus)
    m.Citation.objects.create(
        document=telcon, kind=m.CitationKind.TRANSCRIBED_IN, publication=avalon
    )
    return SimpleNamespace(
        state=state,
        ball_papers=ball_papers,
        telcons=telcons,
        drafts_only=drafts_only,
        rusk=rusk,
        stevenson=stevenson,
        secret_only=secret_only,
        state_org=state_org,
        telcon=telcon,
        telegram=telegram,
        draft=draft,
        withdrawn=withdrawn,
        frus=frus,
        avalon=avalon,
        events=SimpleNamespace(
            drafted=drafted, filed=filed, published=published, transcribed=transcribed
        ),
    )


@pytest.fixture
def archive(db):
    return build_archive()
