import pytest

from catalogue.importers.avalon import ParseError, parse_document
from catalogue.importers.avalon.heading import match_collection, parse_heading, split_from_to
from catalogue.importers.records import ParsedAgent


def person(name, office="", label=""):
    return ParsedAgent(name, office, "person", label)


def org(name, label=""):
    return ParsedAgent(name, "", "organisation", label or f"the {name}")


def brief(agent):
    return None if agent is None else (agent.name, agent.office, agent.kind)


@pytest.mark.parametrize(
    ("line", "doc_type", "label", "sender", "recipients"),
    [
        (
            "Telegram From the Mission to the United Nations to the Department of State",
            "telegram",
            "Telegram",
            ("Mission to the United Nations", "", "organisation"),
            [("Department of State", "", "organisation")],
        ),
        (
            "Telegram From the Department of State to the Mission to the United Nations",
            "telegram",
            "Telegram",
            ("Department of State", "", "organisation"),
            [("Mission to the United Nations", "", "organisation")],
        ),
        (
            "Telegram From the Embassy in the Soviet Union to the Department of State",
            "telegram",
            "Telegram",
            ("Embassy in the Soviet Union", "", "organisation"),
            [("Department of State", "", "organisation")],
        ),
        (
            "Telegram From the Department of State to the Ambassador to Brazil (Gordon)",
            "telegram",
            "Telegram",
            ("Department of State", "", "organisation"),
            [("Gordon", "Ambassador to Brazil", "person")],
        ),
        (
            "Circular Telegram From the Department of State to All Latin American Posts",
            "circular_telegram",
            "Circular Telegram",
            ("Department of State", "", "organisation"),
            [("All Latin American Posts", "", "organisation")],
        ),
        (
            "Airgram From the Department of State to All Diplomatic Posts",
            "airgram",
            "Airgram",
            ("Department of State", "", "organisation"),
            [("All Diplomatic Posts", "", "organisation")],
        ),
        (
            "Instruction From the Department of State to Certain Diplomatic Posts",
            "instruction",
            "Instruction",
            ("Department of State", "", "organisation"),
            [("Certain Diplomatic Posts", "", "organisation")],
        ),
        (
            "Letter From Chairman Khrushchev to President Kennedy",
            "letter",
            "Letter",
            ("Khrushchev", "Chairman", "person"),
            [("Kennedy", "President", "person")],
        ),
        (
            "Message From Prime Minister Macmillan to President Kennedy",
            "message",
            "Message",
            ("Macmillan", "Prime Minister", "person"),
            [("Kennedy", "President", "person")],
        ),
        (
            "Draft Message From President Kennedy to Chairman Khrushchev",
            "message",
            "Draft Message",
            ("Kennedy", "President", "person"),
            [("Khrushchev", "Chairman", "person")],
        ),
        (
            "Memorandum From the Special Assistant to the President (Schlesinger) to President"
            " Kennedy",
            "memorandum",
            "Memorandum",
            ("Schlesinger", "Special Assistant to the President", "person"),
            [("Kennedy", "President", "person")],
        ),
        (
            "Memorandum From the President's Special Assistant for National Security Affairs"
            " (Bundy) to Attorney General Kennedy",
            "memorandum",
            "Memorandum",
            ("Bundy", "President's Special Assistant for National Security Affairs", "person"),
            [("Kennedy", "Attorney General", "person")],
        ),
        (
            "Memorandum From the Director of the Bureau of Intelligence and Research (Hilsman)"
            " to Secretary of State Rusk and Secretary of Defense McNamara",
            "memorandum",
            "Memorandum",
            ("Hilsman", "Director of the Bureau of Intelligence and Research", "person"),
            [
                ("Rusk", "Secretary of State", "person"),
                ("McNamara", "Secretary of Defense", "person"),
            ],
        ),
        (
            "Memorandum From the Joint Chiefs of Staff to Secretary of Defense McNamara",
            "memorandum",
            "Memorandum",
            ("Joint Chiefs of Staff", "", "organisation"),
            [("McNamara", "Secretary of Defense", "person")],
        ),
        (
            "Letter From the Under Secretary of State (Ball) to the Soviet Ambassador (Dobrynin)",
            "letter",
            "Letter",
            ("Ball", "Under Secretary of State", "person"),
            [("Dobrynin", "Soviet Ambassador", "person")],
        ),
        (
            "Memorandum for the President",
            "memorandum",
            "Memorandum",
            None,
            [("President", "President", "person")],
        ),
    ],
)
def test_from_to_headings(line, doc_type, label, sender, recipients):
    heading = parse_heading(line)
    assert heading.recognised
    assert (heading.doc_type, heading.label) == (doc_type, label)
    assert brief(heading.sender) == sender
    assert [brief(a) for a in heading.recipients] == recipients


