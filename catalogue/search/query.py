"""Turn whatever a visitor typed into a small, safe query tree both engines understand.

Visitors paste anything: unbalanced quotes, ``NEAR(``, ``*`` alone, SQL, control
characters, whole paragraphs, other scripts. Rather than hand FTS5 or ``to_tsquery`` a
string they may reject (a 500), we extract what we support and drop the rest:

* words (``castro``), implicitly ANDed;
* prefixes (``dismantl*``);
* phrases (``"lay off the aerial"``); compound tokens such as ``84-84-001`` or
  ``Thant's`` are phrases too, because both engines split them into several tokens;
* ``OR`` between two terms (``castro OR khrushchev``), binding tighter than the
  implicit AND, as in web search engines.

English stop words are dropped from words and prefixes here, once, so that SQLite
(which indexes them) and PostgreSQL (which does not) answer the same question.
"""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_TERMS = 16
MAX_TOKEN_CHARS = 64
MIN_PREFIX_CHARS = 2

# PostgreSQL's english.stop (snowball), so both backends ignore the same words.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()  # noqa: SIM905
)
OPERATORS = {"AND", "NOT", "NEAR"}

_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<word>\w+(?:[-./\'’]\w+)*)(?P<star>\*)?')


@dataclass(frozen=True)
class Term:
    """One searchable unit: a word, a prefix, or a phrase of several words."""

    text: str
    kind: str  # "word" | "prefix" | "phrase"


@dataclass
class ParsedQuery:
    """Conjunctive normal form: every clause must match; a clause is alternatives."""

    clauses: list[list[Term]] = field(default_factory=list)

    def __bool__(self):
        return bool(self.clauses)

    @property
    def terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]


def _clean(raw: str) -> str:
    raw = unicodedata.normalize("NFKC", raw or "")[:MAX_QUERY_CHARS]
    # Control and format characters (NUL, bidi overrides…) become spaces.
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in raw)


_SUBWORD = re.compile(r"\w+")


def _phrase(text: str) -> Term | None:
    """Leading and trailing stop words are dropped (PostgreSQL ignores them, and they add
    no adjacency constraint); inner ones stay, so ``"lay off the aerial"`` keeps its
    distance on both engines. One remaining word is a word term."""
    subwords = [m for m in _SUBWORD.finditer(text) if len(m.group()) <= MAX_TOKEN_CHARS]
    while subwords and subwords[0].group().lower() in STOP_WORDS:
        subwords.pop(0)
    while subwords and subwords[-1].group().lower() in STOP_WORDS:
        subwords.pop()
    if not subwords:
        return None
    if len(subwords) == 1:
        return Term(subwords[0].group().lower(), "word")
    words = subwords[: MAX_TERMS * 2]
    return Term(" ".join(text[words[0].start() : words[-1].end()].lower().split()), "phrase")


def _word(text: str, prefix: bool) -> Term | None:
    if re.search(r"[-./'’]", text):
        return _phrase(text)
    lower = text.lower()[:MAX_TOKEN_CHARS]
    if lower in STOP_WORDS:
        return None
    if prefix and len(lower) >= MIN_PREFIX_CHARS:
        return Term(lower, "prefix")
    return Term(lower, "word")


def parse_query(raw: str) -> ParsedQuery:
    """Parse ``raw`` into a ``ParsedQuery``; never raises, may return an empty query."""
    text = _clean(raw)
    items: list[Term | str] = []
    for match in _TOKEN.finditer(text):
        if match.group("phrase") is not None:
            term = _phrase(match.group("phrase"))
        else:
            word = match.group("word")
            if word == "OR":
                items.append("OR")
                continue
            if word in OPERATORS:
                continue
            term = _word(word, prefix=bool(match.group("star")))
        if term is not None:
            items.append(term)

    clauses: list[list[Term]] = []
    join_next = False
    for item in items:
        if item == "OR":
            join_next = bool(clauses)
            continue
        if join_next and clauses:
            if item not in clauses[-1]:
                clauses[-1].append(item)
        elif [item] not in clauses:
            clauses.append([item])
        join_next = False
        if sum(len(c) for c in clauses) >= MAX_TERMS:
            break
    return ParsedQuery(clauses)
