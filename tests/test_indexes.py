"""Migration 0013 dropped indexes an import wrote and nothing read: every lookup those
indexes used to serve is still served by an index (the composite one its column leads),
the history tables keep the indexes history is read by, and the migration only drops
indexes, so ``migrate`` does not rebuild the search index for it."""

import datetime
from importlib import import_module

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.lookups import IsNull

from catalogue.models import (
    AgentName,
    Citation,
    DatePrecision,
    Document,
    DocumentAgent,
    EventAgent,
    Footnote,
    ProvenanceEvent,
)
from catalogue.search import install
from tests import factories

MIGRATION = import_module("catalogue.migrations.0013_index_diet")

# Each lookup a dropped index served: (label, queryset, column, the index serving it now).
LOOKUPS = [
    (
        "roles of an agent",
        lambda: DocumentAgent.objects.filter(agent_id=1),
        "agent_id",
        "documentagent_agent_role",
    ),
    (
        "an agent's roles of one kind",
        lambda: DocumentAgent.objects.filter(agent_id=1, role="sender"),
        "role",
        "documentagent_agent_role",
    ),
    (
        "roles in a document",
        lambda: DocumentAgent.objects.filter(document_id=1),
        "document_id",
        None,
    ),
    ("a document's footnotes", lambda: Footnote.objects.filter(document_id=1), "document_id", None),
    ("agents of an event", lambda: EventAgent.objects.filter(event_id=1), "event_id", None),
    ("names of an agent", lambda: AgentName.objects.filter(agent_id=1), "agent_id", None),
    (
        "citations of a publication",
        lambda: Citation.objects.filter(publication_id=1),
        "publication_id",
        "citation_publication_number",
    ),
    (
        "documents in a unit",
        lambda: Document.objects.filter(unit_id=1),
        "unit_id",
        "document_unit_status",
    ),
    (
        "documents of a type",
        lambda: Document.objects.filter(doc_type_id=1),
        "doc_type_id",
        "document_type_status",
    ),
    (
        "documents of a classification",
        lambda: Document.objects.filter(classification_id=1),
        "classification_id",
        "document_class_status",
    ),
    ("documents by status", lambda: Document.objects.filter(status="published"), "status", None),
    ("a document's history", lambda: Document.history.filter(id=1), "id", None),
    (
        "events of a document",
        lambda: ProvenanceEvent.objects.filter(document_id=1),
        "document_id",
        None,
    ),
]


