import datetime as dt

import pytest

from catalogue.importers.avalon import parse_document
from catalogue.importers.avalon.dateline import parse_dateline
from catalogue.importers.avalon.textutil import parse_time

from . import load

D = dt.date
T = dt.time


@pytest.mark.parametrize(
    ("line", "place", "value", "precision", "certainty", "text", "time", "time_end", "time_text"),
    [
        (
            "New York, October 31, 1962, 10:50 p.m.",
            "New York",
            D(1962, 10, 31),
            "day",
            "certain",
            "October 31, 1962",
            T(22, 50),
            None,
            "10:50 p.m.",
        ),
        (
            "October 31, 1962.",
            "",
            D(1962, 10, 31),
            "day",
            "certain",
            "October 31, 1962",
            None,
            None,
            "",
        ),
        (
            "Washington, October 27, 1962, 8:05 p.m.",
            "Washington",
            D(1962, 10, 27),
            "day",
            "certain",
            "October 27, 1962",
            T(20, 5),
            None,
            "8:05 p.m.",
        ),
        (
            "Moscow, October 28, 1962, noon.",
            "Moscow",
            D(1962, 10, 28),
            "day",
            "certain",
            "October 28, 1962",
            T(12, 0),
            None,
            "noon",
        ),
        (
            "Washington, October 22, 1962, midnight.",
            "Washington",
            D(1962, 10, 22),
            "day",
            "certain",
            "October 22, 1962",
            T(0, 0),
            None,
            "midnight",
        ),
        (
            "Washington, October 22, 1962, 12 noon.",
            "Washington",
            D(1962, 10, 22),
            "day",
            "certain",
            "October 22, 1962",
            T(12, 0),
            None,
            "12 noon",
        ),
        (
            "Washington, October 27, 1962, 12:30 a.m.",
            "Washington",
            D(1962, 10, 27),
            "day",
            "certain",
            "October 27, 1962",
            T(0, 30),
            None,
            "12:30 a.m.",
        ),
        (
            "Washington, October 16, 1962, 11:50 a.m.-12:57 p.m.",
            "Washington",
            D(1962, 10, 16),
            "day",
            "certain",
            "October 16, 1962",
            T(11, 50),
            T(12, 57),
            "11:50 a.m.-12:57 p.m.",
        ),
        (
            "Washington, October 16, 1962, 6:30-7:55 p.m.",
            "Washington",
            D(1962, 10, 16),
            "day",
            "certain",
            "October 16, 1962",
            T(18, 30),
            T(19, 55),
            "6:30-7:55 p.m.",
        ),
        (
            "Washington, October 29, 1962, 11:30-1 p.m.",
            "Washington",
            D(1962, 10, 29),
            "day",
            "certain",
            "October 29, 1962",
            T(11, 30),
            T(13, 0),
            "11:30-1 p.m.",
        ),
        (
            "Washington, Oct. 22, 1962, 1430 hours",
            "Washington",
            D(1962, 10, 22),
            "day",
            "certain",
            "Oct. 22, 1962",
            T(14, 30),
            None,
            "1430 hours",
        ),
        (
            "Washington, October 28, 1962, about 8 p.m.",
            "Washington",
            D(1962, 10, 28),
            "day",
            "certain",
            "October 28, 1962",
            T(20, 0),
            None,
            "about 8 p.m.",
        ),
        (
            "London, 28 October 1962.",
            "London",
            D(1962, 10, 28),
            "day",
            "certain",
            "28 October 1962",
            None,
            None,
            "",
        ),
        (
            "Washington, October 1962.",
            "Washington",
            D(1962, 10, 1),
            "month",
            "certain",
            "October 1962",
            None,
            None,
            "",
        ),
        (
            "Washington, 1962.",
            "Washington",
            D(1962, 1, 1),
            "year",
            "certain",
            "1962",
            None,
            None,
            "",
        ),
        (
            "Washington, undated.",
            "Washington",
            None,
            "unknown",
            "conjectural",
            "undated",
            None,
            None,
            "",
        ),
        ("[no date]", "", None, "unknown", "conjectural", "[no date]", None, None, ""),
        ("undated", "", None, "unknown", "conjectural", "undated", None, None, ""),
        (
            "[Washington, October 27, 1962.]",
            "Washington",
            D(1962, 10, 27),
            "day",
            "conjectural",
            "[October 27, 1962]",
            None,
            None,
            "",
        ),
        (
            "Washington, [October 27, 1962].",
            "Washington",
            D(1962, 10, 27),
            "day",
            "conjectural",
            "[October 27, 1962]",
            None,
            None,
            "",
        ),
        (
            "[October 27, 1962]",
            "",
            D(1962, 10, 27),
            "day",
            "conjectural",
            "[October 27, 1962]",
            None,
            None,
            "",
        ),
        (
            "Washington, October 27?, 1962.",
            "Washington",
            D(1962, 10, 27),
            "day",
            "conjectural",
            "October 27?, 1962",
            None,
            None,
            "",
        ),
        (
            "Camp David, Maryland, October 20, 1962.",
            "Camp David, Maryland",
            D(1962, 10, 20),
            "day",
            "certain",
            "October 20, 1962",
            None,
            None,
            "",
        ),
        (
            "Washington, Saturday, October 27, 1962, 2 p.m.",
            "Washington",
            D(1962, 10, 27),
            "day",
            "certain",
            "October 27, 1962",
            T(14, 0),
            None,
            "2 p.m.",
        ),
        (
            "The Hague, October 24, 1962, 4 p.m.",
            "The Hague",
            D(1962, 10, 24),
            "day",
            "certain",
            "October 24, 1962",
            T(16, 0),
            None,
            "4 p.m.",
        ),
    ],
)
def test_dateline_forms(line, place, value, precision, certainty, text, time, time_end, time_text):
    found = parse_dateline(line)
    assert found is not None
    assert found.place == place
    assert (found.date.value, found.date.precision, found.date.certainty) == (
        value,
        precision,
        certainty,
    )
    assert found.date.text == text
    assert (found.time, found.time_end, found.time_text) == (time, time_end, time_text)


