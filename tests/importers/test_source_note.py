import datetime as dt

import pytest

from catalogue.importers.avalon import parse_document
from catalogue.importers.avalon.location import find_locations, parse_location
from catalogue.importers.avalon.source_note import (
    normalise_caveat,
    normalise_classification,
    parse_source_note,
)
from catalogue.importers.records import ParsedUnitRef

from . import load


def roles(note):
    return [(r.agent.name, r.agent.office, r.agent.kind, r.role) for r in note.roles]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Top Secret", "Top Secret"),
        ("SECRET", "Secret"),
        ("secret", "Secret"),
        ("Confidential", "Confidential"),
        ("Official Use Only", "Official Use Only"),
        ("Limited Official Use", "Limited Official Use"),
        ("Unclassified", "Unclassified"),
        ("No classification marking", "No classification marking"),
        ("No classification markings", "No classification marking"),
        ("No classification indicated", "No classification marking"),
        ("Secretary Rusk", ""),
        ("Drafted by Rusk", ""),
    ],
)
def test_normalise_classification(text, expected):
    assert normalise_classification(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Eyes Only", "Eyes Only"),
        ("eyes only", "Eyes Only"),
        ("Eyes Only for the Secretary", "Eyes Only"),
        ("Niact", "Niact"),
        ("NIACT", "Niact"),
        ("Operational Immediate", "Operational Immediate"),
        ("Priority", "Priority"),
        ("Limited Distribution", "Limited Distribution"),
        ("Limdis", "Limited Distribution"),
        ("Exdis", "Exdis"),
        ("Nodis", "Nodis"),
        ("Verbatim Text", "Verbatim Text"),
        ("Sensitive", "Sensitive"),
        ("Drafted", ""),
    ],
)
def test_normalise_caveat(text, expected):
    assert normalise_caveat(text) == expected


def test_full_telegram_source_note():
    note = parse_source_note(
        "Source: Department of State, Central Files, 611.3722/10-2762. Top Secret; Eyes Only;"
        " Niact; Verbatim Text. Received in the Department of State at 8:57 a.m. on October 28."
        " Repeated to USUN, Paris, London, and Bonn. Drafted by Kohler; cleared by Ball and"
        " Meeker (L); and approved by Rusk. Transmitted in two sections."
    )
    assert note.location.repository == "Department of State"
    assert note.location.path() == ["Central Files", "611.3722/10-2762"]
    assert note.classification == "Top Secret"
    assert note.caveats == ["Eyes Only", "Niact", "Verbatim Text"]
    assert note.received == "Received in the Department of State at 8:57 a.m. on October 28."
    assert note.received_time == dt.time(8, 57)
    assert note.repeated_to == ["USUN", "Paris", "London", "Bonn"]
    assert note.sent_to == []
    assert roles(note) == [
        ("Kohler", "", "person", "drafter"),
        ("Ball", "", "person", "cleared"),
        ("Meeker", "L", "person", "cleared"),
        ("Rusk", "", "person", "approved"),
    ]
    assert note.remarks == ["Transmitted in two sections."]
    assert note.dating_inference == "" and note.evidence == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Drafted by Akalovsky and concurred in by McCloy.",
            [("Akalovsky", "drafter"), ("McCloy", "concurred")],
        ),
        ("Drafted and approved by Rusk.", [("Rusk", "drafter"), ("Rusk", "approved")]),
        (
            "Drafted by Tyler, cleared with Bundy and U. Alexis Johnson, and approved by Ball.",
            [
                ("Tyler", "drafter"),
                ("Bundy", "cleared"),
                ("U. Alexis Johnson", "cleared"),
                ("Ball", "approved"),
            ],
        ),
        ("Cleared in draft with the White House.", [("White House", "cleared")]),
        (
            "Drafted in S/S and approved by the Secretary.",
            [("S/S", "drafter"), ("Secretary", "approved")],
        ),
        ("Prepared by McNamara.", [("McNamara", "author")]),
        ("Signed by Rusk.", [("Rusk", "signer")]),
        ("Approved by the President on October 27.", [("President", "approved")]),
    ],
)
def test_clearance_chain(sentence, expected):
    note = parse_source_note(
        f"Source: Department of State, Central Files, 737.00/10-2762. {sentence}"
    )
    assert [(r.agent.name, r.role) for r in note.roles] == expected


def test_sent_and_repeated():
    note = parse_source_note(
        "Source: Department of State, Central Files, 737.00/10-2262. Confidential; Priority."
        " Sent to Moscow and repeated to USUN. Also sent to London."
    )
    assert note.sent_to == ["Moscow", "London"]
    assert note.repeated_to == ["USUN"]
    assert note.caveats == ["Priority"]


