"""Staged loads (SQLite): the planning worker writes each batch into a scratch file and
the inserting process copies it with INSERT … SELECT. Same rows as a direct load; the
scratch files go away whatever the end; nothing of a failed load stays."""

import multiprocessing
import pickle
import tempfile

import pytest
from django.db import connection, transaction

from catalogue.corpus import generate_corpus, plan_corpus, staging
from catalogue.models import Agent, Citation, Document, DocumentAgent, Footnote, ProvenanceEvent

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite only: PostgreSQL loads with COPY"
)


def _rows(model):
    columns = [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in ("created_at", "updated_at")
    ]
    return list(model.objects.order_by("pk").values_list(*columns))


@pytest.fixture
def scratch_root(tmp_path, monkeypatch):
    """Scratch files go under tmp_path, so a test can see what is left behind."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


@sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("policy", ["all sent", "as shipped", "all staged"])
def test_staged_load_writes_the_rows_a_direct_load_writes(scratch_root, monkeypatch, policy):
    """Whichever tables' rows a batch sends pickled rather than staged (by its place in
    the load: ``CorpusWriter.sent_pickled``), the rows are a direct load's."""
    from catalogue.corpus.writer import CorpusWriter, Lookups
    from catalogue.models import EventAgent

    models = [Document, Footnote, DocumentAgent, ProvenanceEvent, EventAgent, Citation]
    generate_corpus(documents=150, seed=41, parallel=False, batch_size=40)
    direct = {m: _rows(m) for m in models}
    for model in reversed(models):
        model.objects.all().delete()
    assert staging.available(True) >= 2  # not inside a transaction: the worker stages
    if policy == "all sent":
        monkeypatch.setattr(staging, "SEND_ALL_BUT_DOCUMENTS_UNTIL", 1.0)
    elif policy == "all staged":
        monkeypatch.setattr(staging, "SEND_ALL_BUT_DOCUMENTS_UNTIL", 0.0)
        monkeypatch.setattr(staging, "STAGE_ALL_FROM_SHARE", 0.0)
    pickled = []
    insert = CorpusWriter.insert

    def recording_insert(self, rows):
        pickled.append(frozenset(rows.tables))
        return insert(self, rows)

    monkeypatch.setattr(CorpusWriter, "insert", recording_insert)
    result = generate_corpus(documents=150, seed=41, parallel=True, batch_size=40)
    children = frozenset(CorpusWriter(Lookups()).loaded) - {"documents"}
    assert len(pickled) > 2
    if policy == "all sent":
        assert set(pickled) == {children}
    elif policy == "all staged":
        assert set(pickled) == {frozenset()}
    else:  # every kind of batch, in this order
        kinds = [children, frozenset({"events", "citations"}), frozenset()]
        assert [kinds.index(p) for p in pickled] == sorted(kinds.index(p) for p in pickled)
        assert set(pickled) == set(kinds), pickled
    staged = {m: _rows(m) for m in models}
    # Same documents, ids shifted past the deleted run's; same children per document.
    assert [r[1:] for r in staged[Document]] == [r[1:] for r in direct[Document]]
    shift = staged[Document][0][0] - direct[Document][0][0]
    assert shift > 0
    for model in models[1:]:
        assert len(staged[model]) == len(direct[model]) > 0
    for model in (Footnote, DocumentAgent, Citation):
        assert [(r[1] - shift, *r[2:]) for r in staged[model]] == [r[1:] for r in direct[model]]
    # Events: the same per document, in order (their ids are numbered from the top).
    assert [(r[1] - shift, *r[2:]) for r in staged[ProvenanceEvent]] == [
        r[1:] for r in direct[ProvenanceEvent]
    ]
    assert result.rows["footnotes"] == len(staged[Footnote])
    assert result.documents == 150 == Document.objects.count()
    assert not list(scratch_root.iterdir())  # scratch files removed
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        assert not [r for r in cursor.fetchall() if r[1] not in ("main", "temp")]  # detached


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_failed_staged_load_leaves_no_rows_and_no_scratch_files(tmp_path, scratch_root):
    from catalogue.corpus.pipeline import WorkerError
    from catalogue.corpus.text import file_name

    _auth, stream = plan_corpus(60, 23)
    blocked = list(stream)[49]
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / file_name(blocked)).mkdir()  # the worker fails on the 50th text file
    agents = Agent.objects.count()
    with pytest.raises(WorkerError, match="IsADirectoryError"):
        generate_corpus(documents=60, seed=23, text_dir=texts, parallel=True, batch_size=10)
    assert Document.objects.count() == Footnote.objects.count() == 0
    assert Agent.objects.count() == agents
    assert not list(scratch_root.iterdir())
    generate_corpus(documents=30, seed=24, parallel=True)
    assert Document.objects.count() == 30


