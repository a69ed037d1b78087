"""Agent pages and the list of people and offices."""

import datetime

from catalogue.models import AgentRole, NameType, Position, PublicationStatus
from catalogue.views.agents import AgentListView
from tests.factories import AgentFactory, AgentNameFactory, DocumentAgentFactory, DocumentFactory

from .conftest import enrich, parse

# Merged-record check, the agent, its names, identifiers and positions, the change
# stamp, the document and per-role counts (one aggregate and the undated documents'
# count, then cached until the catalogue changes), the page's document ids, and their
# links. (6 before the page was paginated: it loaded every document, without the
# counts; 9 before the undated documents were counted to put them last.)
AGENT_PAGE_QUERIES = 10
CACHED_AGENT_PAGE_QUERIES = 8


def test_agent_page_shows_names_positions_and_documents_by_role(client, world):
    agent = world["agent"]
    AgentNameFactory(agent=agent, name="Akalovskii", name_type=NameType.TRANSLITERATION)
    Position.objects.create(agent=agent, title="Interpreter", start_date=datetime.date(1961, 1, 1))
    DocumentAgentFactory(document=world["other"], agent=agent, role=AgentRole.MENTIONED)
    response = client.get(agent.get_absolute_url())
    assert response.status_code == 200
    tree = parse(response)
    assert [h.text_content() for h in tree.cssselect("h1")] == ["Alexander Akalovsky"]
    text = tree.text_content()
    assert "Akalovskii" in text and "Interpreter" in text
    groups = {
        g.cssselect("h3")[0].text_content().split()[0]: [a.text for a in g.cssselect("li a")]
        for g in tree.cssselect(".role-group")
    }
    assert groups == {
        "Drafter": ["Telegram about the quarantine"],
        "Mentioned": ["Memorandum on dismantling"],
    }
    timeline = [a.text for a in tree.cssselect("ol.timeline a")]
    assert timeline == ["Telegram about the quarantine", "Memorandum on dismantling"]
    # the draft in which the agent is the sender is nowhere
    assert b"zanzibar" not in response.content and "Sender" not in groups


def test_agent_only_in_drafts_does_not_exist(client, world):
    hidden = world["hidden_agent"]
    assert client.get(hidden.get_absolute_url()).status_code == 404
    listing = client.get("/agents/")
    assert b"Secret Drafter" not in listing.content


def test_agent_list_counts_published_documents(client, world):
    tree = parse(client.get("/agents/"))
    rows = {
        a.text: a.getparent().cssselect(".count")[0].text
        for a in tree.cssselect(".agent-list li > a")
    }
    assert rows == {"Akalovsky, Alexander": "1"}


