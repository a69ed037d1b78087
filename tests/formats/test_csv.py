import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalogue.formats import csv as csv_format
from catalogue.models import Agent, AgentName, Document, PublicationStatus
from catalogue.services.csv_import import (
    CsvImportError,
    import_agents_csv,
    import_documents_csv,
)
from tests.factories import DocumentAgentFactory, DocumentFactory


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


def _sheet(rows, columns):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_public_documents_csv(archive, client, django_assert_num_queries):
    # The stamp; is the catalogue small enough to make the sheet in a request; the
    # units, the documents, their caveats and subjects as the body streams; the stamp
    # again before the copy is kept (catalogue.downloads).
    with django_assert_num_queries(7):
        response = client.get(reverse("catalogue:documents-csv"))
        body = _body(response)
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = _rows(body)
    assert [int(r["id"]) for r in rows] == sorted([archive.telcon.pk, archive.telegram.pk])
    telcon = next(r for r in rows if int(r["id"]) == archive.telcon.pk)
    assert telcon["caveats"] == "Eyes Only; Niact"
    assert telcon["sender"] == "Rusk, Dean" and telcon["recipient"] == "Stevenson, Adlai"
    assert telcon["unit"] == "Ball Papers › Telcons--Cuba"
    assert telcon["date"] == "1962-10-31" and telcon["classification"] == "Top Secret"
    assert list(rows[0]) == [c.name for c in csv_format.DOCUMENT_COLUMNS]
    for _ in range(3):
        DocumentAgentFactory(document=DocumentFactory(unit=archive.telcons))
    with django_assert_num_queries(7):
        body = _body(client.get(reverse("catalogue:documents-csv")))
    assert len(_rows(body)) == 5
    with django_assert_num_queries(1):  # unchanged since: the kept copy, after the stamp
        assert _body(client.get(reverse("catalogue:documents-csv"))) == body


def test_public_agents_csv(archive, client, django_assert_num_queries):
    with django_assert_num_queries(5):  # the stamp, agents, names, counts, the stamp
        body = _body(client.get(reverse("catalogue:agents-csv")))
    rows = {r["authorised_name"]: r for r in _rows(body)}
    assert set(rows) == {"Rusk, Dean", "Stevenson, Adlai"}
    assert rows["Rusk, Dean"]["variant_names"] == "Sec; Secretary of State Rusk"
    assert rows["Rusk, Dean"]["document_count"] == "2"


def test_round_trip_is_unchanged_then_applies_edits(archive):
    text = csv_format.to_string(
        csv_format.document_rows(csv_format.all_documents(), "http://x"),
        csv_format.DOCUMENT_COLUMNS,
    )
    result = import_documents_csv(source=text)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)

    rows = _rows(text)
    telcon = next(r for r in rows if int(r["id"]) == archive.telcon.pk)
    telcon["title"] = "Memorandum of Telephone Conversation (corrected)"
    telcon["caveats"] = "Eyes Only"
    telcon["subjects"] = "Cuba -- Missile Crisis; Quarantine"
    telcon["date"] = "1962-10"
    telcon["date_text"] = "October 1962"
    new = dict.fromkeys(rows[0], "")
    new.update(title="Letter From Khrushchev to Kennedy", doc_type="Letter", date="1962-10-26")
    result = import_documents_csv(source=_sheet([telcon, new], list(rows[0])))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    archive.telcon.refresh_from_db()
    assert archive.telcon.title.endswith("(corrected)")
    assert archive.telcon.date_precision == "month" and archive.telcon.version == 2
    assert [c.name for c in archive.telcon.caveats.all()] == ["Eyes Only"]
    assert {s.name for s in archive.telcon.subjects.all()} == {
        "Cuba -- Missile Crisis",
        "Quarantine",
    }
    created = Document.objects.get(title="Letter From Khrushchev to Kennedy")
    assert created.status == PublicationStatus.DRAFT and created.doc_type.key == "letter"
    # the stale sheet (version 1) is now refused: someone changed the record since
    with pytest.raises(CsvImportError) as stale:
        import_documents_csv(source=_sheet([telcon], list(rows[0])))
    assert "changed since this sheet was exported" in str(stale.value)


def test_bad_rows_are_all_reported_and_nothing_is_written(archive):
    before = Document.objects.count(), Document.objects.get(pk=archive.telcon.pk).title
    columns = ["id", "title", "doc_type", "date", "sender", "classification", "caveats", "unit_id"]
    sheet = _sheet(
        [
            {"id": archive.telcon.pk, "title": "Fine edit", "doc_type": "telegram"},
            {"title": "", "doc_type": "telegram"},
            {"title": "Bad date", "doc_type": "telegram", "date": "31/10/1962"},
            {"title": "Bad type", "doc_type": "carrier pigeon"},
            {"title": "Who", "doc_type": "telegram", "sender": "Nobody Known"},
            {"title": "Level", "doc_type": "telegram", "classification": "Ultra"},
            {"title": "Caveat", "doc_type": "telegram", "caveats": "Eyes Only; Burn"},
            {"id": "999999", "title": "Missing", "doc_type": "telegram"},
            {"title": "Unit", "doc_type": "telegram", "unit_id": "999999"},
        ],
        columns,
    )
    with pytest.raises(CsvImportError) as caught:
        import_documents_csv(source=sheet)
    found = {(e.line, e.column) for e in caught.value.errors}
    assert found == {
        (3, "title"),
        (4, "date"),
        (5, "doc_type"),
        (6, "sender"),
        (7, "classification"),
        (8, "caveats"),
        (9, "id"),
        (10, "unit_id"),
    }
    assert "line 8, column 'caveats': Unknown caveat 'Burn'." in str(caught.value)
    assert (Document.objects.count(), Document.objects.get(pk=archive.telcon.pk).title) == before


