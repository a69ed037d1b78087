"""``normalise_name``'s ASCII shortcut gives what the full Unicode pass gives."""

import re
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from catalogue.normalise import normalise_name

TEXTS = Path(__file__).resolve().parent / "texts"


def reference(value: str) -> str:
    """The rule as first written: NFKD, drop combining marks, fold, punctuation and
    runs of space to one space."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = re.sub(r"[^\w\s]", " ", stripped.casefold(), flags=re.UNICODE)
    return re.sub(r"\s+", " ", folded).strip()


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_strings(value):
    assert normalise_name(value) == reference(value)


@given(st.text())
def test_any_strings(value):
    assert normalise_name(value) == reference(value)


def test_every_line_of_the_test_texts():
    lines = [
        line
        for path in TEXTS.glob("*.txt")
        for line in path.read_bytes().decode("latin-1").splitlines()
    ]
    assert any(not line.isascii() for line in lines) and any(line.isascii() for line in lines)
    assert [normalise_name(line) for line in lines] == [reference(line) for line in lines]


def test_examples():
    assert normalise_name("Kuznetsóv,  V.") == "kuznetsov v"
    assert normalise_name("  USUN Files (NYFRC 84-84-001) ") == "usun files nyfrc 84 84 001"
    assert normalise_name("ﬁle\u00a0Straße") == "file strasse"
    assert normalise_name(None) == ""
