import pytest

from catalogue.importers.avalon import parse_document
from catalogue.importers.avalon.body import (
    analyse_body,
    anchor_before,
    find_markers,
    resolve_speaker,
)
from catalogue.importers.records import ParsedAgent

from . import load

RUSK = ParsedAgent("Rusk", "Secretary of State", "person", "Secretary of State Rusk")
STEVENSON = ParsedAgent("Stevenson", "Permanent Representative to the United Nations")
KENNEDY = ParsedAgent("Kennedy", "President")


@pytest.mark.parametrize(
    ("first", "number", "subject", "routing", "references"),
    [
        (
            "1581. Subject: Cuba. Dept pass White House. McCloy had one hour mtg.",
            "1581",
            "Cuba",
            ["Dept pass White House"],
            [],
        ),
        (
            "1015. Eyes only for Ambassador from Secretary. Niact. Following is text.",
            "1015",
            "",
            ["Eyes only for Ambassador from Secretary", "Niact"],
            [],
        ),
        (
            "1102. Eyes Only for the Secretary. Ref: Deptel 1015. Radio Moscow broadcast.",
            "1102",
            "",
            ["Eyes Only for the Secretary"],
            ["Deptel 1015"],
        ),
        (
            "2004. For Secretary from McCloy. Literally eyes only. Kuznetsov called.",
            "2004",
            "",
            ["For Secretary from McCloy", "Literally eyes only"],
            [],
        ),
        (
            "Secto 12. Pass White House. The Foreign Minister said.",
            "Secto 12",
            "",
            ["Pass White House"],
            [],
        ),
        (
            "CA-4202. Subject: Guidance on the Cuban Situation. The following guidance.",
            "CA-4202",
            "Guidance on the Cuban Situation",
            [],
            [],
        ),
        (
            "Circular 707. Subject: U.S. Position on Cuba. Please pass to Foreign Minister. Posts.",
            "Circular 707",
            "U.S. Position on Cuba",
            ["Please pass to Foreign Minister"],
            [],
        ),
        ("Following is text of message.", "", "", [], []),
    ],
)
def test_telegram_addressing(first, number, subject, routing, references):
    facts = analyse_body([first, "Second paragraph."], "telegram", [])
    assert facts.message_number == number
    assert facts.subject == subject
    assert facts.routing == routing
    assert facts.references == references


def test_addressing_may_continue_into_the_next_paragraph():
    facts = analyse_body(["1590.", "Subject: Cuba.", "Dept pass USIA.", "Text."], "telegram", [])
    assert (facts.message_number, facts.subject, facts.routing) == (
        "1590",
        "Cuba",
        ["Dept pass USIA"],
    )


def test_paragraph_numbering_is_not_a_message_number():
    facts = analyse_body(["1. First point.", "2. Second point."], "telegram", [])
    assert facts.message_number == ""


def test_memoranda_have_no_message_number():
    facts = analyse_body(["1. Attached is a draft.", "2. Stevenson concurs."], "memorandum", [])
    assert facts.message_number == ""


@pytest.mark.parametrize(
    ("paragraphs", "subject"),
    [
        (["Participants: The Secretary", "Subject: Cuba", "Text."], "Cuba"),
        (["SUBJECT", "Soviet Proposals on Turkey", "Text."], "Soviet Proposals on Turkey"),
        (
            ["Subject: Berlin Contingency Planning\nThe Secretary opened.", "Text."],
            "Berlin Contingency Planning",
        ),
    ],
)
def test_memorandum_subject(paragraphs, subject):
    assert analyse_body(paragraphs, "memorandum_of_conversation", []).subject == subject


def test_telcon_speakers_resolve_to_heading_parties():
    paragraphs = ["Stevenson: Hello.", "Secretary: Yes.", "Stevenson: Fine.", "Sec: Thanks."]
    facts = analyse_body(paragraphs, "memorandum_of_telephone_conversation", [RUSK, STEVENSON])
    assert facts.speakers == [("Stevenson", "Stevenson"), ("Secretary", "Rusk"), ("Sec", "Rusk")]
    assert facts.speaker_agents == [STEVENSON, RUSK]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Sec", "Rusk"),
        ("Secretary", "Rusk"),
        ("The Secretary", "Rusk"),
        ("Secy", "Rusk"),
        ("Rusk", "Rusk"),
        ("Mr. Rusk", "Rusk"),
        ("Stevenson", "Stevenson"),
        ("Amb Stevenson", "Stevenson"),
        ("President", "Kennedy"),
        ("Pres", "Kennedy"),
        ("McCloy", "McCloy"),
        ("Mr. Ball", "Ball"),
        ("Ambassador Dobrynin", "Dobrynin"),
    ],
)
def test_resolve_speaker(label, expected):
    assert resolve_speaker(label, [RUSK, STEVENSON, KENNEDY]).name == expected


