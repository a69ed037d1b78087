"""The cold search's cheaper pieces (session 3) keep what they replaced: the short-circuited
"at most one filter fails" test, the page numbered after its top-N sort, result rows read
without their texts, and the public filter choices built once per process."""

import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict

from catalogue.filters import DocumentFilterSet
from catalogue.models import AgentRole, Document, PublicationStatus
from catalogue.search.facet_sql import at_most_one_fails
from catalogue.services.workflow import publish
from tests.factories import (
    AgentFactory,
    DocumentAgentFactory,
    DocumentFactory,
    SuperuserFactory,
    UnitFactory,
)

pytestmark = pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"),
    reason="the facet engine needs SQLite FTS5 or PostgreSQL",
)


def _evaluate(values) -> bool:
    cast = "::int" if connection.vendor == "postgresql" else ""
    conditions = [(f"(%s{cast} = 1)", [value]) for value in values]
    sql, params = at_most_one_fails(conditions)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CASE WHEN ({sql}) THEN 1 ELSE 0 END", params)
        return cursor.fetchone()[0] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_at_most_one_fails_over_every_outcome(size):
    """Every combination of pass, fail and NULL (which fails, as a WHERE treats it)."""
    for values in itertools.product([1, 0, None], repeat=size):
        failures = sum(1 for value in values if value != 1)
        assert _evaluate(values) == (failures <= 1), values


@pytest.fixture
def ranked(db):
    """Twenty-five published telegrams about the quarantine, ranked differently (the
    word repeated), across two units, and two drafts."""
    units = [UnitFactory(), UnitFactory()]
    documents = [
        DocumentFactory(
            title=f"Telegram {i}",
            text=" ".join(["quarantine"] * (1 + i % 7)) + f" report {i}",
            unit=units[i % 2],
        )
        for i in range(25)
    ]
    for i in range(2):
        DocumentFactory(title=f"Draft {i}", text="quarantine", status=PublicationStatus.DRAFT)
    return {"documents": documents, "units": units}


def _filterset(query, engine=True):
    filterset = DocumentFilterSet(
        QueryDict(query), queryset=Document.objects.published().with_card(), public=True
    )
    assert filterset.is_valid(), filterset.errors
    if not engine:
        filterset._engine = None
    return filterset


@pytest.mark.parametrize("sort", ["relevance", "date", "-date"])
def test_every_page_numbered_with_the_counts_is_the_general_order(ranked, sort):
    query = f"q=quarantine&sort={sort}&repository={ranked['units'][0].repository.slug}"
    query += f"&unit={ranked['units'][0].pk}"
    expected = [d.pk for d in _filterset(query, engine=False).qs]
    assert len(expected) == 13
    pages = []
    for offset in range(0, 15, 4):
        cache.clear()
        filterset = _filterset(query)
        filterset.engine().prefetch_page(offset, 4)
        filterset.count()
        pages += filterset.engine()._pages[(offset, 4)]
    assert pages == expected


def test_result_rows_leave_the_texts_unread(client, ranked):
    response = client.get("/search/", {"q": "quarantine"})
    documents = [document for document, _ in response.context["results"]]
    assert len(documents) == 20
    for document in documents:
        assert {"text", "raw_text", "source_note"} <= document.get_deferred_fields()
    body = response.content.decode()
    assert ranked["units"][0].title in body and ranked["units"][0].repository.name in body


def test_public_choices_are_built_once_but_hold_no_data(client, db):
    """An agent named only by an unpublished record is refused; once it is published the next
    request accepts it (the cached choice querysets are re-evaluated per request)."""
    agent = AgentFactory(authorised_name="Agent Zulu")
    draft = DocumentFactory(title="Draft quarantine", status=PublicationStatus.IN_REVIEW)
    DocumentAgentFactory(document=draft, agent=agent, role=AgentRole.SENDER)

    refused = client.get("/search/", {"agent": agent.pk})
    assert refused.context["errors"] and "Agent Zulu" not in refused.content.decode()

    publish(document=draft, user=SuperuserFactory())
    accepted = client.get("/search/", {"agent": agent.pk})
    assert accepted.context["errors"] is None
    assert accepted.context["page"].paginator.count == 1
    assert "Agent Zulu" in accepted.content.decode()


def test_form_classes_are_shared_per_kind_and_keep_their_choices(db):
    """Public and staff filtersets each reuse one form class, in either order, and each
    keeps its own choices: the public one never offers an agent only a draft names."""
    named = AgentFactory(authorised_name="Agent Yankee")
    draft = DocumentFactory(title="Draft", status=PublicationStatus.DRAFT)
    DocumentAgentFactory(document=draft, agent=named, role=AgentRole.SENDER)
    for public in [True, False, True, False]:
        first, second = (
            DocumentFilterSet(QueryDict(f"agent={named.pk}"), public=public) for _ in range(2)
        )
        assert type(first.form) is type(second.form)
        assert first.form.fields["agent"] is not second.form.fields["agent"]
        assert first.is_valid() is not public
        choices = first.form.fields["agent"].queryset
        assert choices.filter(pk=named.pk).exists() is not public
    public_form = DocumentFilterSet(QueryDict(), public=True).form
    staff_form = DocumentFilterSet(QueryDict(), public=False).form
    assert type(public_form) is not type(staff_form)
