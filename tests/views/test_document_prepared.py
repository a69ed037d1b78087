"""The document page's precompiled queries (``catalogue.models.querysets.prepared``)
give what their querysets give: the same rows, loaded and deferred fields, joined
objects and annotations, with the SQL compiled once per database."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from catalogue.models import Document, DocumentRelation, EventAgent, RelationType
from catalogue.models.querysets import load_public_page, public_page_row, unit_ancestors
from catalogue.models.querysets.pages import _page_queries
from catalogue.models.querysets.prepared import PreparedQuery
from tests.factories import (
    AgentFactory,
    DocumentFactory,
    DraftDocumentFactory,
    EventFactory,
    UnitFactory,
)

from .conftest import enrich


def snapshot(obj, depth=0):
    """Every loaded field, the deferred ones, annotations and joined objects."""
    if obj is None:
        return None
    loaded = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in obj.get_deferred_fields()
    }
    extra = {k: v for k, v in vars(obj).items() if k in ("page_stamp", "stamp_document")}
    joined = {name: snapshot(value, depth + 1) for name, value in obj._state.fields_cache.items()}
    return (
        type(obj),
        obj._state.db,
        loaded,
        sorted(obj.get_deferred_fields()),
        extra,
        joined,
    )


@pytest.fixture
def documents(world):
    big = enrich(DocumentFactory(unit=world["file"], time=datetime.time(9, 5)), 4)
    event = big.events.first()
    for agent in (AgentFactory(), AgentFactory()):
        EventAgent.objects.create(event=event, agent=agent, role="")
    DocumentRelation.objects.create(
        source=big, target=world["published"], relation_type=RelationType.REFERS_TO
    )
    DocumentRelation.objects.create(
        source=world["other"], target=big, relation_type=RelationType.REFERS_TO
    )
    DocumentRelation.objects.create(
        source=world["draft"], target=big, relation_type=RelationType.REFERS_TO
    )
    return {**world, "big": big}


def test_the_row_is_what_the_view_queryset_gives(documents):
    for document in (documents["published"], documents["other"], documents["big"]):
        expected = (
            Document.objects.published()
            .for_public_page(related=False)
            .with_page_stamp()
            .get(pk=document.pk)
        )
        row = public_page_row(document.pk)
        assert snapshot(row) == snapshot(expected)
        assert row.updated_at == expected.updated_at  # converted like the ORM's
        assert row.updated_at.tzinfo is not None
        assert row.time == datetime.time(9, 5) or document != documents["big"]
        assert row.page_stamp is not None


def test_no_row_for_unpublished_withdrawn_or_missing(documents):
    assert public_page_row(documents["draft"].pk) is None
    assert public_page_row(documents["withdrawn"].pk) is None
    assert public_page_row(10**9) is None


def test_each_list_is_what_its_queryset_gives(documents):
    _row, lists, _ancestors = _page_queries()
    checked = 0
    for document in Document.objects.all():
        for name, prepared in lists.items():
            expected = [snapshot(o) for o in prepared.build(document.pk)]
            assert [snapshot(o) for o in prepared.rows(document.pk)] == expected, name
            checked += len(expected)
    assert checked > 20  # the fixture's rows were really compared


def test_loaded_lists_need_no_query_and_still_chain(documents, django_assert_num_queries):
    document = public_page_row(documents["big"].pk)
    load_public_page(document)
    with django_assert_num_queries(0):
        footnotes = [f.number for f in document.footnotes.all()]
        events = list(document.events.all())
        people = [len(e.event_agents.all()) for e in events]
        cited_by = [r.source.title for r in document.incoming_relations.all()]
        targets = [r.target.title for r in document.relations.all()]
    assert footnotes == [1, 2, 3, 4]
    assert sorted(people) == [0, 0, 0, 2]
    assert cited_by == [documents["other"].title]  # not the draft's link
    assert targets == [documents["published"].title]
    # A caller chaining on a loaded list gets a real, correctly filtered query.
    with django_assert_num_queries(1):
        assert list(
            document.footnotes.all().filter(number__gt=2).values_list("number", flat=True)
        ) == [3, 4]


def test_sql_is_compiled_once_and_reused_for_other_keys(documents):
    prepared = PreparedQuery(Document, lambda pk: Document.objects.filter(pk=pk).only("title"))
    assert [d.title for d in prepared.rows(documents["published"].pk)] == [
        documents["published"].title
    ]
    compiled = prepared._compiled["default", 1]
    with CaptureQueriesContext(connection) as ctx:
        assert [d.title for d in prepared.rows(documents["other"].pk)] == [documents["other"].title]
    assert prepared._compiled["default", 1] is compiled
    assert len(ctx.captured_queries) == 1
    with override_settings(CATALOGUE_PAGE_CACHE_SECONDS=1):
        assert prepared._compiled == {}  # a setting change forgets the SQL


def test_a_queryset_not_filtered_on_its_key_is_refused(db):
    DraftDocumentFactory()
    prepared = PreparedQuery(Document, lambda pk: Document.objects.all())
    with pytest.raises(ValueError, match="does not filter on each of its keys"):
        prepared.rows(1)
    prefetching = PreparedQuery(
        Document, lambda pk: Document.objects.filter(pk=pk).prefetch_related("footnotes")
    )
    with pytest.raises(ValueError, match="cannot prefetch"):
        prefetching.rows(1)


def test_event_agents_land_on_their_events(documents):
    document = public_page_row(documents["big"].pk)
    other_event = EventFactory(document=documents["published"])
    EventAgent.objects.create(event=other_event, agent=AgentFactory(), role="")
    load_public_page(document)
    for event in document.events.all():
        assert [link.pk for link in event.event_agents.all()] == list(
            EventAgent.objects.filter(event=event).order_by("id").values_list("pk", flat=True)
        )


def test_loaded_lists_are_the_querysets_they_stand_for(documents):
    _row, lists, _ancestors = _page_queries()
    keys = [documents["big"].pk, documents["published"].pk, documents["big"].pk]
    for name, prepared in lists.items():
        for key in keys:  # the template queryset is copied, never changed
            loaded = prepared.queryset(key)
            assert str(loaded.query) == str(prepared.build(key).query), name
            assert [o.pk for o in loaded] == [o.pk for o in prepared.build(key)], name


def test_unit_ancestors_are_the_units_ancestors(world, django_assert_num_queries):
    top = world["collection"]
    series = UnitFactory(repository=top.repository, parent=top, title="Series")
    deep = UnitFactory(repository=top.repository, parent=series, title="Deep file")
    with django_assert_num_queries(0):
        assert unit_ancestors(top) == [] == top.ancestors()
    for unit in (world["file"], series, deep):
        expected = unit.ancestors()
        with django_assert_num_queries(1):
            got = unit_ancestors(unit)
        assert [u.pk for u in got] == [u.pk for u in expected] != []
        assert [snapshot(u) for u in got] == [snapshot(u) for u in expected]
    assert [u.title for u in unit_ancestors(deep)] == ["Ball Papers", "Series"]