@sqlite_only
@pytest.mark.django_db
def test_no_staging_inside_a_callers_transaction():
    # SQLite cannot attach a file inside a transaction: the rows travel pickled.
    assert transaction.get_connection().in_atomic_block
    assert staging.available(True) == 0
    assert staging.available(False) == 0


@pytest.mark.parametrize("total", [1, 5, 10, 11, 4000, 20000, 100001])
@pytest.mark.parametrize("files", [2, 9, 10])
def test_batch_sizes_fit_the_files_and_are_small_at_both_ends(total, files):
    sizes = staging.batch_sizes(total, files)
    assert sum(sizes) == total
    assert 1 <= len(sizes) <= files
    assert min(sizes) >= 1
    if total >= 1000 and files == 10:
        assert sizes[0] == sizes[-1] == min(sizes)
        assert max(sizes) >= 6 * sizes[0]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_scratch_file_read_early_is_noticed(scratch_root):
    # A statement that consults every attached database (IF EXISTS of something the
    # catalogue lacks) read-locks the scratch files for the rest of the transaction:
    # the load must then not stage (the worker could not write them).
    with staging.scratch_databases([("t", ["a"])], 2) as files:
        assert staging.unread(files)
        with staging.load_transaction(files), connection.cursor() as cursor:
            assert staging.unread(files)  # the transaction alone reads nothing
            cursor.execute("DROP TRIGGER IF EXISTS corpus_no_such_trigger")
            assert not staging.unread(files)
        assert staging.unread(files)
    assert not list(scratch_root.iterdir())


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sigterm_mid_load_rolls_back_and_removes_the_scratch_files(scratch_root, monkeypatch):
    """A real SIGTERM while the inserting process copies the staged batches."""
    import os
    import signal

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from catalogue.corpus import pipeline

    monkeypatch.setattr(pipeline, "MIN_PARALLEL_DOCUMENTS", 1)
    copy = staging.copy_into_catalogue
    copied = []

    def copy_then_terminate(*args, **kwargs):
        copy(*args, **kwargs)
        copied.append(1)
        os.kill(os.getpid(), signal.SIGTERM)

    from catalogue.corpus.writer import documents as writer_documents

    monkeypatch.setattr(writer_documents, "copy_into_catalogue", copy_then_terminate)
    before = signal.getsignal(signal.SIGTERM)
    agents = Agent.objects.count()

    with pytest.raises(CommandError, match="stopped by signal 15") as raised:
        call_command("generate_corpus", "--documents", "150", "--seed", "41", verbosity=0)

    assert copied == [1]  # the load was staged and stopped after its first batch
    assert raised.value.returncode == 128 + signal.SIGTERM
    assert Document.objects.count() == Footnote.objects.count() == 0
    assert Agent.objects.count() == agents
    assert not list(scratch_root.iterdir())
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        assert not [r for r in cursor.fetchall() if r[1] not in ("main", "temp")]
    assert signal.getsignal(signal.SIGTERM) is before


def _indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
        return sorted(cursor.fetchall())


