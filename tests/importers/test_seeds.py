"""Every extracted field of the two real seed texts, asserted exactly."""

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from catalogue.importers.avalon import PARSER_VERSION, parse_document
from catalogue.importers.records import (
    ParsedAgent,
    ParsedAgentRole,
    ParsedDate,
    ParsedLocation,
    ParsedPrintedCitation,
    ParsedUnitRef,
)

from . import SEEDS

TELCON = "000_edb94c0bc4a3a32d.txt"
TELEGRAM = "003_4f44f1490693370c.txt"
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

RUSK = ParsedAgent("Rusk", "Secretary of State", "person", "Secretary of State Rusk")
STEVENSON = ParsedAgent(
    "Stevenson",
    "Permanent Representative to the United Nations",
    "person",
    "the Permanent Representative to the United Nations (Stevenson)",
)
USUN = ParsedAgent(
    "Mission to the United Nations", "", "organisation", "the Mission to the United Nations"
)
DOS = ParsedAgent("Department of State", "", "organisation", "the Department of State")
AKALOVSKY = ParsedAgent("Akalovsky", "", "person", "Akalovsky")
MCCLOY = ParsedAgent("McCloy", "", "person", "McCloy")
FOOTER = "127 Wall Street, New Haven, CT 06511."
REMARK = (
    "The conversation probably took place after the 14th meeting of the Executive Committee"
    " since Rusk's Appointment Book shows that he met with Ball at 11:09 p.m. (Johnson Library)"
)


def parse(name):
    data = (SEEDS / name).read_bytes()
    return parse_document(data, filename=f"seeds/{name}"), data


@pytest.mark.parametrize("name", [TELCON, TELEGRAM])
def test_bundled_seeds_match_the_shared_ones(name):
    shared = SHARED_SEEDS / name
    if not shared.exists():
        pytest.skip("shared/seeds is not beside the repository")
    assert shared.read_bytes() == (SEEDS / name).read_bytes()


def test_telcon_seed_every_field():
    doc, data = parse(TELCON)
    text = data.decode()
    assert doc.collection == "The Cuban Missile Crisis"
    assert doc.collection_as_written == "The Cuban Missile Crisis"
    heading = (
        "Memorandum of Telephone Conversation Between Secretary of State Rusk and the"
        " Permanent Representative to the United Nations (Stevenson)"
    )
    assert doc.heading == doc.title == heading
    assert doc.doc_type == "memorandum_of_telephone_conversation"
    assert doc.doc_type_label == "Memorandum of Telephone Conversation"
    assert doc.is_draft is False
    assert doc.sender is None and doc.recipient is None and doc.recipients == []
    assert doc.participants == [RUSK, STEVENSON]
    assert doc.authors == []
    assert doc.place == ""
    assert doc.dateline == "October 31, 1962."
    assert doc.date == ParsedDate(
        dt.date(1962, 10, 31), "day", "inferred", "October 31, 1962", REMARK
    )
    assert doc.time is None and doc.time_end is None and doc.time_text == ""
    assert doc.message_number == "" and doc.subject == ""
    assert doc.routing == [] and doc.references == []
    body = text.split("October 31, 1962.\n\n", 1)[1].split("\n\n1 October 28. Back", 1)[0]
    assert doc.body == body
    assert doc.body.startswith("Stevenson: When Khrushchev said to Kennedy on Sunday(1) morning")
    assert doc.body.endswith("Sec: Thanks a lot.")
    assert doc.body.count("\n\n") == 3
    assert doc.speakers == [("Stevenson", "Stevenson"), ("Secretary", "Rusk"), ("Sec", "Rusk")]

    f1, f2, f3 = doc.footnotes
    assert (f1.number, f1.text, f1.kind) == (1, "October 28.", "date")
    assert f1.resolved_date == dt.date(1962, 10, 28)
    assert f1.anchor_text == "Sunday"
    assert doc.body[f1.marker_offset :].startswith("(1) morning")
    assert f2.number == 2 and f2.kind == "citation"
    assert f2.text == (
        "For text of the five points, see American Foreign Policy: Current Documents, 1962,"
        " pp. 447-448; Khrushchev's letter is printed as Document 102."
    )
    assert f2.printed_citations == [
        ParsedPrintedCitation(
            "American Foreign Policy: Current Documents, 1962",
            1962,
            "447-448",
            "American Foreign Policy: Current Documents, 1962, pp. 447-448",
        )
    ]
    assert f2.cross_references == [102] and f2.printed_as == [102]
    assert f2.archival_citations == [] and f2.resolved_date is None
    assert f2.anchor_text == "Kennedy"
    assert doc.body[f2.marker_offset - 11 : f2.marker_offset + 3] == "to Kennedy.(2)"
    assert (f3.number, f3.text, f3.kind, f3.resolved_date) == (
        3,
        "November 2.",
        "date",
        dt.date(1962, 11, 2),
    )
    assert f3.anchor_text == "Friday"
    assert doc.body[f3.marker_offset - 7 : f3.marker_offset + 3] == "Friday,(3)"

    note = doc.source_note
    assert note.raw == text.split("\n\n")[-2]
    assert note.location == ParsedLocation(
        "Department of State",
        False,
        [
            ParsedUnitRef("Ball Papers", "collection", "Lot 74 D 272", "lot"),
            ParsedUnitRef("Telcons--Cuba", "file"),
        ],
        "Department of State, Ball Papers: Lot 74 D 272, Telcons--Cuba",
    )
    assert note.classification == "No classification marking"
    assert note.caveats == [] and note.roles == []
    assert note.received == "" and note.received_time is None
    assert note.repeated_to == [] and note.sent_to == []
    assert note.remarks == [REMARK]
    assert note.dating_inference == REMARK
    assert note.evidence == ["Rusk's Appointment Book (Johnson Library)"]

    assert doc.footer == FOOTER
    assert doc.roles == [
        ParsedAgentRole(RUSK, "participant"),
        ParsedAgentRole(STEVENSON, "participant"),
        ParsedAgentRole(STEVENSON, "speaker"),
        ParsedAgentRole(RUSK, "speaker"),
    ]
    assert doc.warnings == []
    assert doc.raw_text == text
    assert doc.encoding == "utf-8"
    assert doc.checksum == hashlib.sha256(data).hexdigest()
    assert doc.source_file == f"seeds/{TELCON}"
    assert doc.identity_key == (
        "the cuban missile crisis|memorandum of telephone conversation between secretary of"
        " state rusk and the permanent representative to the united nations stevenson"
        "|1962-10-31|"
    )
    assert doc.meeting_number is None
    assert doc.parser_version == PARSER_VERSION


