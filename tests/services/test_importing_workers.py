"""Imports whose files are parsed by worker processes store exactly what an import
parsed in one process stores, in the same order, with the same errors."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction

from catalogue import models as m
from catalogue.importers import parallel
from catalogue.services import importing
from catalogue.services.importing import discover, run_import

TEXTS = Path(__file__).resolve().parent.parent / "importers" / "texts"
SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(tmp_path):
    """The parser's test texts, the seeds, a revised text and three bad files."""
    root = tmp_path / "corpus"
    shutil.copytree(TEXTS, root / "a")
    shutil.copytree(SEEDS, root / "b")
    telcon = next(SEEDS.glob("000_*.txt")).read_text()
    (root / "c").mkdir()
    (root / "c" / "1_binary.txt").write_bytes(b"Cuban Missile Crisis\n\x00\x01")
    (root / "c" / "2_revised.txt").write_text(telcon.replace("incredible", "unbelievable"))
    (root / "c" / "3_empty.txt").write_bytes(b"")
    (root / "c" / "4_headless.txt").write_text("\n\nnot a heading, only a lower-case line\n")
    return root


def catalogue_dump() -> dict:
    """Every catalogue table, rows in id order, ids replaced by their rank in their
    table (PostgreSQL does not roll back sequences) and timestamps left out."""
    tables = [
        model
        for model in apps.get_app_config("catalogue").get_models(include_auto_created=True)
        if not model._meta.proxy
    ]
    ranks = {
        model: {
            pk: rank
            for rank, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True))
        }
        for model in tables
    }
    dump = {}
    for model in tables:
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.DateTimeField)]
        rows = []
        for values in model.objects.order_by("pk").values_list(*(f.attname for f in fields)):
            row = []
            for field, value in zip(fields, values, strict=True):
                if field.primary_key:
                    value = ranks[model][value]
                elif field.attname == "id" and hasattr(model, "instance_type"):
                    # A history row's copy of the id of the row it records.
                    value = ranks[model.instance_type].get(value, ("gone", value))
                elif field.is_relation and value is not None:
                    target = field.related_model
                    value = ranks[target][value] if target in ranks else value
                row.append(value)
            rows.append(tuple(row))
        dump[model._meta.label] = rows
    return dump


def _restart_sequences():
    tables = list(apps.get_app_config("catalogue").get_models(include_auto_created=True))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(sql)


def outcomes(summary):
    return [(f.path, f.outcome, f.error, f.line, f.checksum, f.encoding) for f in summary.files]


@pytest.mark.parametrize("fork", [False, True], ids=["spawned", "forked where safe"])
def test_workers_store_what_one_process_stores(corpus, fork):
    sources = discover([str(corpus)])
    assert len(sources) > 25
    _restart_sequences()  # PostgreSQL: both runs number their rows from the same point
    with transaction.atomic():
        alone = run_import(sources, workers=0, publish=True, batch_size=7)
        expected = catalogue_dump()
        transaction.set_rollback(True)
    assert not m.Document.objects.exists()
    _restart_sequences()  # ids (and texts naming them: "Import run 3") as in the first

    pooled = run_import(
        discover([str(corpus)]), workers=2, publish=True, batch_size=7, fork_workers=fork
    )
    assert outcomes(pooled) == outcomes(alone)
    assert {"created", "updated", "failed"} <= {f.outcome for f in pooled.files}
    assert catalogue_dump() == expected
    failed = {Path(f.path).name: f for f in pooled.failures}
    assert set(failed) == {"1_binary.txt", "3_empty.txt", "4_headless.txt"}
    assert (
        failed["1_binary.txt"]
        .describe_error()
        .endswith("1_binary.txt:2: binary content: NUL byte at offset 21")
    )
    assert failed["4_headless.txt"].line == 3
    assert pooled.run.files.filter(outcome="failed", line=3).count() == 1


