"""The export shape of a parsed document: one JSON-ready dict per document.

This is the documented shape shared by the importer's ``--json`` preview and
the exports; it uses only JSON types (str, int, None, lists, dicts)::

    {
      "id": None,                       # filled in by the catalogue once stored
      "title": str,                     # the heading
      "doc_type": str,                  # slug, e.g. "telegram"
      "collection": str,                # normalised collection name
      "sender": str | None,             # agent name
      "recipient": str | None,
      "place": str,
      "date": {"value": "YYYY-MM-DD" | None, "precision": str, "certainty": str,
               "text": str, "note": str},
      "time": "HH:MM" | None,
      "message_number": str,
      "subject": str,
      "routing": [str],
      "classification": str,            # "" when there is no source note
      "caveats": [str],
      "source": {"raw": str, "repository": str,
                 "path": [str]},        # unit titles and identifiers, top to file/item
      "agents": [{"name": str, "role": str, "position": str}],
      "footnotes": [{"number": int, "text": str}],
      "relations": [{"type": "printed_as" | "cites", "target": str}],
      "events": [{"type": str, "date": "YYYY-MM-DD" | None, "time": "HH:MM" | None,
                  "agents": [str], "evidence": str, ...}],
      "received": str,
      "text": str,                      # the body
      "source_file": {"path": str, "checksum": str},
    }

Events, in provenance order: ``drafted``/``cleared``/``concurred``/``approved``
(from the source note's clearance chain, dated with the document's date),
``sent`` (date and time of a telegram or other transmitted message),
``received`` (the source note's "Received …", with its time), ``filed`` (with
``path``, the archival location), ``published`` (the printed edition of the
collection, e.g. FRUS 1961–1963, Volume XI) and ``transcribed`` (the Avalon
Project, when the transcriber's footer is present).
"""

from __future__ import annotations

from typing import Any

from catalogue.importers.records import ParsedDocument

# The printed edition each known collection is taken from.
PUBLICATIONS = {
    "The Cuban Missile Crisis": (
        "Foreign Relations of the United States, 1961–1963, Volume XI, "
        "Cuban Missile Crisis and Aftermath"
    ),
}
PUBLISHER = "Department of State, Office of the Historian"
TRANSCRIBER = "The Avalon Project, Lillian Goldman Law Library, Yale Law School"
SENT_TYPES = frozenset(
    {"telegram", "circular_telegram", "airgram", "instruction", "message", "letter"}
)
CHAIN_EVENTS = {
    "drafter": "drafted",
    "cleared": "cleared",
    "concurred": "concurred",
    "approved": "approved",
    "signer": "signed",
    "author": "prepared",
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: Any) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _relations(doc: ParsedDocument) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, target: str) -> None:
        if (kind, target) not in seen:
            seen.add((kind, target))
            out.append({"type": kind, "target": target})

    for footnote in doc.footnotes:
        for number in footnote.cross_references:
            kind = "printed_as" if number in footnote.printed_as else "cites"
            add(kind, f"Document {number}")
        for citation in footnote.printed_citations:
            add("cites", citation.text or citation.title)
        for location in footnote.archival_citations:
            add("cites", location.text)
    return out


def _events(doc: ParsedDocument) -> list[dict[str, Any]]:
    date = _iso(doc.date.value)
    events: list[dict[str, Any]] = []
    note = doc.source_note
    if note is not None:
        by_type: dict[str, list[str]] = {}
        for role in note.roles:
            event = CHAIN_EVENTS.get(role.role)
            if event:
                by_type.setdefault(event, []).append(role.agent.name)
        for event in ("prepared", "drafted", "cleared", "concurred", "approved", "signed"):
            if event in by_type:
                events.append(
                    {
                        "type": event,
                        "date": date,
                        "time": None,
                        "agents": by_type[event],
                        "evidence": "source note",
                    }
                )
    if doc.doc_type in SENT_TYPES and (doc.sender or doc.time is not None):
        events.append(
            {
                "type": "sent",
                "date": date,
                "time": _time(doc.time),
                "agents": [doc.sender.name] if doc.sender else [],
                "evidence": doc.dateline or "heading",
                "to": [a.name for a in doc.recipients],
            }
        )
    if note is not None and note.received:
        events.append(
            {
                "type": "received",
                "date": date,
                "time": _time(note.received_time),
                "agents": [doc.recipient.name] if doc.recipient else [],
                "evidence": note.received,
            }
        )
    if note is not None and note.location is not None:
        events.append(
            {
                "type": "filed",
                "date": None,
                "time": None,
                "agents": [note.location.repository] if note.location.repository else [],
                "evidence": note.raw,
                "path": note.location.path(),
            }
        )
    publication = PUBLICATIONS.get(doc.collection)
    if publication:
        events.append(
            {
                "type": "published",
                "date": None,
                "time": None,
                "agents": [PUBLISHER],
                "evidence": publication,
            }
        )
    if doc.footer:
        events.append(
            {
                "type": "transcribed",
                "date": None,
                "time": None,
                "agents": [TRANSCRIBER],
                "evidence": doc.footer,
            }
        )
    return events


def document_to_export_dict(doc: ParsedDocument) -> dict[str, Any]:
    """Build the export dict described in this module's docstring."""
    note = doc.source_note
    location = note.location if note is not None else None
    return {
        "id": None,
        "title": doc.title,
        "doc_type": doc.doc_type,
        "collection": doc.collection,
        "sender": doc.sender.name if doc.sender else None,
        "recipient": doc.recipient.name if doc.recipient else None,
        "place": doc.place,
        "date": {
            "value": _iso(doc.date.value),
            "precision": doc.date.precision,
            "certainty": doc.date.certainty,
            "text": doc.date.text,
            "note": doc.date.note,
        },
        "time": _time(doc.time),
        "message_number": doc.message_number,
        "subject": doc.subject,
        "routing": list(doc.routing),
        "classification": note.classification if note else "",
        "caveats": list(note.caveats) if note else [],
        "source": {
            "raw": note.raw if note else "",
            "repository": location.repository if location else "",
            "path": location.path() if location else [],
        },
        "agents": [
            {"name": r.agent.name, "role": r.role, "position": r.agent.office} for r in doc.roles
        ],
        "footnotes": [{"number": f.number, "text": f.text} for f in doc.footnotes],
        "relations": _relations(doc),
        "events": _events(doc),
        "received": note.received if note else "",
        "text": doc.body,
        "source_file": {"path": doc.source_file, "checksum": doc.checksum},
    }