def test_non_speaker_labels_are_ignored():
    paragraphs = ["Subject: Cuba.", "Note: see below.", "Recommendation: approve."]
    facts = analyse_body(paragraphs, "memorandum_of_telephone_conversation", [RUSK])
    assert facts.speakers == []


def test_dialogue_in_a_memorandum_needs_a_known_party():
    paragraphs = ["Background: The Soviets.", "Discussion: None."]
    assert analyse_body(paragraphs, "memorandum", [RUSK]).speakers == []
    dialogue = ["Rusk: We agree.", "Gromyko: We do not."]
    assert analyse_body(dialogue, "memorandum", [RUSK]).speakers == [
        ("Rusk", "Rusk"),
        ("Gromyko", "Gromyko"),
    ]


def test_participants_block_of_a_memorandum_of_conversation():
    paragraphs = [
        "PARTICIPANTS",
        "The Secretary\nAmbassador Dobrynin\nMr. Akalovsky, Interpreter",
        "Subject: Cuba",
    ]
    facts = analyse_body(paragraphs, "memorandum_of_conversation", [])
    assert [(a.name, a.office) for a in facts.participants] == [
        ("Secretary", "Secretary"),
        ("Dobrynin", "Ambassador"),
        ("Akalovsky", "Interpreter"),
    ]


def test_markers_attached_and_spaced():
    body = "On Sunday(1) morning. Then (2) enumerations. He said.(2) Later (3) it ended."
    assert find_markers(body, [1, 2, 3]) == {1: 9, 2: 53, 3: 63}
    assert anchor_before(body, 9) == "Sunday"
    assert anchor_before(body, 53) == "said"
    assert anchor_before(body, 63) == "Later"


def test_markers_must_appear_in_order():
    body = "Second(2) then first(1) and second again(2)."
    assert find_markers(body, [1, 2]) == {1: 20, 2: 40}


def test_marker_at_start_of_paragraph_is_an_enumeration():
    assert find_markers("(1) First item.\n(2) Second.", [1, 2]) == {}


def test_body_keeps_omissions_and_insertions_verbatim():
    doc = parse_document(load("seeds/000_edb94c0bc4a3a32d.txt"))
    assert "whether or [not] they have" in doc.body
    assert "integrity. . . . outside agency" in doc.body


def test_body_paragraphs_separated_by_one_blank_line():
    doc = parse_document(load("seeds/003_4f44f1490693370c.txt"))
    assert "\n\n\n" not in doc.body
    assert len(doc.body.split("\n\n")) == 9


def test_signature_lines_stay_in_the_body():
    doc = parse_document(load("telegram_dept_to_moscow_niact.txt"))
    assert doc.body.endswith("tonight.(2)\n\nRusk")


def test_unmatched_marker_in_body_is_a_warning():
    doc = parse_document(load("telegram_missing_parts.txt"))
    assert "marker (1) in body has no footnote" in doc.warnings


def test_precedence_before_the_message_number_is_routing():
    facts = analyse_body(["Niact 1015. Eyes only for Ambassador. Text follows."], "telegram", [])
    assert facts.message_number == "1015"
    assert facts.routing == ["Niact", "Eyes only for Ambassador"]


def test_telegram_references_and_sections():
    facts = analyse_body(
        ["1102. Section 1 of 2. Deptel 1015. Ref Embtel 980. Khrushchev's reply."],
        "telegram",
        [],
    )
    assert facts.routing == ["Section 1 of 2"]
    assert facts.references == ["Deptel 1015", "Embtel 980"]


def test_re_without_colon_is_prose():
    facts = analyse_body(["1200. Re Kuznetsov's remark, McCloy said no."], "telegram", [])
    assert facts.references == [] and facts.routing == []


def test_initial_labels_resolve_to_the_only_party_with_that_initial():
    ball = ParsedAgent("Ball", "Under Secretary of State")
    mcnamara = ParsedAgent("McNamara", "Secretary of Defense")
    facts = analyse_body(
        ["B: Hello Bob.", "M: Hello George.", "B: Goodbye."],
        "memorandum_of_telephone_conversation",
        [ball, mcnamara],
    )
    assert facts.speakers == [("B", "Ball"), ("M", "McNamara")]
    assert resolve_speaker("M", [mcnamara, ParsedAgent("Macmillan")]).name == "M"
