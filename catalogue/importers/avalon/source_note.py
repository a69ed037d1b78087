"""The source note: "Source: <location>. <classification>; <caveats>. <chain>. …"

Its sentences come in a conventional order, but each is recognised by its own
form rather than by position (except the location, which is the first sentence
unless that sentence is something else):

- classification, optionally followed by caveats joined with ";"
  ("Top Secret; Eyes Only; Operational Immediate.");
- caveat-only sentences ("Niact.", "Verbatim Text.");
- the clearance chain: "Drafted by X", "cleared with/by Y and Z", "concurred in
  by W", "approved by V" (also "Prepared by", "Signed by", "Initialed by");
- transmission: "Received in the Department of State at 10:59 p.m.", "Repeated
  to …", "Sent to … and repeated to …";
- anything else is an editorial remark, kept verbatim.  A remark about when the
  document was written ("probably took place after …", "The date is based on
  …") is also the *dating inference*, and the records it cites ("Rusk's
  Appointment Book … (Johnson Library)") are its *evidence*.
"""

from __future__ import annotations

import re
from functools import lru_cache

from catalogue.importers.avalon.location import parse_location
from catalogue.importers.avalon.names import parse_agent_label, split_agents, strip_the
from catalogue.importers.avalon.textutil import MONTH_RE, TIME_SEARCH, parse_time, split_sentences
from catalogue.importers.records import (
    ORGANISATION,
    ParsedAgent,
    ParsedAgentRole,
    ParsedSourceNote,
)

SOURCE_START = re.compile(r"^\s*Sources?\s*:\s*", re.I)

