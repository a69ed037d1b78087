"""The SQLite document index stores no texts of its own (external content, see
``catalogue.search.schema.SQLITE_TABLE``): after every kind of write the index holds
exactly what a full rebuild from the catalogue would, FTS5's own check passes, and
snippets read the texts back from the catalogue."""

import pytest
from django.db import connection

from catalogue.models import AgentRole, Document, Footnote
from catalogue.search import get_backend, schema
from tests.factories import (
    AgentFactory,
    AgentNameFactory,
    DocumentAgentFactory,
    DocumentFactory,
    FootnoteFactory,
)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5"),
    pytest.mark.django_db,
]


def index_state():
    """Every token occurrence of the index (term, document, column, offset), FTS5's sizes
    per document, and the gathered texts it was indexed with."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_instances "
            f"USING fts5vocab(main, {schema.FTS_TABLE}, instance)"
        )
        cursor.execute("SELECT term, doc, col, offset FROM temp.fts_instances ORDER BY 1, 2, 3, 4")
        instances = cursor.fetchall()
        cursor.execute(f"SELECT id, sz FROM {schema.FTS_TABLE}_docsize ORDER BY id")
        sizes = cursor.fetchall()
        cursor.execute(f"SELECT * FROM {schema.TEXTS_TABLE} ORDER BY id")
        texts = cursor.fetchall()
    return instances, sizes, texts


def fts_check():
    """FTS5's integrity check, with the index compared to the texts it reads back (the
    ``rank`` argument 1; without it FTS5 checks only the index's own structure), and
    SQLite's."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {schema.FTS_TABLE} ({schema.FTS_TABLE}, rank) "
            "VALUES ('integrity-check', 1)"
        )
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchall() == [("ok",)]


def assert_as_rebuilt():
    fts_check()
    before = index_state()
    count = get_backend().rebuild()
    assert count == Document.objects.count()
    after = index_state()
    assert before == after
    assert len(after[0]) > 0
    fts_check()


def found(word) -> set[int]:
    return set(get_backend().filter(Document.objects.all(), word).values_list("pk", flat=True))


@pytest.fixture
def documents(db):
    drafter = AgentFactory(authorised_name="Alexander Akalovsky")
    AgentNameFactory(agent=drafter, name="Akalovskii")
    docs = []
    for n in range(4):
        doc = DocumentFactory(
            title=f"Telegram {n} on the quarantine", text=f"Ships {n} turned back."
        )
        FootnoteFactory(document=doc, number=1, text=f"Gilpatric's notes {n}.")
        DocumentAgentFactory(document=doc, agent=drafter, role=AgentRole.DRAFTER)
        docs.append(doc)
    return docs, drafter


def test_the_index_stores_no_copy_of_the_texts(documents):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s", [f"{schema.FTS_TABLE}_content"]
        )
        assert cursor.fetchall() == []
        cursor.execute(f"SELECT count(*) FROM {schema.TEXTS_TABLE}")
        assert cursor.fetchone()[0] == len(documents[0])
    assert_as_rebuilt()


def test_writes_of_every_kind_leave_the_index_as_a_rebuild_would(documents):
    docs, drafter = documents
    doc = docs[0]
    doc.title = "Telegram on the blockade"
    doc.text = "Khrushchev replied at noon."
    doc.save()
    Document.objects.filter(pk=docs[1].pk).update(source_note="Source: Ball Papers, Lot 74.")
    Footnote.objects.filter(document=docs[2]).update(text="Rusk's notes.")
    FootnoteFactory(document=docs[2], number=2, text="Second thoughts.")
    Footnote.objects.filter(document=docs[3]).delete()
    other = AgentFactory(authorised_name="Llewellyn Thompson")
    DocumentAgentFactory(document=docs[3], agent=other, role=AgentRole.PARTICIPANT)
    drafter.authorised_name = "A. Akalovsky"
    drafter.save()
    AgentNameFactory(agent=other, name="Tommy")
    docs[1].delete()
    assert found("blockade") == {doc.pk}
    assert found("quarantine") == {docs[2].pk, docs[3].pk}
    assert found("rusk") == {docs[2].pk}
    assert found("gilpatric") == {doc.pk}  # docs[1] deleted, the others rewritten
    assert found("tommy") == {docs[3].pk}
    assert_as_rebuilt()


def test_writes_while_the_triggers_are_paused_then_indexed(documents):
    """What an import batch does: pause, rewrite documents and their children, then
    ``index_documents`` once. The guards still removed the rows before the texts changed."""
    docs, _ = documents
    with connection.cursor() as cursor:
        schema.pause_sqlite_triggers(cursor)
    try:
        Footnote.objects.filter(document=docs[0]).delete()
        FootnoteFactory(document=docs[0], number=3, text="Rewritten note.")
        Document.objects.filter(pk=docs[0].pk).update(text="A revised text.", title="Revised")
        Document.objects.filter(pk=docs[1].pk).update(subject_line="Berlin")
        docs[2].delete()
        get_backend().index_documents([docs[0].pk, docs[1].pk])
    finally:
        with connection.cursor() as cursor:
            schema.resume_sqlite_triggers(cursor)
    assert found("revised") == {docs[0].pk}
    assert found("gilpatric") == {docs[1].pk, docs[3].pk}
    assert found("berlin") == {docs[1].pk}
    assert_as_rebuilt()


def test_a_text_changed_behind_the_guards_fails_the_check(documents):
    """The control: an index that no longer matches the texts it reads back is caught by
    FTS5's check (and by the comparison with a rebuild)."""
    docs, _ = documents
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER main.catalogue_search_doc_text")
        cursor.execute(
            "UPDATE catalogue_document SET text = 'Altered.' WHERE id = %s", [docs[0].pk]
        )
    with pytest.raises(Exception, match="malformed|corrupt"):
        fts_check()


def test_the_guards_survive_the_import_pause_and_the_trigger_drop(documents):
    with connection.cursor() as cursor:
        schema._drop_sqlite_triggers(cursor)
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    assert {f"catalogue_search_{name}" for name, *_ in schema.SQLITE_GUARDS} <= names
    schema.install(connection)


def test_snippets_read_the_texts_back(documents):
    docs, _ = documents
    snippets = get_backend().snippets([docs[0].pk], "ships")
    assert "<mark>Ships</mark> 0 turned back." in snippets[docs[0].pk]
    noted = get_backend().snippets([docs[1].pk], "gilpatric")
    assert "<mark>Gilpatric" in noted[docs[1].pk]


def test_clear_and_rebuild(documents):
    docs, _ = documents
    get_backend().clear()
    assert get_backend().indexed_count() == 0
    assert found("quarantine") == set()
    fts_check()
    assert get_backend().rebuild() == len(docs)
    assert found("quarantine") == {d.pk for d in docs}
    assert_as_rebuilt()
