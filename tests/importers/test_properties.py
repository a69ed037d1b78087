"""Property tests: the parser raises nothing but ParseError, whatever it is given.

Also checks invariants of every document it does return (offsets inside the body,
vocabularies respected, JSON-ready export), on arbitrary input and on mutations of
the real seed texts: deleted, duplicated or swapped lines, truncation, garbage.
"""

import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.importers.avalon import ParseError, parse_document
from catalogue.importers.avalon.names import normalise_name, parse_agent_label, split_agents
from catalogue.importers.records import (
    AGENT_ROLES,
    DATE_CERTAINTIES,
    DATE_PRECISIONS,
    FOOTNOTE_KINDS,
    IDENTIFIER_SCHEMES,
    UNIT_LEVELS,
)

from . import SEEDS, TEXTS

SEED_TEXTS = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
ALL_TEXTS = SEED_TEXTS + [p.read_bytes() for p in sorted(TEXTS.glob("*.txt"))]
# PARSER_FUZZ_EXAMPLES=5000 runs a longer fuzzing session; no example database is kept.
PROPS = settings(
    max_examples=int(os.environ.get("PARSER_FUZZ_EXAMPLES", "150")),
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HEADINGS = st.sampled_from(
    [
        "Telegram From the Department of State to the Embassy in the Soviet Union",
        "Memorandum of Telephone Conversation Between President Kennedy and Secretary Rusk",
        "Letter From Chairman Khrushchev to President Kennedy",
        "Editorial Note",
        "Summary Record of the 7th Meeting of the Executive Committee",
        "Memorandum From the Special Assistant to the President (Schlesinger) to ",
        "Memorandum From ( to )",
        "Telegram From to to to",
        "Paper Prepared by for at",
        "Notes Taken at the Meeting of",
        "Draft",
        "Memorandum of Conversation Between and and and",
    ]
)
LINES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "",
            "Washington, October 27, 1962, 8:05 p.m.",
            "[October 27?, 1962]",
            "Washington, undated.",
            "1015. Subject: Cuba. Dept pass White House. Eyes only for Secretary.",
            "Sec: Thanks.",
            "Stevenson: Hello (1) there.(2)",
            "1 October 28. Back",
            "2 See Document 102; American Foreign Policy, 1962, pp. 1-2. Back",
            "3 Back",
            "Source: Department of State, Central Files, 737.00/11-162. Top Secret; Niact.",
            "Source: USUN Files: NYFRC 84-84-001, October-November Meetings. Drafted by and",
            "Source: . . ; ; Drafted by (L) cleared with approved by Received at 99:99 p.m.",
            "Source: Washington National Records Center, RG , : FRC , , , ,",
            "127 Wall Street, New Haven, CT 06511.",
            "(((((((((((((((((((",
            "))))) to to to and and ,,,, ;;;;",
        ]
    ),
)


def check_invariants(doc):
    assert doc.doc_type and doc.doc_type == doc.doc_type.lower()
    assert doc.date.precision in DATE_PRECISIONS
    assert doc.date.certainty in DATE_CERTAINTIES
    assert (doc.date.value is None) == (doc.date.precision == "unknown")
    assert "\n" not in doc.identity_key
    for footnote in doc.footnotes:
        assert footnote.kind in FOOTNOTE_KINDS
        if footnote.marker_offset is not None:
            marker = f"({footnote.number})"
            assert doc.body[footnote.marker_offset :].startswith(marker)
        for location in footnote.archival_citations:
            for unit in location.units:
                assert unit.level in UNIT_LEVELS
                assert unit.identifier_scheme in IDENTIFIER_SCHEMES
    for role in doc.roles:
        assert role.role in AGENT_ROLES
        assert role.agent.kind in {"person", "organisation"}
    if doc.source_note and doc.source_note.location:
        for unit in doc.source_note.location.units:
            assert unit.level in UNIT_LEVELS
    json.dumps(doc.to_export_dict())


def parse_or_error(data):
    try:
        doc = parse_document(data, filename="fuzz.txt", max_bytes=1_000_000)
    except ParseError as error:
        assert str(error).startswith("fuzz.txt")
        assert "\n" not in str(error)
        assert error.line is None or error.line >= 1
        return None
    check_invariants(doc)
    return doc


