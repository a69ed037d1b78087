"""The query parser: what a visitor types becomes a small, safe query tree."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue.search.query import MAX_TERMS, parse_query
from catalogue.search.sqlite import match_expression


def kinds(raw):
    return [[(t.kind, t.text) for t in clause] for clause in parse_query(raw).clauses]


def test_words_are_anded_and_lowercased():
    assert kinds("Castro Khrushchev") == [[("word", "castro")], [("word", "khrushchev")]]


def test_prefix_and_phrase():
    assert kinds('dismantl* "lay off the aerial"') == [
        [("prefix", "dismantl")],
        [("phrase", "lay off the aerial")],
    ]


def test_or_binds_tighter_than_and():
    assert kinds("blockade castro OR khrushchev") == [
        [("word", "blockade")],
        [("word", "castro"), ("word", "khrushchev")],
    ]


def test_stop_words_are_dropped_but_kept_inside_phrases():
    assert kinds("the blockade of Cuba") == [[("word", "blockade")], [("word", "cuba")]]
    assert kinds('"the blockade"') == [[("word", "blockade")]]
    assert not parse_query("the and of")


def test_compound_tokens_become_phrases():
    assert kinds("84-84-001") == [[("phrase", "84-84-001")]]
    assert kinds("Thant's") == [[("word", "thant")]]


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "***", '"', '""', "(", "NEAR(", "AND OR NOT", "-", "*a", "OR", "\x00\x01"],
)
def test_nothing_searchable_gives_an_empty_query(raw):
    assert not parse_query(raw)


def test_operators_of_the_engines_are_not_passed_through():
    parsed = parse_query('castro NEAR(khrushchev, 5) NOT "x" AND title:missile')
    texts = [t.text for t in parsed.terms]
    assert "near" not in texts and "not" not in texts and "and" not in texts
    assert "castro" in texts and "khrushchev" in texts and "missile" in texts


def test_very_long_input_is_bounded():
    parsed = parse_query(" ".join(f"word{i}" for i in range(1000)))
    assert len(parsed.terms) <= MAX_TERMS


def test_other_scripts_survive():
    assert kinds("Кузнецов 中文") == [[("word", "кузнецов")], [("word", "中文")]]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_well_formed_fts5_expression(raw):
    parsed = parse_query(raw)
    expression = match_expression(parsed) if parsed else ""
    # Every term is a double-quoted string; quotes inside are doubled, so the number of
    # quote characters is even and no bare FTS5 syntax can appear.
    assert expression.count('"') % 2 == 0
    for term in parsed.terms:
        assert term.text and "\x00" not in term.text