def test_dry_run_with_workers_reports_in_order_and_stops_at_the_first_failure(corpus):
    sources = discover([str(corpus)])
    alone = run_import(sources, dry_run=True, workers=0, keep_parsed=True)
    pooled = run_import(sources, dry_run=True, workers=2, keep_parsed=True)
    assert outcomes(pooled) == outcomes(alone)
    assert [repr(f.parsed) for f in pooled.files] == [repr(f.parsed) for f in alone.files]

    stopped = run_import(sources, dry_run=True, workers=2, fail_fast=True)
    first_failure = next(i for i, f in enumerate(alone.files) if f.failed)
    assert len(stopped.files) == first_failure + 1 and stopped.files[-1].failed
    assert not m.ImportRun.objects.exists() and not m.Document.objects.exists()


def test_fail_fast_with_workers_keeps_what_came_before(corpus):
    summary = run_import(discover([str(corpus)]), workers=2, fail_fast=True, batch_size=500)
    assert summary.files[-1].failed
    assert Path(summary.files[-1].path).name == "1_binary.txt"
    stored = [f for f in summary.files if not f.failed]
    assert m.Document.objects.count() == len({f.document_id for f in stored}) > 0
    assert m.ImportedFile.objects.count() == len(summary.files)


def test_interrupted_run_with_workers_is_recorded_and_stops_them(corpus, monkeypatch):
    started = []
    real = importing.ParallelParser

    class Recording(real):
        def __enter__(self):
            started.append(super().__enter__())
            return started[-1]

    monkeypatch.setattr(importing, "ParallelParser", Recording)
    seen = []

    def interrupt(result):
        seen.append(result)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(discover([str(corpus)]), workers=2, batch_size=2, on_result=interrupt)
    assert len(started) == 1 and started[0]._executor is None  # shut down
    run = m.ImportRun.objects.get()
    assert run.status == m.ImportRun.Status.FAILED


def test_workers_start_only_for_large_imports_unless_asked(corpus, monkeypatch):
    started = []
    real = importing.ParallelParser

    class Recording(real):
        def __init__(self, workers, **kwargs):
            started.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr(importing, "ParallelParser", Recording)
    sources = discover([str(corpus)])
    assert len(sources) < importing.MIN_FILES_FOR_WORKERS
    run_import(sources, dry_run=True)
    run_import(sources, dry_run=True, workers=0)
    assert started == []
    run_import(sources, dry_run=True, workers=1)
    assert started == [1]
    monkeypatch.setattr(importing, "MIN_FILES_FOR_WORKERS", len(sources))
    run_import(iter(sources), dry_run=True)  # any iterable, not only lists
    default = parallel.default_workers()
    assert started == [1, *([default] if default else [])]


def test_command_takes_workers_and_refuses_a_negative_number(corpus):
    out = StringIO()
    with pytest.raises(CommandError, match="3 of"):
        call_command("import_documents", str(corpus), "--workers", "2", stdout=out)
    assert "files read:" in out.getvalue() and "3 failed" in out.getvalue()
    assert "FAILED " + str(corpus / "c" / "1_binary.txt") + ":2: binary content" in out.getvalue()
    with pytest.raises(CommandError, match="--workers must be 0 or more"):
        call_command("import_documents", str(corpus), "--workers", "-1", stdout=StringIO())


def test_the_first_batch_is_smaller_so_storing_starts_sooner(corpus, monkeypatch):
    """Storing begins once ``FIRST_BATCH_SIZE`` files are parsed, then takes full batches
    (a failed file also closes the batch before it), with workers or without."""
    sizes = []
    real = importing._store

    def recording(batch, *args):
        sizes.append(len(batch))
        return real(batch, *args)

    monkeypatch.setattr(importing, "FIRST_BATCH_SIZE", 3)
    monkeypatch.setattr(importing, "_store", recording)
    sources = discover([str(corpus)])
    _restart_sequences()
    with transaction.atomic():
        alone = run_import(sources, workers=0, publish=True, batch_size=7)
        expected = catalogue_dump()
        transaction.set_rollback(True)
    parsed = len(alone.files) - len(alone.failures)
    assert sizes[0] == 3 and max(sizes) == 7 and sum(sizes) == parsed
    assert sizes.count(7) >= 2
    _restart_sequences()

    sizes.clear()
    pooled = run_import(
        discover([str(corpus)]), workers=2, publish=True, batch_size=7, fork_workers=True
    )
    assert outcomes(pooled) == outcomes(alone)
    assert sizes[0] == 3 and sum(sizes) == parsed
    assert catalogue_dump() == expected