def test_date_range_sets_end():
    found = parse_dateline("Washington, October 27-28, 1962.")
    assert found.date.value == D(1962, 10, 27)
    assert found.date.end == D(1962, 10, 28)


def test_footnote_marker_in_dateline_is_recorded():
    found = parse_dateline("Moscow, October 28, 1962, 5 p.m.(1)")
    assert found.markers == [1]
    assert found.time == T(17, 0)
    assert found.text == "Moscow, October 28, 1962, 5 p.m.(1)"


@pytest.mark.parametrize(
    "line",
    [
        "He said that on October 27, 1962 the ships turned back.",
        "1962.",
        "1581. Subject: Cuba.",
        "Washington, October 32, 1962.",
        "Washington, February 30, 1962.",
        "Washington, October 27, 1962, at the White House with the President.",
        "Dear Mr. President, October 27, 1962",
        "",
        "x" * 200,
    ],
)
def test_non_datelines(line):
    assert parse_dateline(line) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:50 p.m.", (T(22, 50), None)),
        ("10 a.m.", (T(10, 0), None)),
        ("12 p.m.", (T(12, 0), None)),
        ("12 a.m.", (T(0, 0), None)),
        ("noon", (T(12, 0), None)),
        ("Midnight", (T(0, 0), None)),
        ("10:05 a.m.-12:35 p.m.", (T(10, 5), T(12, 35))),
        ("2330Z", (T(23, 30), None)),
        ("13 p.m.", (None, None)),
        ("10", (None, None)),
        ("soon", (None, None)),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


def test_dateline_after_blank_lines_is_found():
    doc = parse_document(load("seeds/000_edb94c0bc4a3a32d.txt"))
    assert doc.dateline == "October 31, 1962."


def test_dateline_directly_under_heading_is_found():
    doc = parse_document(load("telegram_moscow_noon_received.txt"))
    assert doc.place == "Moscow" and doc.time == T(12, 0)


def test_no_dateline_is_a_warning_except_for_editorial_notes():
    doc = parse_document(load("telegram_missing_parts.txt"))
    assert "no dateline" in doc.warnings
    assert doc.date.value is None and doc.date.precision == "unknown"
    note = parse_document(load("editorial_note.txt"))
    assert "no dateline" not in note.warnings
    assert note.date.value is None


def test_source_note_inference_makes_a_date_inferred():
    doc = parse_document(load("telcon_president_eisenhower.txt"))
    assert doc.date.certainty == "inferred"
    assert doc.date.note == "The time is from the President's Daily Diary (Kennedy Library)."


def test_undated_document_takes_the_inferred_date_from_the_source_note():
    doc = parse_document(load("memorandum_for_record_undated.txt"))
    assert doc.place == "Washington"
    assert doc.date.value == D(1962, 10, 30)
    assert (doc.date.precision, doc.date.certainty) == ("day", "inferred")
    assert doc.date.note.startswith("The memorandum was probably written on October 30, 1962")
    assert "date unknown" not in doc.warnings


def test_conjectural_date_keeps_its_certainty_and_gets_the_note():
    doc = parse_document(load("memcon_conjectural_participants.txt"))
    assert doc.date.certainty == "conjectural"
    assert doc.date.note == (
        "The date is based on the Attorney General's Desk Diary (Kennedy Library)."
    )


def test_dateline_footnote_explaining_the_date_becomes_the_note():
    data = (
        b"The Cuban Missile Crisis\nMemorandum for the Record\n\n"
        b"Washington, October 29, 1962.(1)\n\nThe group met.\n\n"
        b"1 The date is based on internal evidence. Back\n\n"
        b"Source: Department of State, Central Files, 737.00/10-2962. Secret.\n"
    )
    doc = parse_document(data)
    assert doc.date.certainty == "inferred"
    assert doc.date.note == "The date is based on internal evidence."
    assert doc.warnings == []
