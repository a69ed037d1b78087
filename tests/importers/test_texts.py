"""End-to-end checks of the invented texts in ``texts/``, one per form of source-format.md."""

import datetime as dt

import pytest

from catalogue.importers.avalon import parse_document

from . import TEXTS, load

D, T = dt.date, dt.time
CMC = "The Cuban Missile Crisis"


def brief(agent):
    return None if agent is None else (agent.name, agent.office, agent.kind)


EXPECTED = {
    "telegram_dept_to_moscow_niact.txt": {
        "doc_type": "telegram",
        "sender": ("Department of State", "", "organisation"),
        "recipient": ("Embassy in the Soviet Union", "", "organisation"),
        "place": "Washington",
        "date": (D(1962, 10, 27), "day", "certain"),
        "time": T(20, 5),
        "message_number": "1015",
        "routing": ["Eyes only for Ambassador from Secretary", "Niact"],
        "classification": "Top Secret",
        "caveats": ["Niact", "Verbatim Text"],
        "repository": "Department of State",
        "footnote_kinds": ["cross_reference", "cross_reference"],
        "roles": [
            ("Department of State", "sender"),
            ("Embassy in the Soviet Union", "recipient"),
            ("Rusk", "drafter"),
            ("Bundy", "cleared"),
            ("Meeker", "cleared"),
            ("Rusk", "approved"),
        ],
    },
    "telegram_moscow_noon_received.txt": {
        "doc_type": "telegram",
        "sender": ("Embassy in the Soviet Union", "", "organisation"),
        "recipient": ("Department of State", "", "organisation"),
        "place": "Moscow",
        "date": (D(1962, 10, 28), "day", "certain"),
        "time": T(12, 0),
        "message_number": "1102",
        "routing": ["Eyes Only for the Secretary"],
        "classification": "Secret",
        "caveats": ["Operational Immediate", "Limited Distribution"],
        "repository": "Department of State",
        "footnote_kinds": ["date", "cross_reference"],
    },
    "circular_telegram_midnight.txt": {
        "doc_type": "circular_telegram",
        "sender": ("Department of State", "", "organisation"),
        "recipient": ("All Latin American Posts", "", "organisation"),
        "place": "Washington",
        "date": (D(1962, 10, 22), "day", "certain"),
        "time": T(0, 0),
        "message_number": "Circular 707",
        "subject": "Presidential address on Cuba",
        "routing": ["Please pass to Foreign Minister"],
        "classification": "Confidential",
        "caveats": ["Priority"],
        "footnote_kinds": ["citation"],
    },
    "letter_khrushchev_to_kennedy.txt": {
        "doc_type": "letter",
        "sender": ("Khrushchev", "Chairman", "person"),
        "recipient": ("Kennedy", "President", "person"),
        "place": "Moscow",
        "date": (D(1962, 10, 26), "day", "certain"),
        "classification": "No classification marking",
        "repository": "John F. Kennedy Library",
        "path": ["National Security Files", "Countries Series", "USSR, Khrushchev Correspondence"],
        "footnote_kinds": ["cross_reference"],
    },
    "message_macmillan_day_first.txt": {
        "collection_as_written": "Cuban Missile Crises",
        "doc_type": "message",
        "sender": ("Macmillan", "Prime Minister", "person"),
        "recipient": ("Kennedy", "President", "person"),
        "place": "London",
        "date": (D(1962, 10, 28), "day", "certain"),
        "classification": "Secret",
        "caveats": ["Eyes Only"],
        "footnote_kinds": [],
    },
    "memorandum_from_to_numbered.txt": {
        "doc_type": "memorandum",
        "sender": ("Schlesinger", "Special Assistant to the President", "person"),
        "recipient": ("Kennedy", "President", "person"),
        "date": (D(1962, 10, 26), "day", "certain"),
        "message_number": "",
        "classification": "Secret",
        "path": ["Schlesinger Papers", "White House Files", "Cuba, 1962"],
        "footnote_kinds": [],
    },
    "memorandum_for_record_undated.txt": {
        "doc_type": "memorandum_for_the_record",
        "place": "Washington",
        "date": (D(1962, 10, 30), "day", "inferred"),
        "classification": "Top Secret",
        "caveats": ["Sensitive"],
        "repository": "Washington National Records Center",
        "path": ["RG 330", "OSD Files", "FRC 71 A 2896", "Cuba 381"],
        "roles": [("McNamara", "author")],
    },
    "memcon_conjectural_participants.txt": {
        "doc_type": "memorandum_of_conversation",
        "participants": [
            ("Attorney General", "Attorney General", "person"),
            ("Dobrynin", "Ambassador", "person"),
        ],
        "place": "Washington",
        "date": (D(1962, 10, 27), "day", "conjectural"),
        "subject": "Cuba",
        "classification": "Top Secret",
        "caveats": ["Eyes Only"],
        "path": ["Secretary's Memoranda of Conversation", "Lot 65 D 330"],
        "evidence": ["Attorney General's Desk Diary (Kennedy Library)"],
    },
    "summary_record_time_range.txt": {
        "doc_type": "summary_record",
        "meeting_number": 7,
        "participants": [
            ("Executive Committee of the National Security Council", "", "organisation")
        ],
        "date": (D(1962, 10, 27), "day", "certain"),
        "time": T(10, 5),
        "time_end": T(12, 35),
        "time_text": "10:05 a.m.-12:35 p.m.",
        "classification": "Top Secret",
        "caveats": ["Sensitive"],
        "footnote_kinds": ["archival"],
        "roles": [
            ("Executive Committee of the National Security Council", "participant"),
            ("Bromley Smith", "drafter"),
        ],
    },
    "notes_taken_library_of_congress.txt": {
        "doc_type": "notes",
        "time": T(18, 0),
        "repository": "Library of Congress",
        "path": ["Harriman Papers", "Kennedy-Khrushchev Correspondence"],
        "remarks": ["The notes are in an unidentified hand."],
    },
    "paper_prepared_month_precision.txt": {
        "doc_type": "paper",
        "authors": [("Department of State", "", "organisation")],
        "date": (D(1962, 10, 1), "month", "inferred"),
        "repository": "National Archives and Records Administration",
        "path": ["RG 59", "Central Files", "737.00/10-3162"],
        "roles": [("Department of State", "author")],
    },
    "editorial_note.txt": {
        "doc_type": "editorial_note",
        "date": (None, "unknown", "conjectural"),
        "footnote_kinds": ["cross_reference", "citation", "citation"],
        "roles": [],
        "source_note": None,
    },
    "telcon_president_eisenhower.txt": {
        "doc_type": "memorandum_of_telephone_conversation",
        "participants": [
            ("Kennedy", "President", "person"),
            ("Eisenhower", "Former President", "person"),
        ],
        "date": (D(1962, 10, 28), "day", "inferred"),
        "time": T(12, 8),
        "speakers": [("President", "Kennedy"), ("Eisenhower", "Eisenhower"), ("Pres", "Kennedy")],
        "evidence": ["President's Daily Diary (Kennedy Library)"],
        "repository": "Dwight D. Eisenhower Library",
    },
    "airgram_johnson_library.txt": {
        "doc_type": "airgram",
        "message_number": "CA-4202",
        "subject": "Guidance on the Cuban Situation",
        "classification": "Limited Official Use",
        "repository": "Lyndon B. Johnson Library",
    },
    "instruction_no_collection_line.txt": {
        "collection": "",
        "collection_as_written": "",
        "doc_type": "instruction",
        "message_number": "CW-2190",
        "classification": "Official Use Only",
        "warnings": ["no collection line"],
    },
    "off_the_record_meeting.txt": {
        "doc_type": "record_of_meeting",
        "time": T(18, 30),
        "time_end": T(19, 55),
        "speakers": [("President Kennedy", "Kennedy"), ("McNamara", "McNamara"), ("Rusk", "Rusk")],
        "roles": [("Kennedy", "speaker"), ("McNamara", "speaker"), ("Rusk", "speaker")],
    },
    "minutes_cp1252.txt": {
        "collection_as_written": "The Cuban Missle Crisis",
        "doc_type": "minutes",
        "meeting_number": 507,
        "encoding": "cp1252",
        "time": T(15, 0),
        "classification": "Top Secret",
        "caveats": ["Sensitive"],
    },
    "draft_message_bom_crlf.txt": {
        "collection_as_written": "CUBAN MISSILE CRISES",
        "doc_type": "message",
        "doc_type_label": "Draft Message",
        "is_draft": True,
        "encoding": "utf-8-sig",
        "date": (D(1962, 10, 27), "day", "conjectural"),
        "path": [
            "Presidential Correspondence",
            "Lot 66 D 204",
            "Kennedy-Khrushchev Correspondence",
        ],
    },
    "telegram_missing_parts.txt": {
        "doc_type": "telegram",
        "message_number": "1590",
        "date": (None, "unknown", "conjectural"),
        "source_note": None,
        "footer": "",
        "warnings": [
            "no dateline",
            "no source note",
            "marker (1) in body has no footnote",
            "date unknown",
        ],
    },
}


