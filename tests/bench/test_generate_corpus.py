"""The synthetic corpus: deterministic for a seed, realistic in shape, importable."""

import collections
import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from catalogue.corpus import CorpusError, generate_corpus, plan_corpus, render_text
from catalogue.corpus import vocabulary as v
from catalogue.corpus.writer import DOCUMENT_COLUMNS
from catalogue.models import (
    Agent,
    AgentName,
    ArchivalUnit,
    Citation,
    Document,
    DocumentAgent,
    Footnote,
    ProvenanceEvent,
)
from catalogue.search import get_backend


def planned(n, seed, publish_ratio=0.9):
    _auth, stream = plan_corpus(n, seed, publish_ratio)
    return list(stream)


def test_same_seed_same_corpus_and_other_seed_another():
    first = [render_text(d) for d in planned(120, seed=7)]
    again = [render_text(d) for d in planned(120, seed=7)]
    other = [render_text(d) for d in planned(120, seed=8)]
    assert first == again
    assert len(set(first)) == 120
    assert sum(a != b for a, b in zip(first, other, strict=True)) > 110


def test_plan_has_the_shape_of_the_collection():
    docs = planned(3000, seed=11)
    types = collections.Counter(d.doc_type for d in docs)
    assert types.most_common(1)[0][0] == "telegram"
    assert 0.30 < types["telegram"] / len(docs) < 0.46
    assert len(types) >= 12
    dated = [d for d in docs if d.date]
    assert all(v.CRISIS_START <= d.date <= v.CRISIS_END for d in dated)
    peak = sum(v.PEAK_START <= d.date <= v.PEAK_END for d in dated)
    assert peak / len(dated) > 0.5  # the thirteen days dominate, as in the volume
    assert sum(bool(d.time) for d in docs) / len(docs) > 0.4
    published = sum(d.status == "published" for d in docs) / len(docs)
    assert 0.87 < published < 0.93
    notes = [len(d.footnotes) for d in docs]
    assert 1.5 < sum(notes) / len(notes) < 3.0 and max(notes) >= 6 and min(notes) == 0
    words = sorted(d.body.count(" ") for d in docs)
    assert 200 < words[len(words) // 2] < 900  # median length of a FRUS document
    assert words[-1] > 5 * words[len(words) // 2]  # with a long tail
    for d in docs:
        markers = [int(m) for m in re.findall(r"\((\d+)\)", d.body)]
        assert markers == [n.number for n in d.footnotes]
        for note in d.footnotes:
            assert d.body[note.offset : note.offset + len(f"({note.number})")] == f"({note.number})"
        if d.doc_type != "editorial_note":
            assert d.unit is not None and d.classification and d.source_note.startswith("Source: ")
        assert d.events and d.events[-1].event_type == "transcribed"


@pytest.mark.django_db
@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "worker"])
def test_database_corpus_matches_the_plan_row_for_row(parallel):
    # Small batches: the worker hands over several, and cross-references span them.
    result = generate_corpus(documents=150, seed=3, parallel=parallel, batch_size=40)
    assert result.documents == 150 == Document.objects.count()
    docs = list(Document.objects.order_by("pk"))
    plan = planned(150, seed=3)
    assert [d.raw_text for d in docs] == [render_text(p) for p in plan]
    assert [d.text for d in docs] == [p.body for p in plan]
    assert [d.identity_key for d in docs] == [p.identity_key for p in plan]
    assert [d.status for d in docs] == [p.status for p in plan]
    assert Footnote.objects.count() == sum(len(p.footnotes) for p in plan)
    assert ProvenanceEvent.objects.count() == sum(len(p.events) for p in plan)
    assert DocumentAgent.objects.count() == sum(len(p.roles) for p in plan)
    assert result.rows["events"] == ProvenanceEvent.objects.count()