@PROPS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    parse_or_error(data)


@PROPS
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    parse_or_error(text.encode("utf-8"))


@PROPS
@given(HEADINGS, st.lists(LINES, max_size=30), st.sampled_from(["\n", "\r\n", "\r"]))
def test_structured_documents(heading, lines, newline):
    text = newline.join(["The Cuban Missile Crisis", heading, *lines])
    parse_or_error(text.encode("utf-8"))


@st.composite
def mutated_text(draw):
    data = draw(st.sampled_from(ALL_TEXTS))
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "garbage", "truncate", "line"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "garbage":
            lines.insert(i, draw(st.binary(max_size=60)))
        elif op == "line":
            lines.insert(i, draw(LINES).encode("utf-8"))
        else:
            cut = draw(st.integers(0, len(lines[i])))
            lines = lines[:i] + [lines[i][:cut]]
    return b"\n".join(lines)


@PROPS
@given(mutated_text())
def test_mutated_seed_texts(data):
    parse_or_error(data)


@PROPS
@given(st.sampled_from(ALL_TEXTS), st.integers(min_value=0, max_value=10_000))
def test_truncated_texts(data, cut):
    parse_or_error(data[:cut])


@given(st.sampled_from(ALL_TEXTS))
@settings(max_examples=25, deadline=None, database=None)
def test_line_endings_do_not_change_the_result(data):
    lf = parse_document(data.replace(b"\r\n", b"\n"))
    crlf = parse_document(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    a, b = lf.to_export_dict(), crlf.to_export_dict()
    del a["source_file"], b["source_file"]
    assert a == b
    assert lf.identity_key == crlf.identity_key


@given(st.sampled_from(ALL_TEXTS))
@settings(max_examples=25, deadline=None, database=None)
def test_parsing_is_deterministic(data):
    assert parse_document(data) == parse_document(data)


@given(st.text(max_size=200))
@PROPS
def test_normalise_name_is_idempotent(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip() and "  " not in once


@given(st.text(max_size=200))
@PROPS
def test_agent_helpers_never_fail(text):
    agent = parse_agent_label(text)
    assert agent.kind in {"person", "organisation"}
    for label in split_agents(text):
        assert label == label.strip(" ,;")


_N = 100_000
_H = "The Cuban Missile Crisis\n"
HOSTILE = {
    "long heading": _H + "Telegram From " + "the Mission to " * (_N // 15) + "x\n\nBody\n",
    "spaces": _H + "Editorial Note\n\nBody.\n\n1 " + " " * _N + "x\n",
    "markers": _H + "Editorial Note\n\n" + "word(1) " * (_N // 8) + "\n\n1 Note. Back\n",
    "roles": _H + "Editorial Note\n\nBody.\n\nSource: X. Drafted by " + "a, " * (_N // 3) + "\n",
    "citations": _H
    + "Editorial Note\n\nBody.(1)\n\n1 See "
    + "Title, p. 1, " * (_N // 13)
    + "Back\n",
    "locations": _H
    + "Editorial Note\n\nBody.(1)\n\n1 In "
    + "Department of State, Central Files, " * (_N // 36)
    + "Back\n",
    "sentences": _H + "Editorial Note\n\n" + "Mr. A. B. " * (_N // 10) + "\n",
    "parentheses": _H + "Memorandum of Conversation\n\n" + "(((( " * (_N // 5) + "\n",
    "speakers": _H
    + "Memorandum of Telephone Conversation Between A and B\n\n"
    + "\n\n".join("Sec: hi" for _ in range(_N // 10)),
    "footnotes": _H
    + "Editorial Note\n\nBody\n\n"
    + "\n\n".join(f"{i} Note. Back" for i in range(1, 1000)),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_large_inputs_stay_fast(name):
    """No quadratic path: ~100 KB of a pathological pattern parses in well under a second
    (the bound is generous so that a slow CI machine does not fail it)."""
    start = time.perf_counter()
    parse_or_error(HOSTILE[name].encode())
    assert time.perf_counter() - start < 5