def test_every_invented_text_is_checked():
    names = {p.name for p in TEXTS.glob("*.txt")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invented_text(name):
    doc = parse_document(load(name), filename=name)
    want = EXPECTED[name]
    assert doc.collection == want.get("collection", CMC)
    assert doc.collection_as_written == want.get("collection_as_written", CMC)
    assert doc.doc_type == want["doc_type"]
    if "doc_type_label" in want:
        assert doc.doc_type_label == want["doc_type_label"]
    assert doc.is_draft is want.get("is_draft", False)
    assert doc.encoding == want.get("encoding", "utf-8")
    if "sender" in want:
        assert brief(doc.sender) == want["sender"]
    if "recipient" in want:
        assert brief(doc.recipient) == want["recipient"]
    if "participants" in want:
        assert [brief(a) for a in doc.participants] == want["participants"]
    if "authors" in want:
        assert [brief(a) for a in doc.authors] == want["authors"]
    if "place" in want:
        assert doc.place == want["place"]
    if "date" in want:
        assert (doc.date.value, doc.date.precision, doc.date.certainty) == want["date"]
    for key in (
        "time",
        "time_end",
        "time_text",
        "message_number",
        "subject",
        "routing",
        "speakers",
        "meeting_number",
    ):
        if key in want:
            assert getattr(doc, key) == want[key], key
    if "footnote_kinds" in want:
        assert [f.kind for f in doc.footnotes] == want["footnote_kinds"]
    if "roles" in want:
        assert [(r.agent.name, r.role) for r in doc.roles] == want["roles"]
    assert doc.warnings == want.get("warnings", [])
    assert doc.footer == want.get("footer", "127 Wall Street, New Haven, CT 06511.")
    if want.get("source_note", "present") is None:
        assert doc.source_note is None
        return
    note = doc.source_note
    if "classification" in want:
        assert note.classification == want["classification"]
    assert note.caveats == want.get("caveats", [])
    if "repository" in want:
        assert note.location.repository == want["repository"]
    if "path" in want:
        assert note.location.path() == want["path"]
    if "evidence" in want:
        assert note.evidence == want["evidence"]
    if "remarks" in want:
        assert note.remarks == want["remarks"]


def test_identity_keys_of_the_invented_texts_are_distinct():
    keys = [parse_document(load(name)).identity_key for name in EXPECTED]
    assert len(set(keys)) == len(keys)


def test_identity_key_shapes():
    telegram = parse_document(load("telegram_dept_to_moscow_niact.txt"))
    assert telegram.identity_key == (
        "the cuban missile crisis|telegram from the department of state to the embassy in the"
        " soviet union|1962-10-27|1015"
    )
    # No message number: the time tells apart meetings of the same day.
    summary = parse_document(load("summary_record_time_range.txt"))
    assert summary.identity_key.endswith("|1962-10-27||10:05")
    # Undated with no number: the opening words tell apart editorial notes.
    note = parse_document(load("editorial_note.txt"))
    assert note.identity_key == (
        "the cuban missile crisis|editorial note|||at 9 a m on october 28 radio moscow began"
        " broadcasting a"
    )