@pytest.mark.django_db
def test_every_record_is_complete_and_linked():
    generate_corpus(documents=200, seed=5)
    for doc in Document.objects.exclude(doc_type__key="editorial_note"):
        assert doc.unit_id and doc.classification_id and doc.source_note
    assert not Document.objects.annotate(n=Count("events")).filter(n=0).exists()
    assert not Document.objects.annotate(n=Count("citations")).filter(n__lt=2).exists()
    # Units form a tree whose derived paths agree with the parent chain.
    for unit in ArchivalUnit.objects.select_related("parent"):
        parent_path = unit.parent.tree_path if unit.parent_id else "/"
        assert unit.tree_path == f"{parent_path}{unit.pk}/"
        assert unit.repository_id == (
            unit.parent.repository_id if unit.parent_id else unit.repository_id
        )
    # Agents carry their variant names, e.g. the transliteration Kuznetzov.
    kuznetsov = Agent.objects.get(authorised_name="Vasily V. Kuznetsov")
    assert AgentName.objects.filter(agent=kuznetsov, name="Kuznetzov").exists()
    assert kuznetsov.positions.exists()
    # Telegrams are sent by offices, and filing events point at the document's unit.
    telegram = Document.objects.filter(doc_type__key="telegram").first()
    assert telegram.sender.kind == "organisation"
    filed = telegram.events.get(event_type="filed")
    assert filed.unit_id == telegram.unit_id
    assert Citation.objects.filter(kind="published_in", document=telegram).exists()


@pytest.mark.django_db
def test_search_index_is_in_sync_and_triggers_are_back():
    generate_corpus(documents=150, seed=21)
    backend = get_backend()
    if backend.name == "substring":
        pytest.skip("no full-text engine on this database")
    assert backend.indexed_count() == Document.objects.count()
    word = "Scabbards"
    containing = set(Document.objects.filter(text__icontains=word).values_list("pk", flat=True))
    found = set(Document.objects.search(word).values_list("pk", flat=True))
    assert found == containing
    # The per-row triggers were restored: an ORM edit reaches the index.
    doc = Document.objects.order_by("pk").first()
    doc.title = "Zanzibarian telegram"
    doc.save()
    assert list(Document.objects.search("Zanzibarian").values_list("pk", flat=True)) == [doc.pk]


@pytest.mark.django_db
def test_second_run_adds_a_corpus_and_reuses_authorities():
    generate_corpus(documents=60, seed=1)
    units = ArchivalUnit.objects.count()
    generate_corpus(documents=60, seed=2)
    assert Document.objects.count() == 120
    # The real people, offices and the arrangement are matched, not duplicated.
    assert Agent.objects.filter(authorised_name="Dean Rusk").count() == 1
    assert Agent.objects.filter(authorised_name="Department of State").count() == 1
    assert ArchivalUnit.objects.count() == units
    assert Document.objects.filter(identity_key__startswith="corpus:2:").count() == 60
    # A fresh catalogue's index is built whole, the second run's documents added to it.
    backend = get_backend()
    if backend.name != "substring":
        assert backend.indexed_count() == 120
        for seed in (1, 2):
            titles = dict(
                Document.objects.filter(identity_key__startswith=f"corpus:{seed}:").values_list(
                    "pk", "title"
                )
            )
            words = [w for t in titles.values() for w in t.split() if w.isalpha() and len(w) > 5]
            word = min(sorted(set(words)), key=words.count)  # the run's rarest, by name on ties
            titled = {pk for pk, title in titles.items() if word in title.split()}
            found = set(Document.objects.search(word).values_list("pk", flat=True))
            assert titled and titled <= found, word
    with pytest.raises(CorpusError, match="seed 1"):
        generate_corpus(documents=10, seed=1)
    assert Document.objects.count() == 120


def test_text_files_parse_with_the_importer(tmp_path):
    avalon = pytest.importorskip("catalogue.importers.avalon")
    result = generate_corpus(documents=60, seed=9, text_dir=tmp_path, to_database=False)
    files = sorted(tmp_path.glob("*.txt"))
    assert result.files_written == 60 == len(files)
    by_index = {p.index: p for p in planned(60, seed=9)}
    for path in files:
        plan = by_index[int(path.name.split("_")[0])]
        parsed = avalon.parse_document(path.read_bytes(), filename=path.name, max_bytes=2_000_000)
        assert parsed.doc_type == plan.doc_type
        assert (parsed.date.value if parsed.date else None) == plan.date
        assert [f.number for f in parsed.footnotes] == [f.number for f in plan.footnotes]
        if plan.source_note:
            note = parsed.source_note
            assert note.classification.lower().replace(" ", "-") == plan.classification
            assert note.location is not None and note.location.units