def test_between_heading_gives_participants_with_labels():
    heading = parse_heading(
        "Memorandum of Telephone Conversation Between Secretary of State Rusk and the"
        " Permanent Representative to the United Nations (Stevenson)"
    )
    assert heading.doc_type == "memorandum_of_telephone_conversation"
    assert heading.participants == [
        person("Rusk", "Secretary of State", "Secretary of State Rusk"),
        person(
            "Stevenson",
            "Permanent Representative to the United Nations",
            "the Permanent Representative to the United Nations (Stevenson)",
        ),
    ]
    assert heading.sender is None and heading.recipients == []


@pytest.mark.parametrize(
    ("line", "doc_type", "number", "body"),
    [
        (
            "Summary Record of the 14th Meeting of the Executive Committee of the National"
            " Security Council",
            "summary_record",
            14,
            "Executive Committee of the National Security Council",
        ),
        (
            "Summary Record of the Twenty-First Meeting of the Executive Committee of the"
            " National Security Council",
            "summary_record",
            21,
            "Executive Committee of the National Security Council",
        ),
        (
            "Minutes of the 507th Meeting of the National Security Council",
            "minutes",
            507,
            "National Security Council",
        ),
        (
            "Notes Taken at the Meeting of the Executive Committee of the National Security"
            " Council",
            "notes",
            None,
            "Executive Committee of the National Security Council",
        ),
    ],
)
def test_meeting_headings(line, doc_type, number, body):
    heading = parse_heading(line)
    assert heading.doc_type == doc_type
    assert heading.meeting_number == number
    assert heading.participants == [org(body)]


@pytest.mark.parametrize(
    ("line", "doc_type", "authors", "recipients"),
    [
        (
            "Paper Prepared in the Department of State",
            "paper",
            [("Department of State", "", "organisation")],
            [],
        ),
        (
            "Paper Prepared by the Central Intelligence Agency for the Executive Committee",
            "paper",
            [("Central Intelligence Agency", "", "organisation")],
            [("Executive Committee", "", "organisation")],
        ),
        (
            "Notes Taken by Secretary of Defense McNamara at the Meeting of the Executive"
            " Committee",
            "notes",
            [("McNamara", "Secretary of Defense", "person")],
            [],
        ),
        ("Statement by President Kennedy", "statement", [("Kennedy", "President", "person")], []),
    ],
)
def test_authored_headings(line, doc_type, authors, recipients):
    heading = parse_heading(line)
    assert heading.doc_type == doc_type
    assert [brief(a) for a in heading.authors] == authors
    assert [brief(a) for a in heading.recipients] == recipients


@pytest.mark.parametrize(
    ("line", "doc_type", "label"),
    [
        ("Memorandum of Conversation", "memorandum_of_conversation", "Memorandum of Conversation"),
        ("Memorandum for the Record", "memorandum_for_the_record", "Memorandum for the Record"),
        ("Editorial Note", "editorial_note", "Editorial Note"),
        ("Record of Meeting", "record_of_meeting", "Record of Meeting"),
        ("Off-the-Record Meeting on Cuba", "record_of_meeting", "Off-the-Record Meeting"),
        ("Notes on the Meeting With the President", "notes", "Notes"),
        (
            "National Security Action Memorandum No. 196",
            "memorandum",
            "National Security Action Memorandum",
        ),
        (
            "Special National Intelligence Estimate",
            "intelligence_estimate",
            "Special National Intelligence Estimate",
        ),
        (
            "Note From the Soviet Government to the Government of the United States",
            "diplomatic_note",
            "Note",
        ),
        ("TELEGRAM FROM THE DEPARTMENT OF STATE TO THE EMBASSY IN TURKEY", "telegram", "Telegram"),
    ],
)
def test_document_types(line, doc_type, label):
    heading = parse_heading(line)
    assert heading.recognised
    assert (heading.doc_type, heading.label) == (doc_type, label)


def test_footnote_marker_after_heading_is_dropped():
    heading = parse_heading("Letter From Chairman Khrushchev to President Kennedy(1)")
    assert heading.text == "Letter From Chairman Khrushchev to President Kennedy"
    assert heading.markers == [1]
    assert heading.recipients[0].name == "Kennedy"