def test_wrong_slug_and_merged_agents_redirect(client, world):
    agent = world["agent"]
    response = client.get(f"/agents/{agent.pk}/wrong/")
    assert response.status_code == 301 and response["Location"] == agent.get_absolute_url()
    old = AgentFactory(authorised_name="A. Akalovsky", merged_into=agent)
    response = client.get(old.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == agent.get_absolute_url()


def test_agent_page_queries_do_not_grow(client, world, django_assert_num_queries):
    agent = world["agent"]
    with django_assert_num_queries(AGENT_PAGE_QUERIES):
        assert client.get(agent.get_absolute_url()).status_code == 200
    for i in range(8):
        enrich(DocumentFactory(title=f"Doc {i}"), 1, agents=[agent])
        AgentNameFactory(agent=agent, name=f"Variant {i}")
        # Positions in an organisation: the organisations come in the positions' query.
        Position.objects.create(
            agent=agent, title=f"Office {i}", organisation=AgentFactory(authorised_name=f"Org {i}")
        )
    with django_assert_num_queries(AGENT_PAGE_QUERIES):
        response = client.get(agent.get_absolute_url())
    assert len(parse(response).cssselect("ol.timeline > li")) == 9


def test_agent_list_counts_each_document_once_and_only_published_ones(client, world, monkeypatch):
    """Counted per page after the page is cut: two roles in one document count once,
    a draft not at all, and an agent on the second page gets its own count."""
    agent = AgentFactory(authorised_name="Zorin", sort_name="Zorin, Valerian")
    first = DocumentFactory(title="Zorin one")
    DocumentAgentFactory(document=first, agent=agent, role=AgentRole.SENDER)
    DocumentAgentFactory(document=first, agent=agent, role=AgentRole.PARTICIPANT)
    DocumentAgentFactory(document=DocumentFactory(title="Zorin two"), agent=agent)
    draft = DocumentFactory(title="Zorin draft", status=PublicationStatus.DRAFT)
    DocumentAgentFactory(document=draft, agent=agent)

    def counts(url):
        tree = parse(client.get(url))
        return {
            a.text: a.getparent().cssselect(".count")[0].text
            for a in tree.cssselect(".agent-list li > a")
        }

    assert counts("/agents/") == {"Akalovsky, Alexander": "1", "Zorin, Valerian": "2"}
    draft.status = PublicationStatus.PUBLISHED  # the cached counts follow the catalogue
    draft.save()
    assert counts("/agents/") == {"Akalovsky, Alexander": "1", "Zorin, Valerian": "3"}
    monkeypatch.setattr(AgentListView, "paginate_by", 1)
    assert counts("/agents/?page=2") == {"Zorin, Valerian": "3"}


def test_agent_list_queries_do_not_grow(client, world, django_assert_num_queries):
    # The count, the page, the change stamp and the page's document counts; the counts
    # come from the cache until the catalogue changes.
    with django_assert_num_queries(4):
        client.get("/agents/")
    with django_assert_num_queries(3):
        client.get("/agents/")
    for i in range(15):
        document = DocumentFactory(title=f"Doc {i}")
        DocumentAgentFactory(document=document, agent=AgentFactory(), role=AgentRole.SENDER)
    with django_assert_num_queries(4):
        response = client.get("/agents/")
    assert len(parse(response).cssselect(".agent-list li")) == 16


def test_agent_page_is_paginated_by_document_with_counts_over_all_pages(
    client, world, django_assert_num_queries, monkeypatch
):
    from catalogue.views.agents import AgentDetailView

    monkeypatch.setattr(AgentDetailView, "DOCUMENTS_PER_PAGE", 3)
    agent = world["agent"]  # already the drafter of one published document
    for day in range(1, 6):
        document = DocumentFactory(title=f"Later {day}", date=datetime.date(1962, 12, day))
        DocumentAgentFactory(document=document, agent=agent, role=AgentRole.MENTIONED)
        DocumentAgentFactory(document=document, agent=agent, role=AgentRole.RECIPIENT)
    url = agent.get_absolute_url()
    seen = []
    for number, queries in [(1, AGENT_PAGE_QUERIES), (2, CACHED_AGENT_PAGE_QUERIES)]:
        with django_assert_num_queries(queries):
            response = client.get(f"{url}?page={number}")
        tree = parse(response)
        counts = {
            g.cssselect("h3")[0].text_content().split()[0]: g.cssselect("h3 .count")[0].text
            for g in tree.cssselect(".role-group")
        }
        assert counts == {"Drafter": "1", "Recipient": "5", "Mentioned": "5"}
        assert tree.cssselect("#documents-title .count")[0].text == "6"
        seen.append([a.text for a in tree.cssselect("ol.timeline a")])
    assert len(seen[0]) == 3 and len(seen[1]) == 3
    assert seen[1] == ["Later 3", "Later 4", "Later 5"]
    # each document once across the pages, with every role it holds
    assert sorted(seen[0] + seen[1]) == sorted(
        ["Telegram about the quarantine"] + [f"Later {day}" for day in range(1, 6)]
    )
    assert "(mentioned, recipient)" in response.content.decode() or "(recipient, mentioned)" in (
        response.content.decode()
    )
