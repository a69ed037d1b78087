"""A generated catalogue is written behind the ORM's back (executemany / COPY), so check
that its rows are what the models would have produced: derived fields equal what
``save()`` computes, every sampled row passes model validation, and the load puts back
every index and trigger it suspended."""

import pytest
from django.db import IntegrityError, connection, transaction

from catalogue.corpus import generate_corpus, load
from catalogue.models import (
    Agent,
    AgentName,
    ArchivalUnit,
    Citation,
    Document,
    DocumentAgent,
    DocumentRelation,
    EventAgent,
    Footnote,
    Position,
    ProvenanceEvent,
)


def _sample(model, every=9):
    return list(model.objects.order_by("pk"))[::every]


@pytest.fixture
def corpus(db):
    return generate_corpus(documents=180, seed=31)


def test_documents_carry_what_save_derives_and_validate(corpus):
    for doc in _sample(Document):
        doc.full_clean()
        stored = (doc.slug, doc.version, doc.identity_key)
        doc.slug = ""
        doc.save()
        doc.refresh_from_db()
        assert (doc.slug, doc.version, doc.identity_key) == stored
        assert doc.identity_key.startswith("corpus:31:")


def test_units_agents_and_names_carry_what_save_derives(corpus):
    units = _sample(ArchivalUnit, every=5)
    assert units
    for unit in units:
        unit.full_clean()
        stored = (unit.tree_path, unit.depth, unit.slug)
        unit.tree_path, unit.depth, unit.slug = "", 0, ""
        unit.save()
        unit.refresh_from_db()
        assert (unit.tree_path, unit.depth, unit.slug) == stored
    for agent in _sample(Agent, every=7):
        agent.full_clean()
        stored = (agent.normalised_name, agent.slug, agent.sort_name)
        agent.normalised_name, agent.slug = "", ""
        agent.save()
        agent.refresh_from_db()
        assert (agent.normalised_name, agent.slug, agent.sort_name) == stored
    for name in _sample(AgentName, every=11):
        stored = name.normalised
        name.normalised = ""
        name.save()
        name.refresh_from_db()
        assert name.normalised == stored


@pytest.mark.parametrize(
    "model",
    [Footnote, DocumentAgent, ProvenanceEvent, EventAgent, Citation, DocumentRelation, Position],
)
def test_child_rows_pass_model_validation(corpus, model):
    rows = _sample(model, every=13)
    assert rows
    for row in rows:
        row.full_clean()


def _schema_objects():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master "
                "WHERE type IN ('index', 'trigger') ORDER BY type, name"
            )
        else:
            cursor.execute(
                "SELECT 'index', indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() "
                "UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgenabled <> 'D' ORDER BY 1, 2"
            )
        return cursor.fetchall()


@pytest.mark.django_db
@pytest.mark.parametrize("parallel", [False, True])
def test_load_puts_back_every_index_and_trigger_it_suspended(parallel):
    before = _schema_objects()
    assert any(kind == "index" for kind, *_ in before)
    generate_corpus(documents=40, seed=32, parallel=parallel)
    assert _schema_objects() == before


def _document_indexes(cursor):
    return dict(load._secondary_indexes(cursor, "catalogue_document"))


@pytest.mark.django_db(transaction=True)
def test_documents_indexes_over_leading_columns_are_the_only_ones_deferred():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: the column order decides what a build reads")
    with connection.cursor() as cursor:
        cursor.execute('PRAGMA table_info("catalogue_document")')
        order = [row[1] for row in cursor.fetchall()]
        late = set(order[order.index("text") :])
        before = _document_indexes(cursor)
        with (
            transaction.atomic(),
            load.deferred_indexes(
                ["catalogue_document"], stored_before={"catalogue_document": "text"}
            ),
        ):
            during = _document_indexes(cursor)
        after = _document_indexes(cursor)
    dropped = set(before) - set(during)
    assert dropped and during
    assert {"catalogue_document_date_398a987e", "document_date_order"} <= dropped
    assert {"document_status_date", "document_unkeyed_checksum"} <= set(during)
    for name in during:
        body = before[name].split(" ON ", 1)[1]
        assert any(column in body for column in late), name
    for name in dropped:
        body = before[name].split(" ON ", 1)[1]
        assert not any(f'"{column}"' in body or f" {column}" in body for column in late), name
    assert after == before


@pytest.mark.django_db
def test_foreign_keys_are_checked_once_after_an_unchecked_load():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite checks foreign keys as rows go in")
    generate_corpus(documents=10, seed=33)
    tables = ["catalogue_footnote"]
    with (
        pytest.raises(IntegrityError, match="catalogue_document"),
        transaction.atomic(),
        load.postgres_foreign_keys_checked_once(tables),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO catalogue_footnote (document_id, number, text, kind, anchor_text) "
            "VALUES (987654321, 1, 'dangling', 'note', '')"
        )
    assert not Footnote.objects.filter(document_id=987654321).exists()