def test_caveats_in_separate_sentences():
    note = parse_source_note(
        "Source: Department of State, Central Files, 737.00/10-2262. Secret. Niact. Nodis."
    )
    assert (note.classification, note.caveats) == ("Secret", ["Niact", "Nodis"])


def test_prose_starting_with_a_classification_word_is_a_remark():
    note = parse_source_note(
        "Source: Kennedy Library, National Security Files, Cuba. Secret documents on this"
        " subject were destroyed."
    )
    assert note.classification == ""
    assert note.remarks == ["Secret documents on this subject were destroyed."]


def test_dating_inference_and_evidence():
    note = parse_source_note(
        "Source: Department of State, Ball Papers: Lot 74 D 272, Telcons--Cuba. No"
        " classification marking. The conversation probably took place after the 14th meeting"
        " of the Executive Committee since Rusk's Appointment Book shows that he met with Ball"
        " at 11:09 p.m. (Johnson Library)"
    )
    assert note.dating_inference.startswith("The conversation probably took place")
    assert note.evidence == ["Rusk's Appointment Book (Johnson Library)"]
    assert note.remarks == [note.dating_inference]


@pytest.mark.parametrize(
    ("remark", "is_dating", "evidence"),
    [
        (
            "The time is from the President's Daily Diary (Kennedy Library).",
            True,
            ["President's Daily Diary (Kennedy Library)"],
        ),
        ("The date is based on internal evidence.", True, []),
        ("The memorandum was apparently written on October 29.", True, []),
        ("Kennedy's reply was apparently never sent; see Document 45.", False, []),
        ("The source text bears no drafting information.", False, []),
        ('A handwritten note on the source text reads: "Not sent."', False, []),
    ],
)
def test_dating_remarks(remark, is_dating, evidence):
    note = parse_source_note(
        f"Source: Kennedy Library, National Security Files, Cuba. Secret. {remark}"
    )
    assert note.remarks == [remark]
    assert (note.dating_inference == remark) is is_dating
    assert note.evidence == evidence


def test_source_note_without_location():
    note = parse_source_note("Source: Secret; Eyes Only.")
    assert note.location is None
    assert (note.classification, note.caveats) == ("Secret", ["Eyes Only"])


def test_raw_keeps_the_paragraph_as_written():
    text = "Source: USUN Files: NYFRC 84-84-001,\nOctober-November Meetings. Confidential."
    note = parse_source_note(text)
    assert note.raw == text
    assert note.location.text == "USUN Files: NYFRC 84-84-001, October-November Meetings"


@pytest.mark.parametrize(
    ("text", "repository", "implied", "units"),
    [
        (
            "Department of State, Ball Papers: Lot 74 D 272, Telcons--Cuba",
            "Department of State",
            False,
            [
                ("Ball Papers", "collection", "Lot 74 D 272", "lot"),
                ("Telcons--Cuba", "file", "", ""),
            ],
        ),
        (
            "USUN Files: NYFRC 84-84-001, October-November Meetings",
            "New York Federal Records Center",
            True,
            [
                ("USUN Files", "collection", "NYFRC 84-84-001", "accession"),
                ("October-November Meetings", "file", "", ""),
            ],
        ),
        (
            "Washington National Records Center, RG 330, OASD(C) A Files: FRC 71 A 2896,"
            " Verification of US-USSR Agreements re Cuba, Gilpatric Notes",
            "Washington National Records Center",
            False,
            [
                ("RG 330", "record_group", "RG 330", "record_group"),
                ("OASD(C) A Files", "series", "FRC 71 A 2896", "accession"),
                ("Verification of US-USSR Agreements re Cuba", "file", "", ""),
                ("Gilpatric Notes", "item", "", ""),
            ],
        ),
        (
            "Department of State, Central Files, 737.00/11-162",
            "Department of State",
            False,
            [
                ("Central Files", "collection", "", ""),
                ("737.00/11-162", "file", "737.00/11-162", "decimal_file"),
            ],
        ),
        (
            "Kennedy Library, National Security Files, Countries Series, Cuba, General, 10/26/62",
            "John F. Kennedy Library",
            False,
            [
                ("National Security Files", "collection", "", ""),
                ("Countries Series", "series", "", ""),
                ("Cuba, General, 10/26/62", "file", "", ""),
            ],
        ),
        (
            "Johnson Library, Vice Presidential Security File, Cuba (I)",
            "Lyndon B. Johnson Library",
            False,
            [
                ("Vice Presidential Security File", "collection", "", ""),
                ("Cuba (I)", "file", "", ""),
            ],
        ),
        (
            "Eisenhower Library, Post-Presidential Papers, Augusta-Walter Reed Series, Cuba",
            "Dwight D. Eisenhower Library",
            False,
            [
                ("Post-Presidential Papers", "collection", "", ""),
                ("Augusta-Walter Reed Series", "series", "", ""),
                ("Cuba", "file", "", ""),
            ],
        ),
        (
            "National Archives and Records Administration, RG 59, Central Files, 737.00/11-162",
            "National Archives and Records Administration",
            False,
            [
                ("RG 59", "record_group", "RG 59", "record_group"),
                ("Central Files", "series", "", ""),
                ("737.00/11-162", "file", "737.00/11-162", "decimal_file"),
            ],
        ),
        (
            "S/S Files: Lot 65 D 438, Cuba",
            "Department of State",
            True,
            [("S/S Files", "collection", "Lot 65 D 438", "lot"), ("Cuba", "file", "", "")],
        ),
        (
            "Central Files, 737.00/10-2762",
            "Department of State",
            True,
            [
                ("Central Files", "collection", "", ""),
                ("737.00/10-2762", "file", "737.00/10-2762", "decimal_file"),
            ],
        ),
        (
            "Department of State, Ball Papers, Lot 74 D 272, Telcons",
            "Department of State",
            False,
            [("Ball Papers", "collection", "Lot 74 D 272", "lot"), ("Telcons", "file", "", "")],
        ),
        (
            "Some Private Collection, Box 3",
            "",
            False,
            [("Some Private Collection", "collection", "", ""), ("Box 3", "file", "", "")],
        ),
    ],
)
def test_locations(text, repository, implied, units):
    location = parse_location(text)
    assert (location.repository, location.repository_implied) == (repository, implied)
    assert [(u.title, u.level, u.identifier, u.identifier_scheme) for u in location.units] == units
    assert location.text == text