def test_unknown_type_is_not_recognised():
    heading = parse_heading("Conversation at Hyannis Port")
    assert not heading.recognised
    assert heading.doc_type == "other"


def test_split_from_to_prefers_a_to_after_a_parenthesis():
    assert split_from_to(
        "the Special Assistant to the President (Schlesinger) to the Secretary"
    ) == (
        "the Special Assistant to the President (Schlesinger)",
        "the Secretary",
    )
    assert split_from_to("nobody") == ("nobody", "")


@pytest.mark.parametrize(
    "line",
    [
        "The Cuban Missile Crisis",
        "The Cuban Missle Crisis",
        "Cuban Missile Crises",
        "THE CUBAN MISSILE CRISIS",
        "the cuban  missile crisis.",
        "The Cuban Missile Crisis ",
    ],
)
def test_collection_variants_are_normalised(line):
    assert match_collection(line) == "The Cuban Missile Crisis"


@pytest.mark.parametrize("line", ["The Berlin Crisis", "Telegram From the Mission", "", "x" * 200])
def test_other_lines_are_not_the_collection(line):
    assert match_collection(line) is None


def test_expected_collection_is_matched_and_used():
    data = b"Berlin Crisis 1961\nEditorial Note\n\nText.\n"
    doc = parse_document(data, collection="The Berlin Crisis, 1961")
    assert doc.collection == "The Berlin Crisis, 1961"
    assert doc.collection_as_written == "Berlin Crisis 1961"
    assert doc.warnings == []


def test_unknown_collection_line_is_kept_with_a_warning():
    doc = parse_document(b"Some Other Crisis\nEditorial Note\n\nText.\n")
    assert doc.collection == doc.collection_as_written == "Some Other Crisis"
    assert doc.warnings == ["unknown collection: 'Some Other Crisis'"]


def test_missing_collection_line_is_a_warning():
    doc = parse_document(b"Editorial Note\n\nText.\n")
    assert doc.collection == ""
    assert doc.warnings == ["no collection line"]


def test_unrecognised_type_after_known_collection_is_other_with_warning():
    doc = parse_document(b"The Cuban Missile Crisis\nConversation at Hyannis Port\n\nText.\n")
    assert doc.doc_type == "other" and doc.doc_type_label == "Other"
    assert doc.heading == "Conversation at Hyannis Port"
    assert "unrecognised document type" in doc.warnings


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"hello world\nsecond line\n", 1),
        (b"\n\n  \nrandom words here\n", 4),
        (b"The Cuban Missile Crisis\n", 1),
        (b"The Cuban Missile Crisis\n\nSource: Department of State.\n", 3),
        (b"The Cuban Missile Crisis\nOctober 31, 1962.\n", 2),
        (b"The Cuban Missile Crisis\nno capital letter here\n", 2),
    ],
)
def test_no_recognisable_heading_is_an_error_with_line(data, line):
    with pytest.raises(ParseError, match="no recognisable heading") as info:
        parse_document(data, filename="f.txt")
    assert info.value.line == line


def test_wrapped_heading_is_joined():
    data = (
        b"The Cuban Missile Crisis\n"
        b"Memorandum of Telephone Conversation Between Secretary of State Rusk and the\n"
        b"Permanent Representative to the United Nations (Stevenson)\n\n"
        b"October 31, 1962.\n\nSec: Hello.\n\nStevenson: Hello.\n"
    )
    doc = parse_document(data)
    assert doc.heading == (
        "Memorandum of Telephone Conversation Between Secretary of State Rusk and the"
        " Permanent Representative to the United Nations (Stevenson)"
    )
    assert [a.name for a in doc.participants] == ["Rusk", "Stevenson"]
    assert doc.dateline == "October 31, 1962."
    assert doc.speakers == [("Sec", "Rusk"), ("Stevenson", "Stevenson")]


def test_memorandum_of_meeting():
    assert parse_heading("Memorandum of Meeting").doc_type == "record_of_meeting"


def test_expected_collection_wins_over_a_known_collection_line():
    doc = parse_document(
        b"The Cuban Missle Crisis\nEditorial Note\n\nText.\n", collection="FRUS XI"
    )
    assert doc.collection == "FRUS XI"
    assert doc.collection_as_written == "The Cuban Missle Crisis"
    assert doc.warnings == []