_CLASSIFICATIONS = [
    ("no classification marking", "No classification marking"),
    ("no classification markings", "No classification marking"),
    ("no classification indicated", "No classification marking"),
    ("no classification", "No classification marking"),
    ("unclassified", "Unclassified"),
    ("top secret", "Top Secret"),
    ("secret", "Secret"),
    ("confidential", "Confidential"),
    ("limited official use", "Limited Official Use"),
    ("official use only", "Official Use Only"),
]
_CLASS_RE = re.compile(
    r"^(?P<c>"
    + "|".join(re.escape(c) for c, _ in sorted(_CLASSIFICATIONS, key=lambda x: -len(x[0])))
    + r")\b",
    re.I,
)
_CLASS_MAP = dict(_CLASSIFICATIONS)
CAVEATS = {
    "eyes only": "Eyes Only",
    "eyes only for": "Eyes Only",
    "literally eyes only": "Literally Eyes Only",
    "niact": "Niact",
    "operational immediate": "Operational Immediate",
    "immediate": "Immediate",
    "priority": "Priority",
    "routine": "Routine",
    "flash": "Flash",
    "emergency": "Emergency",
    "limited distribution": "Limited Distribution",
    "limdis": "Limited Distribution",
    "exdis": "Exdis",
    "nodis": "Nodis",
    "noforn": "Noforn",
    "verbatim text": "Verbatim Text",
    "sensitive": "Sensitive",
    "personal": "Personal",
    "personal and confidential": "Personal and Confidential",
    "personal and private": "Personal and Private",
    "handle via back channel": "Handle via Back Channel",
    "no distribution": "No Distribution",
    "no distribution outside department": "No Distribution Outside Department",
    "presidential handling": "Presidential Handling",
}
_CAVEAT_SEP = re.compile(r"\s*;\s*|\s*--\s*|\s*,\s*")
_ROLE_VERB = re.compile(
    r"\b(?P<verb>drafted\s+and\s+approved|drafted|cleared|concurred|approved|prepared|signed|initialed|initialled|written)"
    r"(?:\s+in\s+(?:draft|substance))?(?:\s+for\s+transmission)?(?:\s+in)?"
    r"\s+(?P<prep>by|with|in)\s+",
    re.I,
)
_ROLE_OF = {
    "drafted": ["drafter"],
    "drafted and approved": ["drafter", "approved"],
    "cleared": ["cleared"],
    "concurred": ["concurred"],
    "approved": ["approved"],
    "prepared": ["author"],
    "written": ["author"],
    "signed": ["signer"],
    "initialed": ["signer"],
    "initialled": ["signer"],
}
_CHAIN_START = re.compile(
    r"^(?:Drafted|Cleared|Concurred|Approved|Prepared|Signed|Initiall?ed|Written)\b", re.I
)
_TRAILING_CONNECTOR = re.compile(r"(?:,|;|\band)\s*$")
_RECEIVED = re.compile(r"^Received\b", re.I)
_RECEIVED_AT = re.compile(r"\b(?:was|were)\s+received\b[^.;]{0,60}?\bat\s+\d", re.I)
_REPEATED = re.compile(
    r"\b(?:also\s+)?repeated(?:\s+(?:priority|niact|operational\s+immediate|immediate|for\s+information))?"
    r"\s+to\s+(?P<to>.+?)(?=\s*(?:;|, and (?:passed|sent)|\band (?:passed|sent)|$))",
    re.I,
)
_SENT = re.compile(
    r"\b(?:also\s+)?(?:sent|transmitted)(?:\s+(?:priority|niact|operational\s+immediate))?\s+to\s+"
    r"(?P<to>.+?)(?=\s*(?:;|,? and (?:repeated|passed|pouched)|,? which|$))",
    re.I,
)
_LIST_SEP = re.compile(r",\s*and\s+|,\s*|\s+and\s+")
_INFERENCE = re.compile(
    r"\b(?:probably|presumably|apparently|evidently|possibly|likely|seems|seem|appears|appear"
    r"|suggests|inferred|estimated|conjectur\w*|based\s+on|on\s+the\s+basis\s+of|derived\s+from"
    r"|supplied\s+by|taken\s+from|no\s+(?:date|time)|undated|dated\s+by|internal\s+evidence"
    r"|(?:date|time)s?(?:\s+and\s+(?:date|time)s?)?\s+(?:is|are|was|were)\s+(?:from|taken|based"
    r"|derived|supplied|inferred|determined|conjectural|uncertain|approximate|estimated))\b",
    re.I,
)
_DATING_TOPIC = re.compile(
    r"(?i:\b(?:date|dated|dating|time|took\s+place|was\s+held|occurred|undated|appointment\s+book"
    r"|diary|log|[ap]\.m\.|noon|midnight)\b)|\b" + MONTH_RE + r"\s+\d"
)
_TRANSMISSION_START = re.compile(r"^(?:Also\s+)?(?:Sent|Repeated|Transmitted)\b", re.I)
_DATE_TAIL = re.compile(r"\s+(?:on|at)\s+(?:" + MONTH_RE + r"|\d).*$")
_EVIDENCE = re.compile(
    r"(?:(?:the\s+)?(?P<owner>[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,2}'s)\s+)?"
    r"(?P<record>(?:(?:Daily|Telephone|Appointment|Official)\s+)?(?:Appointment\s+Books?|Diary|Log"
    r"|Calendar|Record\s+of\s+Telephone\s+Calls|Telephone\s+Record|Chronology|Schedule|Desk\s+Diary))"
)
_ARCHIVE_PAREN = re.compile(
    r"\((?P<a>[^()]*(?:Library|Archives|Papers|Center|Files|Institution)[^()]*)\)"
)


def normalise_classification(text: str) -> str:
    m = _CLASS_RE.match(text.strip())
    return _CLASS_MAP[m.group("c").lower()] if m else ""


@lru_cache(maxsize=4096)
def normalise_caveat(text: str) -> str:
    low = " ".join(text.lower().strip(" .").split())
    if low in CAVEATS:
        return CAVEATS[low]
    if low.startswith("eyes only"):
        return "Eyes Only"
    return ""


def _classification_sentence(s: str) -> tuple[str, list[str]] | None:
    """(classification, caveats) if ``s`` is a classification/caveat sentence."""
    found = _classification_sentence_memo(s)
    return None if found is None else (found[0], list(found[1]))


@lru_cache(maxsize=4096)
def _classification_sentence_memo(s: str) -> tuple[str, tuple[str, ...]] | None:
    """Memoised (the same few markings recur on every page) with immutable caveats."""
    found = _read_classification_sentence(s)
    return None if found is None else (found[0], tuple(found[1]))


