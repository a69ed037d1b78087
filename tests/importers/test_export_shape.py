import json

from catalogue.importers.avalon import parse_document

from . import load

TELEGRAM = "seeds/003_4f44f1490693370c.txt"
TELCON = "seeds/000_edb94c0bc4a3a32d.txt"


def test_telegram_export_dict():
    doc = parse_document(load(TELEGRAM), filename=TELEGRAM)
    out = doc.to_export_dict()
    assert json.loads(json.dumps(out)) == out  # JSON types only
    assert list(out) == [
        "id", "title", "doc_type", "collection", "sender", "recipient", "place", "date", "time",
        "message_number", "subject", "routing", "classification", "caveats", "source", "agents",
        "footnotes", "relations", "events", "received", "text", "source_file",
    ]  # fmt: skip
    assert out["id"] is None
    assert (
        out["title"] == "Telegram From the Mission to the United Nations to the Department of State"
    )
    assert out["doc_type"] == "telegram"
    assert out["collection"] == "The Cuban Missile Crisis"
    assert out["sender"] == "Mission to the United Nations"
    assert out["recipient"] == "Department of State"
    assert out["place"] == "New York"
    assert out["date"] == {
        "value": "1962-10-31",
        "precision": "day",
        "certainty": "certain",
        "text": "October 31, 1962",
        "note": "",
    }
    assert out["time"] == "22:50"
    assert (out["message_number"], out["subject"], out["routing"]) == (
        "1581",
        "Cuba",
        ["Dept pass White House"],
    )
    assert (out["classification"], out["caveats"]) == ("Confidential", [])
    assert out["source"] == {
        "raw": doc.source_note.raw,
        "repository": "New York Federal Records Center",
        "path": ["USUN Files", "NYFRC 84-84-001", "October-November Meetings"],
    }
    assert out["agents"] == [
        {"name": "Mission to the United Nations", "role": "sender", "position": ""},
        {"name": "Department of State", "role": "recipient", "position": ""},
        {"name": "Akalovsky", "role": "drafter", "position": ""},
        {"name": "McCloy", "role": "concurred", "position": ""},
    ]
    assert out["footnotes"] == [{"number": 1, "text": doc.footnotes[0].text}]
    assert out["relations"] == [
        {"type": "cites", "target": doc.footnotes[0].archival_citations[0].text}
    ]
    assert [e["type"] for e in out["events"]] == [
        "drafted",
        "concurred",
        "sent",
        "filed",
        "published",
        "transcribed",
    ]
    drafted, concurred, sent, filed, published, transcribed = out["events"]
    assert drafted == {
        "type": "drafted",
        "date": "1962-10-31",
        "time": None,
        "agents": ["Akalovsky"],
        "evidence": "source note",
    }
    assert concurred["agents"] == ["McCloy"]
    assert (sent["date"], sent["time"], sent["agents"]) == (
        "1962-10-31",
        "22:50",
        ["Mission to the United Nations"],
    )
    assert sent["to"] == ["Department of State"]
    assert filed["path"] == ["USUN Files", "NYFRC 84-84-001", "October-November Meetings"]
    assert filed["agents"] == ["New York Federal Records Center"]
    assert "Volume XI" in published["evidence"]
    assert transcribed["evidence"] == "127 Wall Street, New Haven, CT 06511."
    assert out["received"] == ""
    assert out["text"] == doc.body
    assert out["source_file"] == {"path": TELEGRAM, "checksum": doc.checksum}


def test_telcon_export_relations_and_date_note():
    out = parse_document(load(TELCON)).to_export_dict()
    assert out["relations"] == [
        {"type": "printed_as", "target": "Document 102"},
        {
            "type": "cites",
            "target": "American Foreign Policy: Current Documents, 1962, pp. 447-448",
        },
    ]
    assert out["date"]["certainty"] == "inferred"
    assert out["date"]["note"].startswith("The conversation probably took place")
    assert out["sender"] is None and out["time"] is None
    assert [e["type"] for e in out["events"]] == ["filed", "published", "transcribed"]
    assert [(a["name"], a["role"], a["position"]) for a in out["agents"]] == [
        ("Rusk", "participant", "Secretary of State"),
        ("Stevenson", "participant", "Permanent Representative to the United Nations"),
        ("Stevenson", "speaker", "Permanent Representative to the United Nations"),
        ("Rusk", "speaker", "Secretary of State"),
    ]


def test_received_event_and_chain_order():
    out = parse_document(load("telegram_moscow_noon_received.txt")).to_export_dict()
    received = next(e for e in out["events"] if e["type"] == "received")
    assert received["time"] == "08:57"
    assert received["evidence"] == "Received in the Department of State at 8:57 a.m."
    assert out["received"] == "Received in the Department of State at 8:57 a.m."
    chain = parse_document(load("telegram_dept_to_moscow_niact.txt")).to_export_dict()["events"]
    assert [(e["type"], e["agents"]) for e in chain[:3]] == [
        ("drafted", ["Rusk"]),
        ("cleared", ["Bundy", "Meeker"]),
        ("approved", ["Rusk"]),
    ]


def test_export_without_source_note():
    out = parse_document(load("telegram_missing_parts.txt")).to_export_dict()
    assert out["source"] == {"raw": "", "repository": "", "path": []}
    assert out["classification"] == "" and out["caveats"] == []
    assert out["date"]["value"] is None
    assert [e["type"] for e in out["events"]] == ["sent", "published"]
