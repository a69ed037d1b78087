"""Name normalisation shared by the models (derived lookup columns) and authority matching.

Kept free of Django so the parser, the services and the models agree on one rule.
"""

import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalise_name(value: str) -> str:
    """Fold case, diacritics, punctuation and spacing: 'Kuznetsóv,  V.' -> 'kuznetsov v'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", _PUNCT.sub(" ", stripped.casefold())).strip()
