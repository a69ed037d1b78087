"""`manage.py import_documents`: paths, options, summary and exit status."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalogue import models as m
from catalogue.importers.avalon import parse_document

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
TELCON = SEEDS / "000_edb94c0bc4a3a32d.txt"
TELEGRAM = SEEDS / "003_4f44f1490693370c.txt"

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_documents", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_imports_a_directory_and_prints_a_summary():
    out, _err, error = run(str(SEEDS), "--user", "lillian")
    assert error is None
    assert "2 files read: 2 created, 0 updated, 0 unchanged, 0 failed." in out
    run_ = m.ImportRun.objects.get()
    assert run_.username == "lillian" and run_.channel == "command"
    assert run_.options["paths"] == [str(SEEDS)]
    assert m.Document.objects.filter(status="draft").count() == 2

    out, _err, error = run(str(SEEDS))
    assert error is None and "0 created, 0 updated, 2 unchanged, 0 failed" in out
    assert m.Document.objects.count() == 2


def test_glob_and_publish_and_collection_override(tmp_path):
    out, _err, error = run(
        str(SEEDS / "003_*.txt"), "--publish", "--collection", "Cuban Missile Crisis Papers"
    )
    assert error is None and "1 created" in out
    doc = m.Document.objects.get()
    assert doc.status == "published"
    assert doc.collection.name == "Cuban Missile Crisis Papers"


def test_dry_run_writes_nothing():
    out, _err, error = run(str(SEEDS), "--dry-run")
    assert error is None and "dry run" in out
    assert not m.Document.objects.exists() and not m.ImportRun.objects.exists()
    assert not m.Agent.objects.exists() and not m.ArchivalUnit.objects.exists()


def test_json_dry_run_prints_the_export_shape_and_reports_on_stderr():
    out, err, error = run(str(TELEGRAM), str(TELCON), "--dry-run", "--json")
    assert error is None
    lines = out.splitlines()
    assert len(lines) == 2
    expected = [
        parse_document(p.read_bytes(), filename=str(p), max_bytes=2_000_000, collection=None)
        for p in (TELEGRAM, TELCON)
    ]
    for line, parsed in zip(lines, expected, strict=True):
        parsed.source_file = str(TELEGRAM if parsed.message_number else TELCON)
        assert json.loads(line) == json.loads(json.dumps(parsed.to_export_dict()))
    first = json.loads(lines[0])
    assert first["source"]["path"] == ["USUN Files", "NYFRC 84-84-001", "October-November Meetings"]
    assert "2 files read" in err and "files read" not in out


def test_json_import_fills_in_the_catalogue_id():
    out, _err, error = run(str(TELEGRAM), "--json")
    assert error is None
    data = json.loads(out.splitlines()[0])
    assert data["id"] == m.Document.objects.get().pk


def test_bad_files_fail_one_line_each_and_exit_non_zero(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"line one\nline two\n\x00\x01\x02" * 50)
    (tmp_path / "huge.txt").write_bytes(b"The Cuban Missile Crisis\n" + b"word " * 4000)
    (tmp_path / "noheading.txt").write_bytes(b"\n\n   \n")
    (tmp_path / "latin1.txt").write_bytes(
        TELEGRAM.read_bytes().replace(b"pleasantries", "pleasantri\xe9s".encode("latin-1"))
    )
    shutil.copy(TELCON, tmp_path / "good.txt")

    out, err, error = run(str(tmp_path), "--max-bytes", "15000")

    assert isinstance(error, CommandError)
    assert "4 of 6 files failed" in str(error)
    failed = [line for line in out.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == 4
    assert any("empty.txt" in line and "empty" in line for line in failed)
    assert f"FAILED {tmp_path / 'binary.txt'}:3: binary content: NUL byte at offset 18" in failed
    assert any("huge.txt" in line and "too large" in line for line in failed)
    assert "Traceback" not in out + err
    assert "2 created" in out and m.Document.objects.count() == 2
    imported = m.ImportedFile.objects.get(path=str(tmp_path / "latin1.txt"))
    assert imported.encoding in {"cp1252", "latin-1"}
    assert f"DECODED {tmp_path / 'latin1.txt'} as {imported.encoding}" in out
    assert m.ImportRun.objects.get().status == m.ImportRun.Status.PARTIAL


def test_missing_path_fails_cleanly(tmp_path):
    out, _err, error = run(str(tmp_path / "nowhere.txt"))
    assert isinstance(error, CommandError)
    assert "no such file or directory" in out


def test_fail_fast_stops(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    shutil.copy(TELEGRAM, tmp_path / "b.txt")
    out, _err, error = run(str(tmp_path), "--fail-fast")
    assert isinstance(error, CommandError)
    assert "1 files read" in out
    assert not m.Document.objects.exists()


class _Terminal:
    """stderr as a terminal (the command then shows a progress bar)."""

    def __init__(self):
        from io import StringIO

        self.buffer = StringIO()

    def isatty(self):
        return True

    def write(self, text):
        return self.buffer.write(text)

    def flush(self):
        pass


@pytest.mark.parametrize("terminal", [False, True])
def test_the_command_lets_its_parsing_workers_be_forked(monkeypatch, terminal):
    """The command runs nothing else, so it allows its workers to be forked, and starts
    no thread of its own before they are (a progress bar's monitor thread would rule
    forking out). Whether they are forked then depends on this test process's other
    threads (``tests/importers/test_parallel.py`` checks that in a fresh interpreter)."""
    import sys
    import threading

    from catalogue.services import importing

    seen = []
    real = importing.ParallelParser

    class Recording(real):
        def __enter__(self):
            pool = super().__enter__()
            method = pool._executor._mp_context.get_start_method()
            seen.append((self.fork, set(threading.enumerate()), method))
            return pool

    monkeypatch.setattr(importing, "ParallelParser", Recording)
    if terminal:
        monkeypatch.setattr(sys, "stderr", _Terminal())
    before = set(threading.enumerate())
    out, _err, error = run(str(SEEDS), "--workers", "2")
    assert error is None and "2 created" in out
    ((allowed, threads, method),) = seen
    assert allowed
    assert threads <= before, threads - before  # e.g. no tqdm monitor
    if not before - {threading.current_thread()}:
        assert method == ("fork" if sys.platform.startswith("linux") else "spawn")
    if terminal:
        assert "0/2" in sys.stderr.buffer.getvalue()  # the progress bar was drawn
