import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalogue import models as m
from catalogue.formats import ndjson
from tests import factories as f
from tests.api.conftest import build_tree, rich_document


def build_catalogue():
    """Every kind of record the export carries, in every status."""
    run = f.ImportRunFactory(username="archivist", options={"publish": True, "files": ["a"]})
    repository, papers, folder = build_tree()
    papers.creator = f.AgentFactory(authorised_name="Ball, George W.")
    papers.save()
    published = rich_document(unit=folder, n_related=3, import_run=run)
    published.time = datetime.time(10, 59)
    published.received_time = datetime.time(22, 59)
    published.routing = ["Dept pass White House.", "Eyes only for Secretary."]
    published.save()
    m.DigitalObject.objects.create(
        document=published, page_number=1, image="pages/1/p1.png", width=10, height=12
    )
    rusk = f.AgentFactory(authorised_name="Rusk, Dean", dates="1909-1994")
    f.AgentNameFactory(agent=rusk, name="Secretary Rusk", name_type=m.NameType.OFFICE)
    m.Position.objects.create(
        agent=rusk, title="Secretary of State", start_date=datetime.date(1961, 1, 21)
    )
    m.AgentIdentifier.objects.create(
        agent=rusk, source="viaf", value="1", url="https://viaf.org/viaf/1"
    )
    f.AgentFactory(authorised_name="Rusk", merged_into=rusk)
    f.DocumentFactory(
        unit=papers,
        status=m.PublicationStatus.DRAFT,
        sender=rusk,
        date=datetime.date(1962, 10, 1),
        date_precision=m.DatePrecision.MONTH,
        date_certainty=m.DateCertainty.CONJECTURAL,
        date_note="Rusk's Appointment Book.",
        title="Memorandum «ünicode» — draft",
    )
    f.DocumentFactory(
        unit=None,
        status=m.PublicationStatus.WITHDRAWN,
        withdrawn_reason="Duplicate",
        date=None,
        date_precision=m.DatePrecision.UNKNOWN,
    )
    return published


def wipe_catalogue():
    m.Document.objects.all().delete()
    for unit in m.ArchivalUnit.objects.order_by("-depth"):
        unit.delete()
    m.Agent.objects.update(merged_into=None)
    m.Agent.objects.all().delete()
    for model in (m.Repository, m.ImportRun, m.Subject, m.Publication, m.Collection):
        model.objects.all().delete()


def files_of(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.ndjson"))}


@pytest.mark.django_db(transaction=False)
def test_export_import_export_is_byte_identical(tmp_path):
    build_catalogue()
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_catalogue", str(first), verbosity=0)
    exported = files_of(first)
    assert set(exported) == {f"{kind}.ndjson" for kind in ndjson.KINDS}
    assert exported["documents.ndjson"].count(b"\n") == m.Document.objects.count() == 4

    wipe_catalogue()
    assert not m.Document.objects.exists()
    call_command("import_catalogue", str(first), verbosity=0)
    call_command("export_catalogue", str(second), verbosity=0)

    assert files_of(second) == exported
    manifest_a = json.loads((first / "manifest.json").read_text())
    manifest_b = json.loads((second / "manifest.json").read_text())
    assert manifest_a["files"] == manifest_b["files"]


@pytest.mark.django_db
def test_restore_keeps_ids_statuses_and_relations(tmp_path):
    published = build_catalogue()
    call_command("export_catalogue", str(tmp_path), verbosity=0)
    statuses = dict(m.Document.objects.values_list("pk", "status"))
    wipe_catalogue()
    call_command("import_catalogue", str(tmp_path), verbosity=0)

    assert dict(m.Document.objects.values_list("pk", "status")) == statuses
    restored = m.Document.objects.with_detail().get(pk=published.pk)
    assert restored.footnotes.count() == 3
    assert restored.relations.exclude(footnote=None).count() == 3
    assert [ea.agent_id for e in restored.events.all() for ea in e.event_agents.all()]
    assert m.Agent.objects.get(authorised_name="Rusk").merged_into.authorised_name == "Rusk, Dean"
    assert m.Agent.objects.named("Secretary Rusk").get().authorised_name == "Rusk, Dean"
    # A new record after a restore gets a fresh id, not one the export used.
    new = f.DocumentFactory()
    assert new.pk > max(statuses)


@pytest.mark.django_db
def test_import_refuses_a_database_that_is_not_empty(tmp_path):
    build_catalogue()
    call_command("export_catalogue", str(tmp_path), verbosity=0)
    before = m.Document.objects.count()
    with pytest.raises(CommandError, match="already holds catalogue records"):
        call_command("import_catalogue", str(tmp_path), verbosity=0)
    assert m.Document.objects.count() == before


@pytest.mark.django_db
def test_import_verifies_checksums_before_writing(tmp_path):
    build_catalogue()
    call_command("export_catalogue", str(tmp_path), verbosity=0)
    wipe_catalogue()
    path = tmp_path / "documents.ndjson"
    path.write_bytes(path.read_bytes().replace(b"Washington", b"Washingtom", 1))
    with pytest.raises(CommandError, match="documents.ndjson is damaged"):
        call_command("import_catalogue", str(tmp_path), verbosity=0)
    assert not m.Agent.objects.exists()
    assert not m.Repository.objects.exists()


@pytest.mark.django_db
def test_a_bad_record_late_in_the_export_leaves_nothing_behind(tmp_path):
    build_catalogue()
    call_command("export_catalogue", str(tmp_path), verbosity=0)
    wipe_catalogue()
    # Damage the last document consistently (checksum updated) so only the restore,
    # not the verification, can notice: it names a caveat the export does not define.
    path = tmp_path / "documents.ndjson"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[-1])
    record["caveats"] = ["No Such Caveat"]
    lines[-1] = ndjson.dumps(record) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    from catalogue.services.restore import sha256_of

    for entry in manifest["files"]:
        if entry["file"] == "documents.ndjson":
            entry["sha256"] = sha256_of(path)
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="No Such Caveat"):
        call_command("import_catalogue", str(tmp_path), verbosity=0)
    assert not m.Document.objects.exists()
    assert not m.Repository.objects.exists()
    assert m.Caveat.objects.filter(name="Eyes Only").exists()  # vocabulary untouched