def test_library_of_congress_division():
    location = parse_location(
        "Library of Congress, Manuscript Division, Harriman Papers, Kennedy-Khrushchev"
        " Correspondence"
    )
    assert location.repository == "Library of Congress"
    assert location.division == "Manuscript Division"
    assert location.units == [
        ParsedUnitRef("Harriman Papers", "collection"),
        ParsedUnitRef("Kennedy-Khrushchev Correspondence", "file"),
    ]


def test_find_locations_ignores_prose_mentions_of_the_department():
    assert find_locations("The Department of State replied to Moscow on October 28.") == []
    assert find_locations("Printed in Department of State Bulletin, November 12, 1962.") == []
    found = find_locations(
        "A copy is in Department of State, Central Files, 611.3722/10-2762; another is in"
        " Kennedy Library, National Security Files, Countries Series, USSR."
    )
    assert [loc.repository for loc in found] == ["Department of State", "John F. Kennedy Library"]


def test_source_notes_of_the_invented_texts():
    moscow = parse_document(load("telegram_moscow_noon_received.txt")).source_note
    assert (moscow.classification, moscow.caveats) == (
        "Secret",
        ["Operational Immediate", "Limited Distribution"],
    )
    assert moscow.received_time == dt.time(8, 57)
    assert moscow.repeated_to == ["USUN", "Paris", "London", "Bonn"]
    circular = parse_document(load("circular_telegram_midnight.txt")).source_note
    assert circular.sent_to == ["all American Republic posts"]
    assert circular.repeated_to == ["USUN"]
    airgram = parse_document(load("airgram_johnson_library.txt")).source_note
    assert airgram.classification == "Limited Official Use"
    assert roles(airgram) == [
        ("Hilsman", "INR", "person", "drafter"),
        ("Ball", "", "person", "approved"),
    ]


def test_missing_source_note_is_a_warning():
    doc = parse_document(load("telegram_missing_parts.txt"))
    assert doc.source_note is None
    assert "no source note" in doc.warnings


def test_received_inside_a_sentence():
    note = parse_source_note(
        "Source: Department of State, Central Files, 611.3722/10-2662. Secret; Eyes Only; Niact;"
        " Verbatim Text. Transmitted in four sections. Section 1 was received at 9:24 p.m. and"
        " passed to the White House at 9:15 p.m. Repeated to USUN and Paris."
    )
    assert note.received == (
        "Section 1 was received at 9:24 p.m. and passed to the White House at 9:15 p.m."
    )
    assert note.received_time == dt.time(21, 24)
    assert note.remarks == ["Transmitted in four sections."]
    assert note.repeated_to == ["USUN", "Paris"]
