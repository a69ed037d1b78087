import datetime as dt

import pytest

from catalogue.importers.avalon import parse_document
from catalogue.importers.avalon.footnotes import (
    cross_references,
    parse_footnote,
    printed_citations,
    resolve_date,
    split_footnote,
)
from catalogue.importers.records import ParsedPrintedCitation

from . import load

OCT31 = dt.date(1962, 10, 31)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("1 October 28. Back", (1, "October 28.")),
        ("12 See Document 45.  Back ", (12, "See Document 45.")),
        ("3 A footnote without the link", (3, "A footnote without the link")),
        ("2 Spread over\ntwo lines. Back", (2, "Spread over two lines.")),
        ("4. Numbered with a dot. Back", (4, "Numbered with a dot.")),
        ("1. A numbered paragraph of a memorandum.", None),
        ("1581. Subject: Cuba.", None),
        ("Source: Department of State.", None),
        ("Back", None),
    ],
)
def test_split_footnote(paragraph, expected):
    assert split_footnote(paragraph) == expected


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("October 28.", OCT31, (True, dt.date(1962, 10, 28))),
        ("November 2.", OCT31, (True, dt.date(1962, 11, 2))),
        ("Sunday, October 28.", OCT31, (True, dt.date(1962, 10, 28))),
        ("October 28, 1962.", None, (True, dt.date(1962, 10, 28))),
        ("Presumably October 27.", OCT31, (True, dt.date(1962, 10, 27))),
        ("Oct. 29", OCT31, (True, dt.date(1962, 10, 29))),
        ("January 3.", dt.date(1962, 12, 20), (True, dt.date(1963, 1, 3))),
        ("December 30.", dt.date(1963, 1, 2), (True, dt.date(1962, 12, 30))),
        ("October 28.", None, (True, None)),
        ("February 30.", OCT31, (True, None)),
        ("October 28 was a Sunday.", OCT31, (False, None)),
        ("See Document 45.", OCT31, (False, None)),
    ],
)
def test_resolve_date(text, reference, expected):
    assert resolve_date(text, reference) == expected


def test_printed_citations():
    assert printed_citations(
        "For text of the five points, see American Foreign Policy: Current Documents, 1962,"
        " pp. 447-448; Khrushchev's letter is printed as Document 102."
    ) == [
        ParsedPrintedCitation(
            "American Foreign Policy: Current Documents, 1962",
            1962,
            "447-448",
            "American Foreign Policy: Current Documents, 1962, pp. 447-448",
        )
    ]
    assert printed_citations(
        "For text, see Public Papers of the Presidents of the United States: John F. Kennedy,"
        " 1962, pp. 806-809."
    ) == [
        ParsedPrintedCitation(
            "Public Papers of the Presidents of the United States: John F. Kennedy, 1962",
            1962,
            "806-809",
            "Public Papers of the Presidents of the United States: John F. Kennedy, 1962,"
            " pp. 806-809",
        )
    ]
    (bulletin,) = printed_citations(
        "The statement is printed in Department of State Bulletin, November 12, 1962, p. 741."
    )
    assert (bulletin.title, bulletin.year, bulletin.pages) == (
        "Department of State Bulletin, November 12, 1962",
        1962,
        "741",
    )
    (memoirs,) = printed_citations("Khrushchev's account is in Khrushchev Remembers, p. 496.")
    assert (memoirs.title, memoirs.year, memoirs.pages) == ("Khrushchev Remembers", None, "496")
    assert printed_citations("No citation here, only prose.") == []


def test_cross_references():
    assert cross_references("Printed as Document 95.") == ([95], [95])
    assert cross_references("See Documents 45 and 46.") == ([45, 46], [])
    assert cross_references("See Documents 45, 46, and 50; the reply is Document 52.") == (
        [45, 46, 50, 52],
        [],
    )
    # Another volume is a citation, not a cross-reference within this one.
    assert cross_references("See Foreign Relations, 1961-1963, vol. VI, Document 67.") == ([], [])


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("October 28.", "date"),
        ("Document 102.", "cross_reference"),
        ("For text, see Public Papers, 1962, p. 814.", "citation"),
        (
            "Gilpatric's notes are in Washington National Records Center, RG 330, OASD(C) A"
            " Files: FRC 71 A 2896, Gilpatric Notes.",
            "archival",
        ),
        ("The Department of State replied the next day.", "note"),
        (
            "McCone's briefing notes are in Central Intelligence Agency, DCI/McCone Files: Job"
            " 80-B01285A, Meetings with the President.",
            "archival",
        ),
        (
            "A copy is in Department of State, Central Files, 611.3722/10-2762; see Document 45.",
            "archival",
        ),
    ],
)
def test_footnote_kinds(text, kind):
    assert parse_footnote(1, text, OCT31).kind == kind


