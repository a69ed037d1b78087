"""Agents' names have their own index; documents carry agent keys, not variant names.

A search expands each clause with the keys of agents whose names match it, so a
document is still found by any recorded name of its agents, while recording a new
variant (what every import does) rewrites one agent row instead of every row of a
prolific agent's documents. Runs on SQLite and PostgreSQL.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from catalogue.models import Agent, AgentName, AgentRole, Document
from catalogue.search import get_backend, schema
from catalogue.search.signals import ensure_search_index
from tests.factories import (
    AgentFactory,
    AgentNameFactory,
    DocumentAgentFactory,
    DocumentFactory,
    ImportRunFactory,
)

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
TELCON = SEEDS / "000_edb94c0bc4a3a32d.txt"


def ids(query: str) -> set[int]:
    return set(get_backend().filter(Document.objects.all(), query).values_list("pk", flat=True))


def restricted(query: str) -> set[int]:
    return set(get_backend().restrict(Document.objects.all(), query).values_list("pk", flat=True))


def ranked(query: str) -> list[int]:
    return list(
        get_backend()
        .filter(Document.objects.all(), query)
        .order_by("-rank", "pk")
        .values_list("pk", flat=True)
    )


def index_row(document) -> str:
    """The document's indexed agents text, as stored."""
    table = schema.FTS_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT agents FROM {table} WHERE rowid = %s", [document.pk])
        return cursor.fetchone()[0]


def agent_rows() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, names FROM {schema.AGENT_TABLE}")
        return dict(cursor.fetchall())


@pytest.fixture
def drafted(db):
    """Three documents drafted by one agent, and one without him."""
    agent = AgentFactory(authorised_name="Alexander Akalovsky")
    docs = [
        DocumentFactory(title=f"Telegram {n}", text="McCloy met Kuznetsov.")
        for n in ("alpha", "bravo", "charlie")
    ]
    for doc in docs:
        DocumentAgentFactory(document=doc, agent=agent, role=AgentRole.DRAFTER)
    other = DocumentFactory(title="Letter", text="Nothing about him.")
    return agent, docs, other


def test_a_new_variant_finds_every_document_and_rewrites_only_the_agent_row(drafted):
    agent, docs, other = drafted
    before = [index_row(doc) for doc in docs]
    assert ids("akalovskii") == set()

    AgentNameFactory(agent=agent, name="Akalovskii")

    assert ids("akalovskii") == {doc.pk for doc in docs}
    assert restricted("akalovskii") == {doc.pk for doc in docs}
    assert [index_row(doc) for doc in docs] == before  # no document row rewritten
    assert "Akalovskii" in agent_rows()[agent.pk]
    assert "Akalovskii" not in "".join(before)


def test_variant_phrases_prefixes_and_alternatives(drafted):
    agent, docs, other = drafted
    AgentNameFactory(agent=agent, name="Sasha Akalovskii")
    everyone = {doc.pk for doc in docs}
    assert ids('"sasha akalovskii"') == everyone
    assert ids('"akalovskii sasha"') == set()
    assert ids("akalovsk*") == everyone
    assert ids("sasha OR zanzibar") == everyone
    # Clauses are ANDed: one clause by the variant, one by the text.
    assert ids("sasha kuznetsov") == everyone
    assert ids("sasha nothing") == set()
    assert ids("nothing") == {other.pk}


def test_sender_and_recipient_are_found_by_their_variants():
    sender = AgentFactory(authorised_name="Embassy in the Soviet Union")
    recipient = AgentFactory(authorised_name="Department of State")
    doc = DocumentFactory(title="Telegram", text="Text.", sender=sender, recipient=recipient)
    AgentNameFactory(agent=sender, name="Embtel Moscow")
    AgentNameFactory(agent=recipient, name="Deptel Washington")
    assert ids("moscow") == {doc.pk}
    assert ids("washington") == {doc.pk}


def test_removed_or_changed_variants_stop_matching(drafted):
    agent, docs, _other = drafted
    name = AgentNameFactory(agent=agent, name="Akalovskii")
    name.name = "Akalowski"
    name.save()
    assert ids("akalovskii") == set()
    assert ids("akalowski") == {doc.pk for doc in docs}
    name.delete()
    assert ids("akalowski") == set()
    assert ids("akalovsky") == {doc.pk for doc in docs}  # the authorised name stays