def plan_of(queryset) -> str:
    """The database's plan for ``queryset`` without its ordering; on PostgreSQL with
    sequential scans priced out, so an index appears whenever one can serve the filter
    (over a test database's handful of rows the planner would otherwise rightly prefer
    a scan)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.order_by().explain()


def searched_by_index(plan: str, table: str, column: str) -> bool:
    """Whether the plan looks ``column`` up in an index (not a scan that filters it)."""
    if connection.vendor == "sqlite":
        return any(
            line.split("SEARCH ", 1)[1].startswith(f"{table} USING") and f"{column}=?" in line
            for line in plan.splitlines()
            if "SEARCH " in line
        )
    return any("Index Cond" in line and column in line for line in plan.splitlines())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "build", "column", "index"), LOOKUPS, ids=[lookup[0] for lookup in LOOKUPS]
)
def test_each_lookup_of_a_dropped_index_still_uses_an_index(label, build, column, index):
    queryset = build()
    plan = plan_of(queryset)
    assert searched_by_index(plan, queryset.model._meta.db_table, column), plan
    # Which index: on SQLite only. PostgreSQL plans these over empty tables, where
    # every index that holds the column costs the same and the choice is a tie.
    if index and connection.vendor == "sqlite":
        assert index in plan, plan


@pytest.mark.django_db
def test_a_lookup_no_index_serves_is_not_searched_by_index():
    """The check above can fail: a document's place has no index (only ``icontains``,
    which no index serves, ever searches it)."""
    plan = plan_of(Document.objects.filter(place="Moscow"))
    assert not searched_by_index(plan, "catalogue_document", "place"), plan
    assert "place" in plan or connection.vendor == "sqlite"


@pytest.mark.django_db
def test_a_message_number_is_looked_up_in_the_index_of_numbered_documents():
    """0018: the admin's search by number reads ``document_message_number``; the
    documents without a number are not in it, and are never found by an empty one."""
    numbered = factories.DocumentFactory(message_number="1581")
    factories.DocumentFactory(message_number="")
    plan = plan_of(Document.objects.numbered("1581"))
    assert searched_by_index(plan, "catalogue_document", "message_number"), plan
    assert "document_message_number" in plan, plan
    assert list(Document.objects.numbered("1581")) == [numbered]
    assert not Document.objects.numbered("").exists()
    # ``numbered`` writes the index's condition out because SQLite (3.40) does not
    # prove that "1581" is not "" by itself; PostgreSQL does.
    if connection.vendor == "postgresql":
        plain = plan_of(Document.objects.filter(message_number="1581"))
        assert "document_message_number" in plain, plain


MESSAGE_NUMBER_MIGRATION = import_module("catalogue.migrations.0018_message_number_index")


def test_0018_only_adds_an_index_so_migrate_does_not_reindex():
    migration = MESSAGE_NUMBER_MIGRATION.Migration("0018_message_number_index", "catalogue")
    assert not install.plan_may_write([(migration, False)])
    assert not install.plan_may_write([(migration, True)])
    assert [op.__class__.__name__ for op in migration.operations] == ["AddIndex"]


def indexed_columns(table: str) -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        tuple(c["columns"])
        for c in constraints.values()
        if c["index"] and not c["primary_key"] and c["type"] != "idx_pattern"
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "table",
    [
        "catalogue_historicaldocument",
        "catalogue_historicalagent",
        "catalogue_historicalarchivalunit",
        "catalogue_historicalrepository",
    ],
)
def test_history_tables_keep_only_the_indexes_history_is_read_by(table):
    assert indexed_columns(table) == {
        ("id",),
        ("history_date",),
        ("history_user_id",),
        ("history_import_run_id",),
    }


@pytest.mark.django_db
def test_no_dropped_index_is_left_in_the_database():
    names = {name for name, _ in MIGRATION.INDEXES + MIGRATION.LIKE_INDEXES}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes")
        existing = {row[0] for row in cursor.fetchall()}
    assert names and not names & existing
    # ...the composite indexes that took over are there, and so are the three whose
    # order the search index's concatenated agents, notes and names follow.
    assert {
        "catalogue_documentagent_document_id_18a27e0d",
        "catalogue_footnote_document_id_ea38cdb2",
        "catalogue_agentname_agent_id_04dbee72",
        "catalogue_document_status_b06cdefe",
        "document_unit_status",
        "document_type_status",
        "document_class_status",
        "document_status_date",
        "documentagent_agent_role",
        "citation_publication_number",
    } <= existing


def test_the_migration_only_drops_indexes_so_migrate_does_not_reindex():
    migration = MIGRATION.Migration("0013_index_diet", "catalogue")
    assert not install.plan_may_write([(migration, False)])
    assert not install.plan_may_write([(migration, True)])
    (operation,) = migration.operations
    statements = [sql for op in operation.database_operations for sql in op.sql + op.reverse_sql]
    assert statements and all(
        sql.startswith(("DROP INDEX IF EXISTS ", "CREATE INDEX ")) for sql in statements
    )
    assert {op.__class__.__name__ for op in operation.state_operations} == {"AlterField"}


def api_list_plan(limit: int = 101) -> str:
    return Document.objects.published().order_by("pk")[:limit].explain()


sqlite_plans = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan without statistics"
)


@sqlite_plans
@pytest.mark.django_db
def test_the_api_list_order_needs_no_sort():
    """Published documents in id order (the API list's first page) come straight from
    the status index, whose entries end with the row id. When 0013 first dropped it, a
    freshly generated 100,000-document catalogue (no ANALYZE statistics) sorted every
    published document for each page: 0.64 s instead of 9 ms."""
    plan = api_list_plan()
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


@sqlite_plans
@pytest.mark.django_db
def test_without_the_status_index_the_api_list_would_sort():
    """The control: the check above can fail."""
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute('DROP INDEX "catalogue_document_status_b06cdefe"')
    # Another text than the test above: sqlite3 caches prepared statements, and a cached
    # EXPLAIN is not planned again after the schema changed.
    plan = api_list_plan(limit=102)
    assert "USE TEMP B-TREE FOR ORDER BY" in plan, plan


# --- 0014: one index for the -date order --------------------------------------------

PAGES_MIGRATION = import_module("catalogue.migrations.0014_import_pages")
DATE_ORDER_INDEX = {"date": "document_date_order", "-date": "document_date_seek_desc"}


def list_page(sort: str, queryset=None):
    """The HTML list's ordered page (the same FilterSet as the API's filters)."""
    from catalogue.filters import DocumentFilterSet

    base = Document.objects.published() if queryset is None else queryset
    return DocumentFilterSet(data={"sort": sort}, queryset=base).qs[:50]


@sqlite_plans
@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["date", "-date"])
def test_the_list_date_orders_walk_an_index_without_a_sort(sort):
    """The HTML list's ``-date`` is written like the API cursor's, so it walks
    ``document_date_seek_desc`` backwards; ``document_date_order_desc`` is gone. (The
    order alone: over an empty test table with a status filter SQLite's plan, with no
    statistics, prefers the status index.)"""
    plan = list_page(sort, Document.objects.all()).explain()
    assert f"USING INDEX {DATE_ORDER_INDEX[sort]}" in plan, plan
    assert "USE TEMP B-TREE" not in plan, plan


@sqlite_plans
@pytest.mark.django_db
def test_the_former_list_order_would_sort_without_the_dropped_index():
    """The control: ``(date IS NULL) ASC, date DESC, …`` (the list's order before 0014)
    matches no remaining index: at best one walks the ascending index by its flag and
    sorts the rest."""
    undated, untimed = IsNull(F("date"), True).asc(), IsNull(F("time"), True).asc()
    queryset = Document.objects.order_by(undated, "-date", untimed, "-time", "-pk")
    plan = queryset[:51].explain()
    assert "USE TEMP B-TREE FOR" in plan, plan


@pytest.mark.django_db
def test_the_list_date_orders_are_unchanged(django_assert_num_queries):
    """Same rows in the same order as the two-index form (so the same page boundaries):
    undated last, untimed last within a date, both directions."""
    unit = factories.UnitFactory()
    for date in [datetime.date(1962, 10, 22), datetime.date(1962, 10, 27), None]:
        for time in [datetime.time(9, 30), None, datetime.time(18, 0)]:
            for _ in range(2):
                factories.DocumentFactory(
                    unit=unit,
                    date=date,
                    time=time,
                    date_precision=DatePrecision.DAY if date else DatePrecision.UNKNOWN,
                    status="published",
                )
    undated, untimed = IsNull(F("date"), True).asc(), IsNull(F("time"), True).asc()
    before = {
        "date": [undated, "date", untimed, "time", "pk"],
        "-date": [undated, "-date", untimed, "-time", "-pk"],
    }
    for sort, terms in before.items():
        expected = list(Document.objects.published().order_by(*terms).values_list("pk", flat=True))
        with django_assert_num_queries(1):
            got = list(list_page(sort).values_list("pk", flat=True))
        assert len(expected) == 18
        assert got == expected, sort
    newest = list(list_page("-date").values_list("date", "time"))
    assert newest[0] == (datetime.date(1962, 10, 27), datetime.time(18, 0))
    assert newest[-1] == (None, None)


@pytest.mark.django_db
def test_the_order_desc_index_is_gone_and_its_twin_is_there():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "catalogue_document")
    assert "document_date_order_desc" not in constraints
    assert {"document_date_order", "document_date_seek_desc"} <= set(constraints)


def test_0014_only_drops_an_index_so_migrate_does_not_reindex():
    migration = PAGES_MIGRATION.Migration("0014_import_pages", "catalogue")
    assert not install.plan_may_write([(migration, False)])
    assert not install.plan_may_write([(migration, True)])
    assert {op.__class__.__name__ for op in migration.operations} == {"RemoveIndex"}


COVERING_MIGRATION = import_module("catalogue.migrations.0016_citation_number_covering")


@sqlite_plans
@pytest.mark.django_db
def test_the_importers_printed_as_lookup_reads_the_index_alone():
    """The first document printed as each FRUS number (asked per import batch for
    hundreds of numbers) comes from ``citation_publication_number`` without reading a
    citation row: the plan of the very query the importer sends."""
    from types import SimpleNamespace

    from django.test.utils import CaptureQueriesContext

    from catalogue.services.cataloguing import CatalogueContext, _known_frus_numbers

    context = CatalogueContext()
    frus = context.frus()
    document = factories.DocumentFactory()
    Citation.objects.create(
        document=document, kind="published_in", publication=frus, document_number=102
    )
    footnote = SimpleNamespace(cross_references=[102, 103])
    plan = SimpleNamespace(parsed=SimpleNamespace(footnotes=[footnote]))
    with CaptureQueriesContext(connection) as queries:
        assert _known_frus_numbers([plan], context) == {102: document.pk}
    (sql,) = [q["sql"] for q in queries if '"catalogue_citation"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan_text = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX citation_publication_number" in plan_text, plan_text


def test_0016_only_replaces_an_index_so_migrate_does_not_reindex():
    migration = COVERING_MIGRATION.Migration("0016_citation_number_covering", "catalogue")
    assert not install.plan_may_write([(migration, False)])
    assert not install.plan_may_write([(migration, True)])
    assert [op.__class__.__name__ for op in migration.operations] == ["RemoveIndex", "AddIndex"]