def test_all_details_are_kept_whatever_the_kind():
    footnote = parse_footnote(
        2,
        "A copy is in Department of State, Central Files, 611.3722/10-2762; see Document 45 and"
        " American Foreign Policy: Current Documents, 1962, p. 440.",
        OCT31,
    )
    assert footnote.kind == "archival"
    assert footnote.cross_references == [45]
    assert [c.pages for c in footnote.printed_citations] == ["440"]
    assert footnote.archival_citations[0].path() == ["Central Files", "611.3722/10-2762"]


def test_footnotes_linked_to_their_markers_in_a_document():
    doc = parse_document(load("telegram_dept_to_moscow_niact.txt"))
    f1, f2 = doc.footnotes
    assert (f1.number, f1.kind, f1.cross_references, f1.printed_as) == (
        1,
        "cross_reference",
        [95],
        [95],
    )
    assert f1.anchor_text == "27"
    assert doc.body[f1.marker_offset : f1.marker_offset + 3] == "(1)"
    assert (f2.kind, f2.cross_references, f2.anchor_text) == ("cross_reference", [97], "tonight")


def test_editorial_note_footnotes():
    doc = parse_document(load("editorial_note.txt"))
    assert [(f.number, f.kind, f.anchor_text) for f in doc.footnotes] == [
        (1, "cross_reference", "Kennedy"),
        (2, "citation", "noon"),
        (3, "citation", "press"),
    ]
    assert doc.footnotes[2].text == "See Foreign Relations, 1961-1963, vol. VI, Document 67."
    assert doc.footnotes[2].printed_citations == [
        ParsedPrintedCitation(
            "Foreign Relations, 1961-1963, vol. VI",
            1961,
            "Document 67",
            "Foreign Relations, 1961-1963, vol. VI, Document 67",
        )
    ]
    assert doc.footnotes[2].cross_references == []
    assert doc.warnings == []


def test_footnote_continued_in_a_second_paragraph():
    data = (
        b"The Cuban Missile Crisis\nEditorial Note\n\nThe President spoke.(1)\n\n"
        b'1 He said:\n\n"We will not yield." Back\n\n127 Wall Street, New Haven, CT 06511.\n'
    )
    doc = parse_document(data)
    assert doc.body == "The President spoke.(1)"
    assert [f.text for f in doc.footnotes] == ['He said: "We will not yield."']


def test_footnote_whose_marker_is_missing_is_a_warning():
    data = b"The Cuban Missile Crisis\nEditorial Note\n\nNo markers here.\n\n1 Orphan. Back\n"
    doc = parse_document(data)
    assert doc.footnotes[0].marker_offset is None and doc.footnotes[0].anchor_text == ""
    assert doc.warnings == ["footnote 1: marker not found in body"]


def test_footnote_numbering_gap_is_a_warning():
    data = (
        b"The Cuban Missile Crisis\nEditorial Note\n\nOne(1) and three.(3)\n\n"
        b"1 First. Back\n\n3 Third. Back\n"
    )
    doc = parse_document(data)
    assert [f.number for f in doc.footnotes] == [1, 3]
    assert doc.warnings == ["footnote numbering has gaps: 1, 3"]


def test_footnotes_after_the_source_note_are_still_footnotes():
    data = (
        b"The Cuban Missile Crisis\nMemorandum for the Record\n\nWashington, October 29, 1962.\n\n"
        b"The group met on Sunday.(1)\n\nSource: Department of State, Central Files,"
        b" 737.00/10-2962. Secret.\n\n1 October 28. Back\n\n127 Wall Street, New Haven, CT 06511.\n"
    )
    doc = parse_document(data)
    assert doc.body == "The group met on Sunday.(1)"
    assert doc.footnotes[0].resolved_date == dt.date(1962, 10, 28)
    assert doc.source_note.classification == "Secret"
    assert doc.warnings == []


def test_location_cited_in_parentheses():
    footnote = parse_footnote(
        4,
        "Reference is to telegram 1015 from Moscow, October 26; not printed. (Department of"
        " State, Central Files, 611.3722/10-2662)",
        OCT31,
    )
    assert footnote.kind == "archival"
    (location,) = footnote.archival_citations
    assert location.text == "Department of State, Central Files, 611.3722/10-2662"
    assert location.units[-1].identifier_scheme == "decimal_file"
