"""Name normalisation shared by the models (derived lookup columns) and authority matching.

Kept free of Django so the parser, the services and the models agree on one rule.
"""

import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalise_name(value: str) -> str:
    """Fold case, diacritics, punctuation and spacing: 'Kuznetsóv,  V.' -> 'kuznetsov v'."""
    value = value or ""
    if value.isascii():
        # ASCII is its own NFKD form and has no combining marks: same result, and
        # most names and titles are ASCII (the per-character pass was the cost).
        return _SPACE.sub(" ", _PUNCT.sub(" ", value.casefold())).strip()
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", _PUNCT.sub(" ", stripped.casefold())).strip()
