"""The agent key table (one integer per document, agent and role) that the agent facet
groups: database triggers keep it equal to ``catalogue_documentagent`` through every kind
of write, on SQLite and PostgreSQL alike, and a key turns back into its agent and role."""

import pytest
from django.db import connection

from catalogue.models import AgentRole, Document, DocumentAgent
from catalogue.search import facets
from catalogue.services.merging import merge_agents
from tests.factories import (
    AgentFactory,
    DocumentAgentFactory,
    DocumentFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db


def stored_keys() -> set[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT document_id, agent_key FROM {facets.AGENT_KEYS_TABLE}")
        return set(cursor.fetchall())


def expected_keys() -> set[tuple[int, int]]:
    return {
        (document_id, agent_id * facets.ROLE_SLOTS + facets.ROLES.index(role))
        for document_id, agent_id, role in DocumentAgent.objects.values_list(
            "document_id", "agent_id", "role"
        )
    }


def assert_in_step():
    keys = stored_keys()
    assert keys == expected_keys()
    return keys


def test_every_role_has_its_own_slot_in_text_order():
    assert sorted(AgentRole.values) == facets.ROLES
    assert len(facets.ROLES) < facets.ROLE_SLOTS


def test_a_key_splits_back_into_agent_and_role_on_the_database():
    from catalogue.search.facets_pg import agent_key, role_of

    for role in AgentRole.values:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT k / {facets.ROLE_SLOTS}, {role_of('k')} FROM "
                f"(SELECT {agent_key('x.')} AS k FROM (SELECT 4321 AS agent_id, %s AS role) x) y",
                [role],
            )
            assert cursor.fetchone() == (4321, role)


def test_inserts_updates_and_deletes_of_roles_keep_the_keys():
    link = DocumentAgentFactory(role=AgentRole.SENDER)
    other = DocumentAgentFactory(document=link.document, role=AgentRole.RECIPIENT)
    assert len(assert_in_step()) == 2

    link.role = AgentRole.SIGNER
    link.save()
    other.agent = AgentFactory()
    other.save()
    keys = assert_in_step()
    assert (
        link.document_id,
        link.agent_id * facets.ROLE_SLOTS + facets.ROLES.index("signer"),
    ) in keys

    moved = DocumentFactory()
    DocumentAgent.objects.filter(pk=other.pk).update(document=moved)  # no save()
    assert_in_step()

    link.delete()
    assert len(assert_in_step()) == 1


def test_deleting_a_document_drops_its_keys():
    doc = DocumentFactory()
    DocumentAgentFactory(document=doc, role=AgentRole.AUTHOR)
    DocumentAgentFactory(document=doc, role=AgentRole.MENTIONED)
    kept = DocumentAgentFactory()
    assert len(assert_in_step()) == 3
    Document.objects.filter(pk=doc.pk).delete()
    assert {document_id for document_id, _ in assert_in_step()} == {kept.document_id}


def test_an_agent_merge_moves_the_keys_to_the_survivor():
    survivor, loser = AgentFactory(), AgentFactory()
    doc = DocumentFactory()
    DocumentAgentFactory(document=doc, agent=loser, role=AgentRole.SENDER)
    DocumentAgentFactory(document=DocumentFactory(), agent=loser, role=AgentRole.MENTIONED)
    DocumentAgentFactory(document=doc, agent=survivor, role=AgentRole.RECIPIENT)
    merge_agents(survivor=survivor, loser=loser, user=SuperuserFactory())
    keys = assert_in_step()
    assert {key // facets.ROLE_SLOTS for _, key in keys} == {survivor.pk}
    assert len(keys) == 3


def test_bulk_writes_and_raw_sql_keep_the_keys():
    doc = DocumentFactory()
    agents = [AgentFactory() for _ in range(3)]
    DocumentAgent.objects.bulk_create(
        [DocumentAgent(document=doc, agent=a, role=AgentRole.PARTICIPANT) for a in agents]
    )
    DocumentAgent.objects.filter(agent=agents[0]).update(role=AgentRole.SPEAKER)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalogue_documentagent WHERE agent_id = %s", [agents[1].pk])
    assert len(assert_in_step()) == 2


def test_rebuild_writes_what_the_triggers_keep():
    for role in (AgentRole.SENDER, AgentRole.RECIPIENT, AgentRole.DRAFTER):
        DocumentAgentFactory(role=role)
    kept = assert_in_step()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {facets.AGENT_KEYS_TABLE}")
    facets.rebuild(connection)
    assert stored_keys() == kept


def test_agent_facet_after_writes_equals_the_general_path():
    from django.core.cache import cache

    from tests.search.test_facet_engine import facet_counts, make

    docs = [DocumentFactory(text=f"quarantine report {i}") for i in range(6)]
    agents = [AgentFactory() for _ in range(3)]
    roles = [AgentRole.SENDER, AgentRole.RECIPIENT, AgentRole.MENTIONED]
    for i, doc in enumerate(docs):
        for j in range(1 + i % 3):
            DocumentAgentFactory(document=doc, agent=agents[(i + j) % 3], role=roles[j])
    DocumentAgent.objects.filter(agent=agents[2]).update(role=AgentRole.SPEAKER)
    merge_agents(survivor=agents[0], loser=agents[1], user=SuperuserFactory())
    assert_in_step()
    for state in ["q=quarantine&sort=relevance", "q=&sort=date", f"q=&agent={agents[0].pk}"]:
        cache.clear()
        fast, general = make(state), make(state, engine=False)
        assert fast.engine() is not None
        counted = facet_counts(fast)["agent"]
        assert counted == facet_counts(general)["agent"], state
        assert counted, state