def test_model_rules_and_header_problems_are_reported(archive):
    sheet = _sheet(
        [
            {
                "title": "Guess",
                "doc_type": "telegram",
                "date": "1962-10-27",
                "date_certainty": "conjectural",
            }
        ],
        ["title", "doc_type", "date", "date_certainty"],
    )
    with pytest.raises(CsvImportError) as caught:
        import_documents_csv(source=sheet)
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "date_note")]
    with pytest.raises(CsvImportError) as caught:
        import_documents_csv(source="titel,doc_type\nX,telegram\n")
    assert {(e.line, e.column) for e in caught.value.errors} == {(1, "titel"), (1, "title")}


def test_agents_import(archive):
    text = csv_format.to_string(
        csv_format.agent_rows(csv_format.all_agents(), "http://x"), csv_format.AGENT_COLUMNS
    )
    assert import_agents_csv(source=text).updated == 0
    rows = _rows(text)
    rusk = next(r for r in rows if r["authorised_name"] == "Rusk, Dean")
    rusk["variant_names"] = "Secretary Rusk"  # dropping old variants never deletes them
    rusk["dates"] = "1909–1994"
    new = dict.fromkeys(rows[0], "")
    new.update(authorised_name="Kuznetsov, Vasily", variant_names="Kuznetzov")
    result = import_agents_csv(source=_sheet([rusk, new], list(rows[0])))
    assert (result.created, result.updated) == (1, 1)
    names = set(AgentName.objects.filter(agent=archive.rusk).values_list("name", flat=True))
    assert {"Sec", "Secretary of State Rusk", "Secretary Rusk"} <= names
    assert Agent.objects.named("Kuznetzov").get().authorised_name == "Kuznetsov, Vasily"
    with pytest.raises(CsvImportError) as caught:
        import_agents_csv(source=_sheet([new, {**new, "kind": "robot"}], list(rows[0])))
    assert {(e.line, e.column) for e in caught.value.errors} == {
        (2, "authorised_name"),
        (3, "authorised_name"),
    }


def test_commands_round_trip_with_dry_run(archive, tmp_path, capsys):
    out = tmp_path / "documents.csv"
    call_command("export_csv", "documents", "--output", str(out), "--include-unpublished")
    assert "Exported 4 documents" in capsys.readouterr().out
    rows = _rows(out.read_text())
    rows[0]["title"] = "Changed in a spreadsheet"
    out.write_text(_sheet(rows, list(rows[0])))
    call_command("import_csv", "documents", str(out), "--dry-run")
    assert "0 documents would be created, 1 updated, 3 unchanged." in capsys.readouterr().out
    assert not Document.objects.filter(title="Changed in a spreadsheet").exists()
    call_command("import_csv", "documents", str(out))
    assert Document.objects.filter(title="Changed in a spreadsheet").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("title,doc_type\nX,nonsense\n")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_csv", "documents", str(bad))
    call_command("export_csv", "agents")
    assert "Rusk, Dean" in capsys.readouterr().out


def test_formula_like_cells_are_exported_as_text_and_read_back(archive, client):
    hostile = '=HYPERLINK("http://evil.example","click")'
    Document.objects.filter(pk=archive.telegram.pk).update(subject_line=hostile)
    rows = _rows(_body(client.get(reverse("catalogue:documents-csv"))))
    row = next(r for r in rows if int(r["id"]) == archive.telegram.pk)
    assert row["subject_line"] == "'" + hostile
    result = import_documents_csv(source=_sheet([row], list(row)))
    assert result.unchanged == 1
    row["subject_line"] = "'-12 dead"
    import_documents_csv(source=_sheet([row], list(row)))
    assert Document.objects.get(pk=archive.telegram.pk).subject_line == "-12 dead"


def test_the_sheet_streams_in_chunks_equal_to_the_written_file(archive, client, monkeypatch):
    """The web sheet is sent a chunk at a time, never held whole, and is byte for byte
    what the standard library's writer makes of the same rows."""
    monkeypatch.setattr(csv_format, "CHUNK_ROWS", 1)
    response = client.get(reverse("catalogue:documents-csv"))
    chunks = list(response.streaming_content)
    assert len(chunks) == 2  # the header with the first document, then the second
    rows = list(csv_format.document_rows(csv_format.public_documents(), "http://testserver"))
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=[c.name for c in csv_format.DOCUMENT_COLUMNS], lineterminator="\r\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_format.protect_cell(value) for key, value in row.items()})
    assert b"".join(chunks).decode() == out.getvalue()
    assert csv_format.write_csv([], csv_format.DOCUMENT_COLUMNS, io.StringIO()) == 0
    assert csv_format.write_csv(rows, csv_format.DOCUMENT_COLUMNS, io.StringIO()) == 2


@pytest.mark.parametrize(
    "slug", ["telegram-from-rusk-to-stevenson", "été", "a b", "50%-off", "x?y#z"]
)
def test_row_addresses_are_what_reverse_gives(slug):
    """The sheet reverses the document address once and fills it in per row."""
    from catalogue.formats import url_for

    for base in ("http://archive.example", "http://x987654321.example/slugmarker"):
        make = csv_format._document_url_maker(base)
        assert make(12, slug) == url_for(base, "document-detail", pk=12, slug=slug)