@pytest.mark.django_db
def test_command_summary_dry_run_and_bad_input(tmp_path):
    from io import StringIO

    out = StringIO()
    call_command("generate_corpus", "--documents", "25", "--seed", "4", "--dry-run", stdout=out)
    assert "Planned (dry run, nothing written) 25 documents" in out.getvalue()
    assert Document.objects.count() == 0
    out = StringIO()
    call_command("generate_corpus", "--documents", "25", "--seed", "4", stdout=out)
    assert "Generated 25 documents" in out.getvalue()
    assert Document.objects.count() == 25
    out = StringIO()
    call_command(
        "generate_corpus", "--documents", "5", "--seed", "6", "--single-process", stdout=out
    )
    assert "Generated 5 documents" in out.getvalue()
    assert Document.objects.count() == 30
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_corpus", "--documents", "0")
    with pytest.raises(CommandError, match="publish-ratio"):
        call_command("generate_corpus", "--documents", "5", "--publish-ratio", "2")
    target = tmp_path / "a-file"
    target.write_text("x")
    with pytest.raises(CommandError, match="not a directory"):
        call_command("generate_corpus", "--documents", "5", "--text-dir", str(target))


def test_dates_of_events_follow_the_document():
    for d in planned(300, seed=13):
        for event in d.events:
            if event.event_type in ("drafted", "sent", "received", "filed"):
                assert event.date == d.date
            if event.event_type == "transferred":
                assert event.date >= dt.date(1962, 1, 1) and event.precision == "year"


def _table_rows(model, exclude=("created_at", "updated_at")):
    columns = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
    return list(model.objects.order_by("pk").values_list(*columns))


@pytest.mark.django_db
@pytest.mark.parametrize("first_batch", [None, 8], ids=["even-batches", "tapered-batches"])
def test_worker_and_in_process_write_the_same_rows(monkeypatch, first_batch):
    from catalogue.corpus import pipeline
    from catalogue.models import EventAgent

    models = [Document, Footnote, DocumentAgent, ProvenanceEvent, EventAgent, Citation]
    generate_corpus(documents=120, seed=17, parallel=False, batch_size=50)
    alone = {m: _table_rows(m) for m in models}
    first = Document.objects.order_by("pk").first().pk
    Document.objects.all().delete()
    monkeypatch.setattr(pipeline, "FIRST_BATCH", first_batch)
    generate_corpus(documents=120, seed=17, parallel=True, batch_size=50)
    shift = Document.objects.order_by("pk").first().pk - first
    again = {m: _table_rows(m) for m in models}
    # Same documents with ids shifted by the deleted run; same child rows per document.
    assert [r[1:] for r in again[Document]] == [r[1:] for r in alone[Document]]
    assert shift > 0
    for model in models[1:]:
        assert len(again[model]) == len(alone[model]) > 0


@pytest.mark.django_db
def test_worker_failure_rolls_back_everything(tmp_path):
    from catalogue.corpus.pipeline import WorkerError
    from catalogue.corpus.text import file_name

    # A directory where the 30th text file should go: the worker fails mid-corpus.
    blocked = planned(30, seed=23)[29]
    (tmp_path / file_name(blocked)).mkdir()
    agents = Agent.objects.count()
    with pytest.raises(WorkerError, match="IsADirectoryError"):
        generate_corpus(
            documents=60, seed=23, text_dir=tmp_path, to_database=True, parallel=True, batch_size=10
        )
    assert Document.objects.count() == 0
    assert Footnote.objects.count() == ProvenanceEvent.objects.count() == 0
    assert Agent.objects.count() == agents
    # Whatever the load suspended was put back: the next load works.
    generate_corpus(documents=5, seed=24)
    assert Document.objects.count() == 5


@pytest.mark.django_db
def test_body_sent_once_is_cut_out_at_the_right_character():
    # SQLite takes ``text`` out of ``raw_text`` by the str index Python computed: the
    # two must count characters alike before a non-ASCII heading and dateline.
    import dataclasses

    from django.db import connection

    from catalogue.corpus.text import render_text_and_body_start
    from catalogue.corpus.writer import CorpusWriter, Lookups

    doc = dataclasses.replace(
        planned(1, seed=5)[0],
        heading="Osvaldo Dorticós – “Message”",
        dateline="Habana, 23 de octubre",
    )
    raw, start = render_text_and_body_start(doc)
    assert raw[start : start + len(doc.body)] == doc.body
    assert not raw[:start].isascii()
    writer = CorpusWriter(Lookups())
    if writer.document_values is None:
        pytest.skip("SQLite only: PostgreSQL is sent the body itself")
    expression = re.search(r"substr\([^)]*\)", writer.document_values)[0]
    params = [None] * (len(writer.document_columns) + 1)
    params[DOCUMENT_COLUMNS.index("raw_text")] = raw
    params[DOCUMENT_COLUMNS.index("text")] = start + 1
    params[-1] = len(doc.body)
    numbered = "".join(f", ?{i + 1}" for i in range(len(params)))  # bind them all
    connection.ensure_connection()  # the raw sqlite3 connection, as the writer's sink
    row = connection.connection.execute(f"SELECT {expression}, coalesce(NULL{numbered})", params)
    assert row.fetchone()[0] == doc.body