@pytest.mark.django_db
def test_dry_runs_write_nothing(tmp_path, capsys):
    build_catalogue()
    call_command("export_catalogue", str(tmp_path / "none"), "--dry-run")
    assert not (tmp_path / "none").exists()
    out = capsys.readouterr().out
    assert out.startswith("Dry run: would export") and "4 documents" in out

    call_command("export_catalogue", str(tmp_path), verbosity=0)
    wipe_catalogue()
    call_command("import_catalogue", str(tmp_path), "--dry-run")
    assert "nothing kept" in capsys.readouterr().out
    assert not m.Document.objects.exists()


@pytest.mark.django_db
def test_export_refuses_to_overwrite_without_force(tmp_path):
    build_catalogue()
    call_command("export_catalogue", str(tmp_path), verbosity=0)
    with pytest.raises(CommandError, match="--force"):
        call_command("export_catalogue", str(tmp_path), verbosity=0)
    call_command("export_catalogue", str(tmp_path), "--force", verbosity=0)


@pytest.mark.django_db
def test_import_names_a_missing_manifest(tmp_path):
    with pytest.raises(CommandError, match="manifest.json is missing"):
        call_command("import_catalogue", str(tmp_path), verbosity=0)


@pytest.mark.django_db
def test_restored_documents_are_searchable(tmp_path, client):
    build_catalogue()
    m.Document.objects.filter(status="published").update(title="Pitsunda proclamation")
    call_command("export_catalogue", str(tmp_path), verbosity=0)
    wipe_catalogue()
    call_command("import_catalogue", str(tmp_path), verbosity=0)
    found = m.Document.objects.search("Pitsunda")
    assert set(found.values_list("pk", flat=True)) == set(
        m.Document.objects.filter(title="Pitsunda proclamation").values_list("pk", flat=True)
    )
    assert found.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["worker", "in_process"])
def test_sigterm_mid_export_leaves_the_directory_as_it_was(tmp_path, monkeypatch, mode):
    """A real SIGTERM, delivered while the documents' file is half written."""
    import os
    import signal

    from catalogue.formats import ndjson_rows

    build_catalogue()
    target = tmp_path / "export"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    before = signal.getsignal(signal.SIGTERM)

    def terminated_after_first(blocks):
        for item in blocks:
            yield item
            os.kill(os.getpid(), signal.SIGTERM)

    read_batches, encoded_blocks = ndjson_rows.read_batches, ndjson.encoded_blocks
    monkeypatch.setattr(
        ndjson_rows, "read_batches", lambda *a, **k: terminated_after_first(read_batches(*a, **k))
    )
    monkeypatch.setattr(
        ndjson,
        "encoded_blocks",
        lambda kind, **k: (
            terminated_after_first(encoded_blocks(kind, **k))
            if kind == "documents"
            else encoded_blocks(kind, **k)
        ),
    )

    with pytest.raises(CommandError, match="stopped by signal 15; nothing written") as raised:
        call_command("export_catalogue", str(target), f"--{mode.replace('_', '-')}", verbosity=0)

    assert raised.value.returncode == 128 + signal.SIGTERM
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    assert signal.getsignal(signal.SIGTERM) is before
