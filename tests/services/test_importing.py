"""Import runs: per-file isolation, the run's record of itself, dry runs."""

from pathlib import Path

import pytest

from catalogue import models as m
from catalogue.services import importing
from catalogue.services.importing import Source, discover, run_import

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
TELCON = SEEDS / "000_edb94c0bc4a3a32d.txt"
TELEGRAM = SEEDS / "003_4f44f1490693370c.txt"

pytestmark = pytest.mark.django_db


def seeds():
    return [Source(path=str(p), fs_path=p) for p in (TELCON, TELEGRAM)]


def test_run_is_recorded_with_files_checksums_and_counts(django_user_model):
    user = django_user_model.objects.create(username="archivist")
    summary = run_import(seeds(), user=user, options={"publish": False})

    run = m.ImportRun.objects.get()
    assert summary.run == run
    assert (run.user, run.username, run.channel) == (user, "archivist", "command")
    assert run.status == m.ImportRun.Status.SUCCEEDED and run.finished_at is not None
    assert (run.files_read, run.created_count, run.failed_count) == (2, 2, 0)
    assert run.parser_version == "avalon-1.0" or run.parser_version
    files = list(run.files.order_by("path"))
    assert [f.path for f in files] == [str(TELCON), str(TELEGRAM)]
    assert all(
        f.outcome == "created" and f.encoding == "utf-8" and len(f.checksum) == 64 for f in files
    )
    assert {f.document.source_file for f in files} == {str(TELCON), str(TELEGRAM)}
    assert all(doc.import_run == run for doc in m.Document.objects.all())


def test_failing_file_leaves_nothing_behind_and_others_import(monkeypatch):
    real = importing.catalogue_documents

    def fail_for_telcon(parsed_docs, **kwargs):
        if any("000_" in p.source_file for p in parsed_docs):
            real(parsed_docs, **kwargs)  # write everything, then fail: all must roll back
            raise RuntimeError("disk full")
        return real(parsed_docs, **kwargs)

    monkeypatch.setattr(importing, "catalogue_documents", fail_for_telcon)
    summary = run_import(seeds())

    assert [f.outcome for f in summary.files] == ["failed", "created"]
    failure = summary.failures[0]
    assert failure.path == str(TELCON) and "disk full" in failure.error
    assert "\n" not in failure.error
    assert m.Document.objects.count() == 1
    assert m.Document.objects.get().source_file == str(TELEGRAM)
    assert not m.ArchivalUnit.objects.filter(title="Telcons--Cuba").exists()
    assert not m.Agent.objects.filter(authorised_name="Stevenson").exists()
    run = summary.run
    run.refresh_from_db()
    assert run.status == m.ImportRun.Status.PARTIAL
    assert (run.created_count, run.failed_count) == (1, 1)
    assert run.files.get(outcome="failed").error == failure.error


