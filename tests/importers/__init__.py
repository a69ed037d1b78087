"""Tests of the pure Avalon/FRUS parser: no database, no Django settings needed."""

from pathlib import Path

TEXTS = Path(__file__).resolve().parent / "texts"
SEEDS = TEXTS / "seeds"


def load(name: str) -> bytes:
    """The bytes of a test text, e.g. ``load("editorial_note.txt")`` or ``load("seeds/…")``."""
    return (TEXTS / name).read_bytes()