@pytest.mark.parametrize("total", [1, 7, 300, 1000, 20000])
def test_batch_sizes_ramp_up_and_taper_off(total):
    from catalogue.corpus.pipeline import _batch_sizes

    sizes, done = [], 0
    for size in _batch_sizes(2000, 250, total):
        sizes.append(size)
        done += size
        if done >= total:
            break
    assert sizes[0] == 250
    assert max(sizes) <= 2000
    assert sizes[-1] == 250  # the last batch (cut short by the stream's end) is small
    if total >= 10000:
        assert sizes.count(2000) >= total // 2000 - 3
        assert sizes[:4] == [250, 500, 1000, 2000]


def test_batch_sizes_without_a_first_batch_are_even():
    from catalogue.corpus.pipeline import _batch_sizes

    sizes = _batch_sizes(40, None, 1000)
    assert [next(sizes) for _ in range(5)] == [40] * 5
    sizes = _batch_sizes(40, 250, 1000)
    assert [next(sizes) for _ in range(5)] == [40] * 5


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 99, 100, 250])
def test_sink_writes_every_row_in_order_whatever_the_count(count):
    # SQLite binds ROWS_PER_STATEMENT rows per executed INSERT, the rest one by one.
    from django.db import connection

    from catalogue.corpus.writer.sink import RowSink

    with connection.cursor() as cursor:
        key = "INTEGER PRIMARY KEY" if connection.vendor == "sqlite" else "serial PRIMARY KEY"
        cursor.execute(f"CREATE TEMPORARY TABLE corpus_sink_probe (id {key}, a text, b integer)")
    rows = [(f"a{i}", i * 3) for i in range(count)]
    RowSink().insert("corpus_sink_probe", ["a", "b"], rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, a, b FROM corpus_sink_probe ORDER BY id")
        found = cursor.fetchall()
        cursor.execute("DROP TABLE corpus_sink_probe")
    first = found[0][0]
    assert found == [(first + i, a, b) for i, (a, b) in enumerate(rows)]


@pytest.mark.django_db
def test_sink_refuses_a_row_of_another_width():
    from django.db import connection

    from catalogue.corpus.writer.sink import ROWS_PER_STATEMENT, RowSink

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL loads with COPY")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE corpus_sink_probe (a, b)")
    rows = [("x", 1)] * ROWS_PER_STATEMENT
    rows[5] = ("x", 1, "stray")
    rows[6] = ("x",)  # the total still matches: a per-row check sees it
    with pytest.raises(Exception, match="bindings|values"):
        RowSink().insert("corpus_sink_probe", ["a", "b"], rows)


@pytest.mark.django_db(transaction=True)
def test_postgres_load_ends_vacuumed_outside_a_transaction():
    """After a committed load the loaded tables are vacuumed (visibility map and hint
    bits, as production's would be), not only analysed; SQLite has neither."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's VACUUM")

    def vacuums() -> dict[str, int]:
        # Whether VACUUM could mark pages all-visible depends on other sessions (a
        # replica's feedback holds the horizon back); that it ran does not.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT relname, vacuum_count FROM pg_stat_user_tables "
                "WHERE relname IN ('catalogue_document', 'catalogue_footnote')"
            )
            return dict(cursor.fetchall())

    before = vacuums()
    generate_corpus(documents=40, seed=5)
    after = vacuums()
    assert sorted(after) == ["catalogue_document", "catalogue_footnote"]
    for table, count in after.items():
        assert count == before.get(table, 0) + 1, table


@pytest.mark.django_db
def test_a_bulk_load_leaves_the_search_index_compacted():
    """Indexed chunk by chunk, FTS5 stops half-way through a merge that each later
    import batch would pay to continue."""
    from catalogue.corpus import sync_search_index
    from tests.factories import DocumentFactory
    from tests.search.helpers import index_segments

    if get_backend().name != "sqlite-fts5":
        pytest.skip("FTS5's segments")
    documents = [DocumentFactory(title=f"Uniform {n}") for n in range(5)]
    assert index_segments() > 1
    sync_search_index([d.pk for d in documents], full=False)
    assert index_segments() == 1
    found = set(Document.objects.search("uniform").values_list("pk", flat=True))
    assert found == {d.pk for d in documents}
