"""An import batch writes with its connection's triggers off (SQLite) or the search
triggers disabled (PostgreSQL) and brings the derived tables up to date itself. After
every path — created, updated, failed half-way — the facet rows, the agent keys and the
search index must equal a full rebuild, the triggers must all be there, and they must
fire again for the next write."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from catalogue import models as m
from catalogue.search import facets, get_backend, schema
from catalogue.services import cataloguing
from catalogue.services.cataloguing import indexing
from catalogue.services.cataloguing.triggers import set_triggers, triggers_enabled
from catalogue.services.importing import discover, run_import

TEXTS = Path(__file__).resolve().parent.parent / "importers" / "texts"
SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
TELEGRAM = SEEDS / "003_4f44f1490693370c.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(TEXTS, root / "a")
    shutil.copytree(SEEDS, root / "b")
    return root


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def derived() -> dict:
    """The facet rows, agent keys and both search indexes, in key order. PostgreSQL
    concatenates a document's notes and agents in whatever order its plan reads them
    (an incremental index and a rebuild may differ): there, their words are compared
    as sorted lists and the vector as its lexemes."""
    if connection.vendor == "sqlite":
        search = _rows(
            f"SELECT rowid, title, body, notes, agents, agent_keys FROM {schema.FTS_TABLE} "
            "ORDER BY rowid"
        )
        agents = _rows(f"SELECT rowid, names FROM {schema.AGENT_TABLE} ORDER BY rowid")
    else:
        search = [
            (rowid, title, body, sorted(notes.split()), sorted(agents.split()), lexemes)
            for rowid, title, body, notes, agents, lexemes in _rows(
                "SELECT rowid, title, body, notes, agents, strip(vector)::text "
                f"FROM {schema.PG_TABLE} ORDER BY rowid"
            )
        ]
        agents = [
            (rowid, sorted(names.split()), lexemes)
            for rowid, names, lexemes in _rows(
                f"SELECT rowid, names, strip(vector)::text FROM {schema.AGENT_TABLE} ORDER BY rowid"
            )
        ]
    return {
        "facets": _rows(f"SELECT * FROM {facets.FACETS_TABLE} ORDER BY document_id"),
        "keys": _rows(f"SELECT * FROM {facets.AGENT_KEYS_TABLE} ORDER BY 1, 2"),
        "search": search,
        "agents": agents,
    }


def check_index():
    """SQLite: FTS5's own check that its index matches the texts it was built from."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {schema.FTS_TABLE} ({schema.FTS_TABLE}, rank) "
                "VALUES ('integrity-check', 1)"
            )


def rebuilt() -> dict:
    facets.rebuild(connection)
    get_backend().rebuild()
    return derived()


def triggers() -> list[str]:
    """Names of the search and facet triggers, enabled ones only on PostgreSQL."""
    if connection.vendor == "sqlite":
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
            "(name LIKE 'catalogue_search_%' OR name LIKE 'catalogue_facets_%') ORDER BY name"
        )
    else:
        sql = (
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' AND "
            "(tgname LIKE 'catalogue_search_%%' OR tgname LIKE 'catalogue_facets_%%') "
            "ORDER BY tgname"
        )
    return [name for (name,) in _rows(sql)]


def stamp():
    return facets.change_stamp()


def assert_triggers_back(expected: list[str]):
    assert triggers() == expected
    if connection.vendor == "sqlite":
        assert triggers_enabled(connection.connection) is True


def assert_triggers_fire():
    """A later edit goes through the triggers: the facet row and the index follow."""
    doc = m.Document.objects.order_by("pk").first()
    before = stamp()
    m.Document.objects.filter(pk=doc.pk).update(status=m.PublicationStatus.WITHDRAWN)
    assert _rows(f"SELECT status FROM {facets.FACETS_TABLE} WHERE document_id = {doc.pk}") == [
        (m.PublicationStatus.WITHDRAWN,)
    ]
    m.Footnote.objects.create(document=doc, number=99, text="Zanzibarian marginalia")
    assert list(m.Document.objects.search("Zanzibarian")) == [doc]
    assert stamp() != before


def test_created_documents_leave_the_derived_tables_as_a_rebuild(corpus):
    expected = triggers()
    before = stamp()
    summary = run_import(discover([str(corpus)]))
    assert summary.count("created") >= 20 and not summary.failures
    after = derived()
    assert len(after["facets"]) == m.Document.objects.count()
    assert len(after["keys"]) == m.DocumentAgent.objects.count() > 0
    check_index()
    assert after == rebuilt()
    assert stamp() != before
    assert_triggers_back(expected)
    assert_triggers_fire()