def _read_classification_sentence(s: str) -> tuple[str, list[str]] | None:
    body = s.strip().rstrip(".").strip()
    parts = [p for p in _CAVEAT_SEP.split(body) if p]
    if not parts:
        return None
    classification = normalise_classification(parts[0])
    if classification:
        rest = parts[0][_CLASS_RE.match(parts[0].strip()).end() :].strip() if parts else ""
        if rest and not normalise_caveat(rest):
            return None  # "Secret documents were …": a prose sentence
        caveats = [normalise_caveat(rest)] if rest else []
        for part in parts[1:]:
            caveats.append(normalise_caveat(part) or " ".join(part.split()))
        return classification, [c for c in caveats if c]
    caveats = [normalise_caveat(p) for p in parts]
    if all(caveats):
        return "", caveats
    return None


def _roles(sentence: str) -> list[ParsedAgentRole]:
    roles: list[ParsedAgentRole] = []
    matches = list(_ROLE_VERB.finditer(sentence))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
        who = sentence[m.end() : min(end, m.end() + 500)].strip().rstrip(".")
        who = _TRAILING_CONNECTOR.sub("", who).strip()
        who = _DATE_TAIL.sub("", who)
        if not who:
            continue
        verb = " ".join(m.group("verb").lower().split())
        in_office = m.group("prep").lower() == "in"
        for label in split_agents(who):
            agent = parse_agent_label(label)
            if in_office:  # "Drafted in S/S", "approved in the Department of Defense"
                agent = ParsedAgent(name=strip_the(label), kind=ORGANISATION, label=label)
            if not agent.name:
                continue
            for role in _ROLE_OF.get(verb, []):
                roles.append(ParsedAgentRole(agent=agent, role=role))
    return roles


def _places(text: str) -> list[str]:
    return [p.strip(" .") for p in _LIST_SEP.split(text) if p.strip(" .")]


def _evidence(sentence: str) -> list[str]:
    found: list[str] = []
    archive = _ARCHIVE_PAREN.search(sentence)
    for m in _EVIDENCE.finditer(sentence):
        item = " ".join(filter(None, [m.group("owner"), m.group("record")]))
        if archive and archive.start() > m.start():
            item += f" ({archive.group('a')})"
        if item not in found:
            found.append(item)
    if not found and archive:
        found.append(archive.group("a"))
    return found


def is_dating_remark(sentence: str) -> bool:
    return bool(_INFERENCE.search(sentence) and _DATING_TOPIC.search(sentence))


def parse_source_note(paragraph: str) -> ParsedSourceNote:
    """Parse the "Source:" paragraph (``paragraph`` as written)."""
    raw = paragraph.strip()
    text = " ".join(SOURCE_START.sub("", raw, count=1).split())
    note = ParsedSourceNote(raw=raw)
    sentences = split_sentences(text)
    dating: list[str] = []
    for index, sentence in enumerate(sentences):
        s = sentence.strip()
        bare = s.rstrip(".").strip()
        klass = _classification_sentence(s)
        if klass is not None:
            if klass[0] and not note.classification:
                note.classification = klass[0]
            for caveat in klass[1]:
                if caveat not in note.caveats:
                    note.caveats.append(caveat)
            continue
        if _CHAIN_START.match(s):
            note.roles.extend(_roles(s))
            continue
        if len(s) > 2000:
            note.remarks.append(s)  # too long to be anything but prose
            continue
        if _RECEIVED.match(s) or (not note.received and _RECEIVED_AT.search(s)):
            note.received = s
            t = TIME_SEARCH.search(s)
            if t:
                note.received_time = parse_time(t.group(0))[0]
            for m in _REPEATED.finditer(s):
                note.repeated_to.extend(_places(m.group("to")))
            continue
        if _TRANSMISSION_START.match(s) and (_SENT.search(s) or _REPEATED.search(s)):
            for m in _SENT.finditer(s):
                note.sent_to.extend(_places(m.group("to")))
            for m in _REPEATED.finditer(s):
                note.repeated_to.extend(_places(m.group("to")))
            continue
        if index == 0 and note.location is None:
            note.location = parse_location(bare)
            continue
        note.remarks.append(s)
        if is_dating_remark(s):
            dating.append(s)
            for item in _evidence(s):
                if item not in note.evidence:
                    note.evidence.append(item)
    note.dating_inference = " ".join(dating)
    return note
