"""The bundled catalogue describes both seed documents completely."""

import datetime

import pytest

from catalogue import models as m

pytestmark = pytest.mark.django_db


def test_fixture_loads_twice_without_duplicates(seed_catalogue):
    from django.core.management import call_command

    before = m.Document.objects.count(), m.Agent.objects.count(), m.ArchivalUnit.objects.count()
    call_command("loaddata", "fixtures/seed_catalogue.json", verbosity=0)
    after = m.Document.objects.count(), m.Agent.objects.count(), m.ArchivalUnit.objects.count()
    assert before == after == (2, before[1], before[2])


def test_telcon_is_fully_described(seed_catalogue):
    doc = m.Document.objects.get(doc_type__key="memorandum_of_telephone_conversation")
    assert doc.status == "published"
    assert doc.date == datetime.date(1962, 10, 31)
    assert doc.date_certainty == "inferred"
    assert "Rusk's Appointment Book" in doc.date_note
    assert doc.classification.name == "No classification marking"
    assert doc.unit.path_labels() == ["Ball Papers", "Lot 74 D 272", "Telcons--Cuba"]
    assert doc.unit.repository.name == "Department of State"
    assert doc.source_note.startswith("Source: Department of State, Ball Papers")
    participants = {
        r.agent.sort_name
        for r in doc.agent_roles.filter(role="participant").select_related("agent")
    }
    assert participants == {"Rusk, Dean", "Stevenson, Adlai E."}
    notes = {n.number: n for n in doc.footnotes.all()}
    assert notes[1].resolved_date == datetime.date(1962, 10, 28)
    assert notes[1].anchor_text == "Sunday"
    assert doc.text[notes[1].marker_offset : notes[1].marker_offset + 3] == "(1)"
    assert notes[3].resolved_date == datetime.date(1962, 11, 2)
    assert "American Foreign Policy: Current Documents, 1962" in notes[2].text
    relation = doc.relations.get()
    assert relation.target_document_number == 102
    cited = doc.citations.get(kind="cites_printed")
    assert cited.publication.title == "American Foreign Policy: Current Documents, 1962"
    assert cited.pages == "447-448"
    kinds = list(doc.events.values_list("event_type", flat=True))
    assert kinds == ["created", "filed", "published", "transcribed", "catalogued"]
    created = doc.events.get(event_type="created")
    assert "Rusk's Appointment Book (Johnson Library)" in created.evidence
    assert {c.kind for c in doc.citations.all()} >= {"published_in", "transcribed_in"}


def test_telegram_is_fully_described(seed_catalogue):
    doc = m.Document.objects.get(doc_type__key="telegram")
    assert (doc.place, doc.time, doc.message_number) == ("New York", datetime.time(22, 50), "1581")
    assert doc.subject_line == "Cuba"
    assert doc.routing == ["Dept pass White House"]
    assert doc.classification.name == "Confidential"
    assert doc.sender.authorised_name == "United States Mission to the United Nations"
    assert doc.recipient.authorised_name == "United States. Department of State"
    assert doc.unit.path_labels() == ["USUN Files", "NYFRC 84-84-001", "October-November Meetings"]
    assert doc.unit.repository.name == "New York Federal Records Center"
    roles = {(r.agent.sort_name, r.role) for r in doc.agent_roles.select_related("agent")}
    assert ("Akalovsky, Alexander", "drafter") in roles
    assert ("McCloy, John J.", "concurred") in roles
    archival = doc.citations.get(kind="cites_archival")
    assert archival.unit.path_labels() == [
        "RG 330",
        "OASD(C) A Files",
        "FRC 71 A 2896",
        "Verification of US-USSR Agreements re Cuba",
        "Gilpatric Notes",
    ]
    assert archival.unit.repository.name == "Washington National Records Center"
    kinds = list(doc.events.values_list("event_type", flat=True))
    assert kinds[:3] == ["drafted", "concurred", "sent"]
    assert "transcribed" in kinds and "published" in kinds


def test_variant_names_resolve(seed_catalogue):
    assert m.Agent.objects.named("Kuznetzov").get().sort_name == "Kuznetsov, Vasily V."
    assert m.Agent.objects.named("Secretary of State Rusk").get().sort_name == "Rusk, Dean"
    rusk = m.Agent.objects.get(sort_name="Rusk, Dean")
    assert rusk.positions.get().title == "Secretary of State"