def test_bad_files_fail_with_one_line_errors(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (tmp_path / "huge.txt").write_bytes(b"The Cuban Missile Crisis\n" + b"x" * 20000)
    summary = run_import(discover([str(tmp_path), str(TELEGRAM)]), max_bytes=15000)

    by_name = {Path(f.path).name: f for f in summary.files}
    assert by_name[TELEGRAM.name].outcome == "created"
    assert "empty" in by_name["empty.txt"].error
    assert "binary" in by_name["binary.txt"].error
    assert "too large" in by_name["huge.txt"].error
    for name in ("empty.txt", "binary.txt", "huge.txt"):
        assert by_name[name].failed and "\n" not in by_name[name].error
    assert m.ImportedFile.objects.filter(outcome="failed").count() == 3


def test_wrong_encoding_is_decoded_and_recorded(tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes(
        TELEGRAM.read_bytes().replace(b"pleasantries", "pleasantries \u2014 ".encode("cp1252"))
    )
    summary = run_import(discover([str(path)]))
    assert summary.files[0].outcome == "created"
    assert m.ImportedFile.objects.get().encoding == "cp1252"


def test_dry_run_writes_nothing():
    summary = run_import(seeds(), dry_run=True, keep_parsed=True)
    assert [f.outcome for f in summary.files] == ["parsed", "parsed"]
    assert summary.run is None
    assert not m.ImportRun.objects.exists() and not m.Document.objects.exists()
    assert not m.Agent.objects.exists()
    assert summary.files[1].parsed.message_number == "1581"


def test_reimport_is_unchanged_and_changed_file_updates(tmp_path):
    run_import(seeds())
    again = run_import(seeds())
    assert [f.outcome for f in again.files] == ["unchanged", "unchanged"]
    assert m.Document.objects.count() == 2

    copy = tmp_path / TELEGRAM.name
    copy.write_bytes(TELEGRAM.read_bytes().replace(b"Kuznetsov smiled.", b"Kuznetsov laughed."))
    changed = run_import(discover([str(copy)]))
    assert changed.files[0].outcome == "updated"
    assert m.Document.objects.count() == 2


def test_fail_fast_stops_at_first_failure(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(TELEGRAM.read_bytes())
    summary = run_import(discover([str(tmp_path)]), fail_fast=True)
    assert [Path(f.path).name for f in summary.files] == ["a.txt"]
    assert not m.Document.objects.exists()


def test_discover_expands_directories_and_globs_and_reports_missing(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text("x")
    (tmp_path / "y.txt").write_text("y")
    (tmp_path / "z.md").write_text("z")
    found = discover([str(tmp_path), str(tmp_path / "*.txt"), str(tmp_path / "nope.txt")])
    assert [Path(s.path).name for s in found] == ["x.txt", "y.txt", "nope.txt"]
    assert found[-1].error == "no such file or directory"


def _search_triggers():
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'catalogue_search_%'"
        )
        return cursor.fetchone()[0]


def test_imported_documents_are_searchable_and_index_triggers_survive():
    triggers = _search_triggers()
    run_import(seeds())

    found = m.Document.objects.search("Akalovsky")
    assert [d.message_number for d in found] == ["1581"]
    assert m.Document.objects.search("bulldozing").count() == 1
    assert _search_triggers() == triggers

    # A later manual edit is still indexed by the (restored) triggers.
    doc = m.Document.objects.get(message_number="1581")
    m.Footnote.objects.create(document=doc, number=9, text="Zanzibarian marginalia")
    assert list(m.Document.objects.search("Zanzibarian")) == [doc]


def test_import_on_sqlite_changes_no_schema_and_leaves_no_pause(monkeypatch):
    """Readers opening the FTS5 table while a writer dropped and re-created triggers
    failed with "vtable constructor failed" (a 500 in the load test): an import switches
    its own connection's triggers off instead (no schema change, no pause row), and on
    again before it commits."""
    from django.db import connection

    from catalogue.search import schema
    from catalogue.services.cataloguing.triggers import triggers_enabled

    if connection.vendor != "sqlite":
        pytest.skip("SQLite trigger switch")

    def schema_version():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA schema_version")
            return cursor.fetchone()[0]

    def pauses():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {schema.SQLITE_PAUSE_TABLE}")
            return cursor.fetchone()[0]

    from catalogue.services.cataloguing import indexing

    during = []
    real_index = indexing.OnceIndexer.index

    def spy(self, *args, **kwargs):
        during.append((pauses(), triggers_enabled(connection.connection)))
        return real_index(self, *args, **kwargs)

    monkeypatch.setattr(indexing.OnceIndexer, "index", spy)
    before = schema_version()
    run_import(seeds())
    assert schema_version() == before
    assert during and all(state == (0, False) for state in during)
    assert pauses() == 0
    assert triggers_enabled(connection.connection) is True
    assert m.Document.objects.search("Akalovsky").count() == 1


def test_failed_batch_keeps_index_triggers(monkeypatch):
    triggers = _search_triggers()

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("catalogue.services.cataloguing._write_children", boom)
    summary = run_import(seeds())
    assert summary.count("failed") == 2
    assert _search_triggers() == triggers
    assert not m.Document.objects.exists()


def test_interrupted_run_is_recorded_as_failed(monkeypatch):
    real = importing.parse_source
    calls = []

    def interrupt_on_second(source, **kwargs):
        calls.append(source.path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(source, **kwargs)

    monkeypatch.setattr(importing, "parse_source", interrupt_on_second)
    with pytest.raises(KeyboardInterrupt):
        run_import(seeds())
    run = m.ImportRun.objects.get()
    assert run.status == m.ImportRun.Status.FAILED and run.finished_at is not None
    assert not m.Document.objects.exists()  # the unflushed batch was never written


def test_search_triggers_are_enabled_after_an_import_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL trigger state")
    run_import(seeds())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'catalogue\\_search\\_%%' "
            "AND tgenabled = 'D'"
        )
        assert cursor.fetchone()[0] == 0


def test_gc_threshold_is_raised_during_a_run_and_restored_after(monkeypatch):
    import gc

    before = gc.get_threshold()
    real = importing.parse_source
    seen = []

    def spy(source, **kwargs):
        seen.append(gc.get_threshold())
        if len(seen) == 2:
            raise KeyboardInterrupt  # an interrupted run restores it too
        return real(source, **kwargs)

    run_import(seeds())
    assert gc.get_threshold() == before
    monkeypatch.setattr(importing, "parse_source", spy)
    with pytest.raises(KeyboardInterrupt):
        run_import(seeds())
    assert seen[0][0] >= 20_000 and seen[0][1:] == before[1:]
    assert gc.get_threshold() == before


def test_sqlite_page_cache_and_checkpoints_are_set_only_while_importing(monkeypatch):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite page cache")

    def pragmas():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache = cursor.fetchone()[0]
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cache, cursor.fetchone()[0]

    before = pragmas()
    seen = []
    real = importing.catalogue_documents

    def spy(*args, **kwargs):
        seen.append(pragmas())
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "catalogue_documents", spy)
    summary = run_import(seeds())
    assert summary.count("created") == 2
    during = (-importing.IMPORT_SQLITE_CACHE_KIB, importing.IMPORT_SQLITE_WAL_PAGES)
    assert seen and set(seen) == {during}
    assert pragmas() == before
    assert before[0] != during[0] and before[1] != during[1]


def test_discover_names_each_file_once_through_links_and_relative_paths(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_bytes(TELEGRAM.read_bytes())
    (texts / "b.txt").write_bytes(TELCON.read_bytes())
    (tmp_path / "linked").symlink_to(texts, target_is_directory=True)
    (tmp_path / "alias.txt").symlink_to(texts / "a.txt")

    sources = discover(
        [
            str(texts),
            str(tmp_path / "linked"),
            str(tmp_path / "linked" / ".." / "texts" / "b.txt"),
            str(tmp_path / "alias.txt"),
        ]
    )

    assert [s.path for s in sources] == [str(texts / "a.txt"), str(texts / "b.txt")]