def test_authorised_name_rename_is_still_found(drafted):
    agent, docs, _other = drafted
    agent.authorised_name = "Aleksandr Akalovskiy"
    agent.save()
    assert ids("aleksandr") == {doc.pk for doc in docs}
    assert ids("akalovskiy") == {doc.pk for doc in docs}
    assert "Aleksandr Akalovskiy" in index_row(docs[0])  # snippets and ranking see it
    assert "Aleksandr" in agent_rows()[agent.pk]


def test_names_in_title_and_body_are_still_found(drafted):
    agent, docs, other = drafted
    AgentNameFactory(agent=agent, name="Akalovskii")
    titled = DocumentFactory(title="Report on Akalovskii", text="Plain text.")
    body = DocumentFactory(title="Memorandum", text="Akalovskii telephoned at noon.")
    assert ids("akalovskii") == {titled.pk, body.pk} | {doc.pk for doc in docs}


def test_ranking_still_weights_agents(drafted):
    agent, docs, _other = drafted
    AgentNameFactory(agent=agent, name="Zorinov")
    for n in range(12):  # enough documents for the key to be rarer than half of them
        DocumentFactory(title=f"Report {n}", text="The delegation met again.")
    filler = " ".join(["The delegation discussed the inspection arrangements."] * 40)
    mentioned = DocumentFactory(title="Minutes", text=f"{filler} Zorinov. {filler}")
    order = ranked("zorinov")
    assert set(order) == {mentioned.pk} | {doc.pk for doc in docs}
    assert order[-1] == mentioned.pk  # one word deep in a long body ranks below an agent


def test_a_visitor_cannot_type_an_agent_key(drafted):
    agent, docs, other = drafted
    typed = f"{chr(schema.AGENT_MARK)}{agent.pk}"
    assert ids(typed) & {doc.pk for doc in docs} == set()


def test_snippets_of_agent_matches_never_show_agent_keys(drafted):
    agent, docs, _other = drafted
    AgentNameFactory(agent=agent, name="Akalovskii")
    snippets = get_backend().snippets([doc.pk for doc in docs], "akalovskii")
    assert all(chr(schema.AGENT_MARK) not in str(text) for text in snippets.values())


def test_rebuild_restores_both_indexes(drafted, capsys):
    agent, docs, _other = drafted
    AgentNameFactory(agent=agent, name="Akalovskii")
    get_backend().clear()
    assert ids("akalovskii") == set()
    call_command("rebuild_search_index")
    assert "names of 1 agents" in capsys.readouterr().out
    assert ids("akalovskii") == {doc.pk for doc in docs}


def test_post_migrate_fills_a_missing_agent_index(drafted):
    """An upgraded database: migration 0009 re-creates the tables empty (here: dropped
    and re-created), post_migrate refills them and re-creates the triggers."""
    from importlib import import_module

    agent, docs, _other = drafted
    AgentNameFactory(agent=agent, name="Akalovskii")
    migration = import_module("catalogue.migrations.0009_import_indexing")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.recreate_search_tables(None, editor)
    assert get_backend().indexed_count() == 0
    assert schema.indexed_agents(connection) == 0

    ensure_search_index(sender=None, plan=[("catalogue", "0009_import_indexing")])

    assert schema.indexed_agents(connection) == Agent.objects.count()
    assert ids("akalovskii") == {doc.pk for doc in docs}
    AgentNameFactory(agent=agent, name="Akalowski")  # triggers are back
    assert ids("akalowski") == {doc.pk for doc in docs}


def test_import_that_adds_a_variant_finds_earlier_documents_without_reindexing_them():
    from catalogue.importers.avalon import parse_document
    from catalogue.services.cataloguing import catalogue_document

    def store(data: bytes):
        parsed = parse_document(data, filename=str(TELCON), max_bytes=2_000_000, collection=None)
        return catalogue_document(parsed=parsed, import_run=ImportRunFactory())

    original = TELCON.read_bytes()
    first, _ = store(original)
    before = index_row(first)
    assert ids("acting") == set()

    renamed = original.replace(b"Secretary of State Rusk", b"Acting Secretary of State Rusk")
    assert renamed != original
    second, outcome = store(renamed)

    assert outcome == "created" and second.pk != first.pk
    rusk = Agent.objects.get(authorised_name="Rusk")
    assert AgentName.objects.filter(agent=rusk, name__startswith="Acting").exists()
    assert index_row(first) == before
    assert ids("acting") == {first.pk, second.pk}