def test_updated_documents_leave_the_derived_tables_as_a_rebuild(corpus):
    run_import(discover([str(corpus)]))
    doc = m.Document.objects.get(message_number="1581")
    first = derived()
    roles_before = set(doc.agent_roles.values_list("agent__authorised_name", "role"))
    (unit_before, time_before, status_before) = (doc.unit_id, doc.time, doc.status)

    text = TELEGRAM.read_text()
    revised = (
        text.replace("10:50 p.m.", "11:55 p.m.")
        .replace("handwritten notes on this meeting", "typed notes on the meeting")
        .replace("NYFRC 84-84-001, October-November Meetings", "NYFRC 90-12-007, Later Meetings")
        .replace("Drafted by Akalovsky and concurred in by McCloy", "Drafted by Stevenson")
        .replace("exchange of pleasantries", "exchange of courtesies")
    )
    assert revised != text
    (corpus / "b" / TELEGRAM.name).write_text(revised)
    expected = triggers()
    before = stamp()
    summary = run_import(discover([str(corpus)]), publish=True)
    assert summary.count("updated") >= 1 and not summary.failures

    doc.refresh_from_db()
    assert doc.time != time_before and doc.unit_id != unit_before
    assert doc.status != status_before == m.PublicationStatus.DRAFT
    assert set(doc.agent_roles.values_list("agent__authorised_name", "role")) != roles_before
    assert "typed notes" in doc.footnotes.get(number=1).text
    # The body's words as indexed: the old one gone (removed with the text it was
    # indexed with), the new one found.
    assert not m.Document.objects.search("pleasantries").filter(pk=doc.pk).exists()
    assert list(m.Document.objects.search("courtesies")) == [doc]
    after = derived()
    assert after != first
    check_index()
    assert after == rebuilt()
    assert stamp() != before
    assert_triggers_back(expected)
    assert_triggers_fire()


def test_a_batch_failing_half_way_leaves_the_derived_tables_unchanged(corpus, monkeypatch):
    run_import(discover([str(corpus / "b")]))
    documents = m.Document.objects.count()
    expected, first, before = triggers(), derived(), stamp()
    real = cataloguing._write_children

    def write_then_fail(*args, **kwargs):
        real(*args, **kwargs)  # the rows are written, with the triggers off
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cataloguing, "_write_children", write_then_fail)
    summary = run_import(discover([str(corpus / "a")]))
    assert summary.count("failed") >= 10 and not summary.count("created")
    assert m.Document.objects.count() == documents
    assert derived() == first
    assert stamp() == before
    assert_triggers_back(expected)
    monkeypatch.undo()
    assert first == rebuilt()
    assert_triggers_fire()


def test_a_second_connection_keeps_the_triggers_while_a_batch_is_open(corpus, monkeypatch):
    """SQLite: the batch changes no schema (readers that open the FTS5 table while a
    schema change commits fail) and no other connection stops firing triggers."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite connection setting")
    expected = triggers()
    name = connection.settings_dict["NAME"]
    if connection.is_in_memory_db():
        name = connection.creation._get_test_db_name()  # the shared in-memory URI
    seen = []
    real_index = indexing.OnceIndexer.index

    def look(self, *args, **kwargs):
        other = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            names = [
                n
                for (n,) in other.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                    "(name LIKE 'catalogue_search_%' OR name LIKE 'catalogue_facets_%') "
                    "ORDER BY name"
                )
            ]
            seen.append((names, triggers_enabled(other), triggers_enabled(connection.connection)))
        finally:
            other.close()
        return real_index(self, *args, **kwargs)

    monkeypatch.setattr(indexing.OnceIndexer, "index", look)
    run_import(discover([str(corpus)]))
    assert seen and all(state == (expected, True, False) for state in seen)
    assert_triggers_back(expected)


def test_switch_is_per_connection_and_changes_no_schema(tmp_path):
    """The SQLite setting underneath: one connection stops firing triggers, another
    (reading during the write, WAL) still sees and fires them; no schema change."""
    path = tmp_path / "t.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT NOT NULL)")
    writer.execute("CREATE TABLE log (x TEXT)")
    writer.execute(
        "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN INSERT INTO log VALUES (NEW.x); END"
    )
    reader = sqlite3.connect(path, isolation_level=None)
    version = reader.execute("PRAGMA schema_version").fetchone()[0]
    if triggers_enabled(writer) is None:
        pytest.skip("no way to switch SQLite triggers from this Python")

    writer.execute("BEGIN IMMEDIATE")
    assert set_triggers(writer, False) and triggers_enabled(writer) is False
    writer.execute("INSERT INTO t (x) VALUES ('quiet')")
    assert writer.execute("SELECT count(*) FROM log").fetchone()[0] == 0
    assert reader.execute("PRAGMA schema_version").fetchone()[0] == version
    assert (
        reader.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
        == 1
    )
    assert triggers_enabled(reader) is True
    writer.execute("COMMIT")
    reader.execute("INSERT INTO t (x) VALUES ('reader')")
    assert set_triggers(writer, True) and triggers_enabled(writer) is True
    writer.execute("INSERT INTO t (x) VALUES ('writer')")
    assert [x for (x,) in reader.execute("SELECT x FROM log ORDER BY rowid")] == [
        "reader",
        "writer",
    ]
    assert reader.execute("PRAGMA schema_version").fetchone()[0] == version