def test_telegram_seed_every_field():
    doc, data = parse(TELEGRAM)
    text = data.decode()
    assert doc.collection == doc.collection_as_written == "The Cuban Missile Crisis"
    heading = "Telegram From the Mission to the United Nations to the Department of State"
    assert doc.heading == doc.title == heading
    assert (doc.doc_type, doc.doc_type_label) == ("telegram", "Telegram")
    assert doc.sender == USUN
    assert doc.recipient == DOS and doc.recipients == [DOS]
    assert doc.participants == [] and doc.authors == []
    assert doc.place == "New York"
    assert doc.dateline == "New York, October 31, 1962, 10:50 p.m."
    assert doc.date == ParsedDate(dt.date(1962, 10, 31), "day", "certain", "October 31, 1962")
    assert doc.time == dt.time(22, 50) and doc.time_end is None
    assert doc.time_text == "10:50 p.m."
    assert doc.message_number == "1581"
    assert doc.subject == "Cuba"
    assert doc.routing == ["Dept pass White House"]
    assert doc.references == []
    body = text.split("10:50 p.m.\n\n", 1)[1].split("\n\n\n1 Gilpatric", 1)[0]
    assert doc.body == body
    assert doc.body.startswith("1581. Subject: Cuba. Dept pass White House. McCloy had one hour")
    assert doc.body.endswith("McCloy confirmed he would be available for dinner.")
    assert doc.body.count("\n\n") == 8
    assert doc.speakers == []

    (f1,) = doc.footnotes
    assert f1.number == 1 and f1.kind == "archival"
    assert f1.text == (
        "Gilpatric's 2-page handwritten notes on this meeting are in Washington National Records"
        " Center, RG 330, OASD(C) A Files: FRC 71 A 2896, Verification of US-USSR Agreements re"
        " Cuba, Gilpatric Notes."
    )
    assert f1.anchor_text == "today"
    assert doc.body[f1.marker_offset - 6 : f1.marker_offset + 3] == "today.(1)"
    assert f1.archival_citations == [
        ParsedLocation(
            "Washington National Records Center",
            False,
            [
                ParsedUnitRef("RG 330", "record_group", "RG 330", "record_group"),
                ParsedUnitRef("OASD(C) A Files", "series", "FRC 71 A 2896", "accession"),
                ParsedUnitRef("Verification of US-USSR Agreements re Cuba", "file"),
                ParsedUnitRef("Gilpatric Notes", "item"),
            ],
            "Washington National Records Center, RG 330, OASD(C) A Files: FRC 71 A 2896,"
            " Verification of US-USSR Agreements re Cuba, Gilpatric Notes",
        )
    ]
    assert f1.cross_references == [] and f1.printed_citations == []
    assert f1.resolved_date is None

    note = doc.source_note
    assert note.raw == (
        "Source: USUN Files: NYFRC 84-84-001, October-November Meetings. Confidential."
        " Drafted by Akalovsky and concurred in by McCloy."
    )
    assert note.location == ParsedLocation(
        "New York Federal Records Center",
        True,
        [
            ParsedUnitRef("USUN Files", "collection", "NYFRC 84-84-001", "accession"),
            ParsedUnitRef("October-November Meetings", "file"),
        ],
        "USUN Files: NYFRC 84-84-001, October-November Meetings",
    )
    assert note.classification == "Confidential"
    assert note.caveats == []
    assert note.roles == [
        ParsedAgentRole(AKALOVSKY, "drafter"),
        ParsedAgentRole(MCCLOY, "concurred"),
    ]
    assert note.received == "" and note.received_time is None
    assert note.repeated_to == note.sent_to == note.remarks == note.evidence == []
    assert note.dating_inference == ""

    assert doc.footer == FOOTER
    assert doc.roles == [
        ParsedAgentRole(USUN, "sender"),
        ParsedAgentRole(DOS, "recipient"),
        ParsedAgentRole(AKALOVSKY, "drafter"),
        ParsedAgentRole(MCCLOY, "concurred"),
    ]
    assert doc.warnings == []
    assert doc.raw_text == text
    assert doc.encoding == "utf-8"
    assert doc.checksum == hashlib.sha256(data).hexdigest()
    assert doc.identity_key == (
        "the cuban missile crisis|telegram from the mission to the united nations to the"
        " department of state|1962-10-31|1581"
    )


def test_identity_key_ignores_content_changes():
    data = (SEEDS / TELEGRAM).read_bytes()
    edited = data.replace(b"Kuznetsov smiled.", b"Kuznetsov smiled broadly.")
    a, b = parse_document(data), parse_document(edited)
    assert a.identity_key == b.identity_key
    assert a.checksum != b.checksum