def _load_recording_builds(monkeypatch, ready_answers):
    """Load 400 documents with the worker's ``ready()`` answering from
    ``ready_answers`` (then True); what happened, in order: ("batch", documents in) and
    ("index", indexes present before the build)."""
    from catalogue.corpus import load, pipeline
    from catalogue.corpus.writer import CorpusWriter

    seen: list[tuple[str, int]] = []
    insert, build_one = CorpusWriter.insert, load.DeferredIndexes.build_one
    answers = iter(ready_answers)

    def recording_insert(self, rows):
        insert(self, rows)
        seen.append(("batch", self.counts["documents"]))

    def recording_build_one(self):
        if self.pending:
            seen.append(("index", len(_indexes())))
        return build_one(self)

    monkeypatch.setattr(CorpusWriter, "insert", recording_insert)
    monkeypatch.setattr(load.DeferredIndexes, "build_one", recording_build_one)
    monkeypatch.setattr(pipeline.WorkerBatches, "ready", lambda self: next(answers, True))
    generate_corpus(documents=400, seed=5, parallel=True, batch_size=20)
    return seen


def _runs_of_builds(seen) -> list[tuple[int, int]]:
    """(documents in before the run, indexes built) of each run of consecutive builds."""
    runs = []
    for i, (what, _n) in enumerate(seen):
        if what == "index":
            if i and seen[i - 1][0] == "index":
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            else:
                runs.append((seen[i - 1][1], 1))
    return runs


def _first_reaching(seen, share: float) -> int:
    return next(n for what, n in seen if what == "batch" and n >= share * 400)


@sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("worker", ["busy", "late", "late once"])
def test_staged_load_builds_the_deferred_indexes_before_its_last_batches(
    scratch_root, monkeypatch, worker
):
    """With the worker's next batch always waiting (busy), the deferred indexes are
    built right after the batch reaching ``EARLY_INDEXES``; while it is late, one at a
    time from the batch reaching ``IDLE_INDEXES`` on, each only while it still is."""
    from catalogue.corpus import EARLY_INDEXES, IDLE_INDEXES

    before = _indexes()
    answers = {"busy": [], "late": [False] * 1000, "late once": [False]}[worker]
    seen = _load_recording_builds(monkeypatch, answers)

    assert _indexes() == before  # every index back, as defined, each once
    deferred = len(before) - next(n for what, n in seen if what == "index")
    assert deferred > 1
    batches = [n for what, n in seen if what == "batch"]
    assert len(batches) == len(staging.batch_sizes(400, staging.available(True)))
    early, idle = _first_reaching(seen, EARLY_INDEXES), _first_reaching(seen, IDLE_INDEXES)
    expected = {
        "busy": [(early, deferred)],
        "late": [(idle, deferred)],
        "late once": [(idle, 1), (early, deferred - 1)],
    }[worker]
    assert _runs_of_builds(seen) == expected
    if early < 400:  # ten scratch files (none attached elsewhere): not at the last batch
        assert seen[-1][0] == "batch"  # built before the last batch


def _send_rows_then_stop(sender, go):
    go.wait()
    sender.send_bytes(pickle.dumps(("rows", "batch 1")))
    sender.close()  # and no "done": the worker stopped early


def test_worker_batches_say_when_the_next_message_is_there():
    from catalogue.corpus import pipeline

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    go = context.Event()
    worker = context.Process(target=_send_rows_then_stop, args=(sender, go), daemon=True)
    worker.start()
    sender.close()
    batches = pipeline.WorkerBatches(receiver, worker)
    try:
        assert not batches.ready()
        go.set()
        assert receiver.poll(30)
        assert batches.ready()
        assert next(batches) == "batch 1"
        worker.join(30)
        assert batches.ready()  # the end is there too: reading it does not wait
        with pytest.raises(pipeline.WorkerError, match="stopped early"):
            next(batches)
    finally:
        receiver.close()
        worker.join(30)


@sqlite_only
@pytest.mark.django_db
def test_deferred_indexes_build_once_whenever_asked():
    from catalogue.corpus import load

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalogue_footnote")
        assert cursor.fetchone()[0] == 0
    before = _indexes()
    with load.deferred_indexes(["catalogue_footnote"]) as deferred:
        assert len(_indexes()) < len(before)
        deferred.build()
        assert _indexes() == before
        assert not deferred.pending
    assert _indexes() == before  # not created twice (that would raise)