def test_site_search_and_api_find_documents_by_a_variant(client, drafted):
    """The search page (SQLite's facet engine included) and the API list expand too."""
    agent, docs, other = drafted
    AgentNameFactory(agent=agent, name="Akalovskii")
    from tests.views.conftest import parse

    page = client.get("/search/", {"q": "akalovskii"})
    assert page.status_code == 200
    titles = {a.text_content().strip() for a in parse(page).cssselect(".result-title a")}
    assert titles == {doc.title for doc in docs}
    api = client.get("/api/v1/documents/", {"q": "akalovskii"})
    assert api.status_code == 200
    assert {row["id"] for row in api.json()["results"]} == {doc.pk for doc in docs}


def test_a_document_found_only_by_a_variant_name_still_gets_a_snippet(drafted):
    """Neither text holds the variant: the snippet shows the agent it names, so the
    visitor sees why the document matched (not a bare title, not the agent keys)."""
    agent, docs, _other = drafted
    AgentNameFactory(agent=agent, name="Akalovskii")
    snippets = get_backend().snippets([doc.pk for doc in docs], "akalovskii")
    assert set(snippets) == {doc.pk for doc in docs}
    assert all("Akalovsky" in str(text) for text in snippets.values())
    assert all(chr(schema.AGENT_MARK) not in str(text) for text in snippets.values())


def test_a_name_query_matched_partly_by_a_variant_highlights_the_text(drafted):
    """``Mr. McCloy``: ``Mr`` matches only his recorded variant, ``McCloy`` the body.
    The document is found through the variant, and its snippet marks the body's word."""
    _agent, docs, _other = drafted
    mccloy = AgentFactory(authorised_name="John J. McCloy")
    AgentNameFactory(agent=mccloy, name="Mr. McCloy")
    DocumentAgentFactory(document=docs[0], agent=mccloy, role=AgentRole.PARTICIPANT)
    assert ids("Mr. McCloy") == {docs[0].pk}
    snippets = get_backend().snippets([docs[0].pk], "Mr. McCloy")
    assert "<mark>McCloy</mark> met Kuznetsov" in str(snippets[docs[0].pk])


def test_snippets_from_the_agents_column_never_show_agent_keys(drafted):
    """A match on an authorised name or a name as written can show the agents column."""
    agent, docs, _other = drafted
    snippets = get_backend().snippets([doc.pk for doc in docs], "akalovsky")
    assert snippets
    assert all("Akalovsky" in str(text) for text in snippets.values())
    assert all(chr(schema.AGENT_MARK) not in str(text) for text in snippets.values())


def test_migration_replaces_an_old_shaped_sqlite_index(drafted):
    """Session-1 databases have a four-column index with variant names in documents'
    rows and no agent index: 0009 + post_migrate leave the new shape, filled."""
    from importlib import import_module

    if connection.vendor != "sqlite":
        pytest.skip("FTS5 table shape")
    agent, docs, _other = drafted
    AgentNameFactory(agent=agent, name="Akalovskii")
    with connection.cursor() as cursor:
        schema.uninstall(connection)
        cursor.execute(
            f"CREATE VIRTUAL TABLE {schema.FTS_TABLE} USING fts5(title, body, notes, agents)"
        )
    editor = type("Editor", (), {"connection": connection})()
    import_module("catalogue.migrations.0009_import_indexing").recreate_search_tables(None, editor)
    ensure_search_index(sender=None, plan=[("catalogue", "0009_import_indexing")])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {schema.FTS_TABLE} LIMIT 1")
        assert [c[0] for c in cursor.description] == [
            "title",
            "body",
            "notes",
            "agents",
            "agent_keys",
        ]
    assert ids("akalovskii") == {doc.pk for doc in docs}
