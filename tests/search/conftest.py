import datetime

import pytest

from catalogue.models import AgentRole, PublicationStatus
from tests.factories import (
    AgentFactory,
    AgentNameFactory,
    DocumentAgentFactory,
    DocumentFactory,
    FootnoteFactory,
)


@pytest.fixture
def corpus(db):
    """Four published documents and a draft, each findable by a different part."""
    titled = DocumentFactory(
        title="Telegram on the quarantine line", text="Ships turned back at dawn."
    )
    body = DocumentFactory(
        title="Memorandum of conversation",
        text="We started the dismantling on Sunday. Please lay off the aerial reconnaissance.",
        date=datetime.date(1962, 10, 28),
    )
    noted = DocumentFactory(
        title="Letter",
        text="See the note.",
        source_note="Source: Department of State, Ball Papers: Lot 74 D 272, Telcons--Cuba.",
    )
    FootnoteFactory(document=noted, number=1, text="Gilpatric's notes are in RG 330.")
    drafter = AgentFactory(authorised_name="Alexander Akalovsky")
    AgentNameFactory(agent=drafter, name="Akalovskii")
    agented = DocumentFactory(title="Telegram 1581", text="McCloy met Kuznetsov.")
    DocumentAgentFactory(document=agented, agent=drafter, role=AgentRole.DRAFTER)
    draft = DocumentFactory(
        title="Draft about zanzibar quarantine",
        text="zanzibar dismantling",
        status=PublicationStatus.DRAFT,
    )
    return {
        "titled": titled,
        "body": body,
        "noted": noted,
        "agented": agented,
        "draft": draft,
        "drafter": drafter,
    }
