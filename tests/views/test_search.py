"""/search/: full-text results, facets with live counts, filters, sorting, pagination."""

import datetime

import pytest
from django.db import connection

from catalogue.models import AgentRole
from tests.factories import AgentFactory, DocumentAgentFactory, DocumentFactory

from .conftest import enrich, parse

# Both databases (the facet engine): the type choice the form validates, the change
# stamp, one statement for the count, every facet and the page's ranked ids, the page's
# documents, its snippets; with the counts cached, the statement is skipped. (PostgreSQL
# ran the count and each of the 8 facets as its own grouped query: 12, cached or not.)
# The first search after a write also loads the facet arrays (SQLite: 2 statements;
# PostgreSQL: the labels, its binary column statements bypass Django's query log) and
# ranks its page apart from the hits (catalogue/search/facet_arrays.py).
SEARCH_QUERIES = {"sqlite": 8, "postgresql": 7}
CACHED_SEARCH_QUERIES = {"sqlite": 4, "postgresql": 4}


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response, parse(response)


def result_titles(tree):
    return [a.text_content().strip() for a in tree.cssselect(".result-title a")]


def facet(tree, name):
    """{label: (count, selected)} of one facet's values."""
    values = {}
    for link in tree.cssselect(f"section[aria-labelledby=facet-{name}] a"):
        label = link.cssselect(".facet-label")[0].text_content().replace("✓", "").strip()
        count = int(link.cssselect(".count")[0].text.strip())
        values[label] = (count, link.get("aria-current") == "true")
    return values


def test_query_finds_and_highlights(client, world):
    response, tree = search(client, q="quarantine")
    assert result_titles(tree) == ["Telegram about the quarantine"]
    assert tree.cssselect(".snippet mark")[0].text_content().lower() == "quarantine"
    assert b"zanzibar" not in response.content


def test_empty_query_lists_published_documents_by_date(client, world):
    _, tree = search(client)
    assert result_titles(tree) == ["Telegram about the quarantine", "Memorandum on dismantling"]


def test_facets_count_only_published_documents(client, world):
    _, tree = search(client)
    assert facet(tree, "type") == {"Telegram": (1, False), "Memorandum": (1, False)}
    assert facet(tree, "subject") == {"Quarantine": (1, False)}
    assert facet(tree, "unit") == {"Telcons--Cuba": (2, False)}
    assert facet(tree, "agent") == {"Alexander Akalovsky (drafter)": (1, False)}
    assert facet(tree, "repository") == {"Department of State": (2, False)}
    assert facet(tree, "date") == {"Sat 27 Oct 1962": (1, False), "Sun 28 Oct 1962": (1, False)}


def test_selecting_a_facet_narrows_and_keeps_alternatives_counted(client, world):
    _, tree = search(client, type="telegram")
    assert result_titles(tree) == ["Telegram about the quarantine"]
    # the type facet is counted without its own filter, so the alternative stays visible
    assert facet(tree, "type") == {"Telegram": (1, True), "Memorandum": (1, False)}
    # other facets follow the filter
    assert facet(tree, "date") == {"Sat 27 Oct 1962": (1, False)}
    _, tree = search(client, type=["telegram", "memorandum"])
    assert len(result_titles(tree)) == 2


def test_two_facets_combine(client, world):
    DocumentFactory(
        title="Telegram on Sunday", unit=world["file"], date=datetime.date(1962, 10, 28)
    )
    _, tree = search(client, type="telegram", date_from="1962-10-28", date_to="1962-10-28")
    assert result_titles(tree) == ["Telegram on Sunday"]
    chips = [c.text_content() for c in tree.cssselect(".active-filters .chip")]
    assert any("Telegram" in c for c in chips) and any("1962-10-28" in c for c in chips)


def test_facet_links_toggle_and_keep_the_query(client, world):
    _, tree = search(client, q="quarantine OR dismantling")
    link = tree.cssselect("section[aria-labelledby=facet-type] a")[0]
    href = link.get("href")
    assert "q=quarantine+OR+dismantling" in href and "type=" in href
    _, narrowed = search(client, **_params(href))
    selected = narrowed.cssselect("section[aria-labelledby=facet-type] a[aria-current=true]")[0]
    _, back = search(client, **_params(selected.get("href")))
    assert len(result_titles(back)) == 2


def _params(href):
    from urllib.parse import parse_qs

    return parse_qs(href.lstrip("?"))


def test_agent_facet_filters_by_agent_and_role(client, world):
    agent = world["agent"]
    _, tree = search(client, agent=agent.pk, role=AgentRole.DRAFTER)
    assert result_titles(tree) == ["Telegram about the quarantine"]
    _, tree = search(client, agent=agent.pk, role=AgentRole.SENDER)
    assert result_titles(tree) == []  # the only sender role is on a draft


def test_unit_repository_classification_and_subject_filters(client, world):
    _, tree = search(client, unit=world["collection"].pk)
    assert len(result_titles(tree)) == 2
    _, tree = search(client, repository=world["repository"].slug)
    assert len(result_titles(tree)) == 2
    _, tree = search(client, classification="secret")
    assert len(result_titles(tree)) == 2
    _, tree = search(client, classification="top-secret")
    assert result_titles(tree) == []
    _, tree = search(client, subject=world["subject"].slug)
    assert result_titles(tree) == ["Telegram about the quarantine"]


def test_sorting(client, world):
    _, tree = search(client, sort="-date")
    assert result_titles(tree) == ["Memorandum on dismantling", "Telegram about the quarantine"]
    DocumentFactory(title="Blockade blockade", text="blockade", unit=world["file"])
    DocumentFactory(
        title="Memo", text="a blockade", unit=world["file"], date=datetime.date(1962, 10, 1)
    )
    _, tree = search(client, q="blockade")
    assert result_titles(tree)[0] == "Blockade blockade"
    _, tree = search(client, q="blockade", sort="date")
    assert result_titles(tree)[0] == "Memo"


def test_pagination_keeps_the_filters(client, world):
    for i in range(25):
        DocumentFactory(title=f"Telegram number {i}", text="kilo", unit=world["file"])
    _, tree = search(client, q="kilo", type="telegram")
    assert len(result_titles(tree)) == 20
    next_link = tree.cssselect(".pagination a[rel=next]")[0].get("href")
    assert "q=kilo" in next_link and "type=telegram" in next_link and "page=2" in next_link
    _, page_two = search(client, **_params(next_link))
    assert len(result_titles(page_two)) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"q": 'NEAR("castro'},
        {"q": "x" * 5000},
        {"q": "\x00\x1b"},
        {"date_from": "not-a-date"},
        {"unit": "abc"},
        {"agent": "999999", "role": "nonsense"},
        {"type": "no-such-type"},
        {"sort": "-pk; drop"},
        {"page": "-1"},
        {"page": "99999"},
    ],
)
def test_bad_input_never_breaks_the_page(client, world, params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    assert len(parse(response).cssselect("h1")) == 1


def test_status_parameter_cannot_reveal_drafts(client, world):
    response, tree = search(client, status="draft", q="zanzibar")
    assert result_titles(tree) == []
    assert b"Draft zanzibar" not in response.content


def test_search_queries_do_not_grow_with_results_or_related_rows(
    client, world, django_assert_num_queries
):
    with django_assert_num_queries(SEARCH_QUERIES[connection.vendor]):
        client.get("/search/", {"q": "quarantine", "type": "telegram"})
    agents = [AgentFactory() for _ in range(10)]
    for i in range(30):
        document = DocumentFactory(title=f"Quarantine telegram {i}", unit=world["file"])
        if i < 5:
            enrich(document, 10, agents=agents)
        DocumentAgentFactory(document=document, agent=world["agent"], role=AgentRole.SIGNER)
    with django_assert_num_queries(SEARCH_QUERIES[connection.vendor]):
        response = client.get("/search/", {"q": "quarantine", "type": "telegram"})
    assert len(result_titles(parse(response))) == 20
    # Unchanged catalogue, same filters: the counts come from the cache.
    with django_assert_num_queries(CACHED_SEARCH_QUERIES[connection.vendor]):
        again = client.get("/search/", {"q": "quarantine", "type": "telegram"})
    assert again.content == response.content


def test_filter_values_never_echo_unpublished_names(client, world):
    from tests.factories import SubjectFactory, UnitFactory

    secret_subject = SubjectFactory(name="Secret subject sierra")
    world["draft"].subjects.add(secret_subject)
    hidden_unit = world["empty_file"]
    elsewhere = UnitFactory(title="Elsewhere").repository
    elsewhere.name = "Hidden Repository Romeo"
    elsewhere.save()
    for params in [
        {"agent": world["hidden_agent"].pk},
        {"unit": hidden_unit.pk},
        {"subject": secret_subject.slug},
        {"repository": elsewhere.slug},
    ]:
        response = client.get("/search/", params)
        assert response.status_code == 200
        body = response.content.decode()
        for name in ["Secret Drafter", "Only drafts", "Secret subject sierra", "Romeo"]:
            assert name not in body, (params, name)


def test_date_sorts_put_undated_documents_last_on_every_database(client, world):
    from catalogue.models import DatePrecision

    DocumentFactory(title="Undated editorial note", date=None, date_precision=DatePrecision.UNKNOWN)
    for sort in ["date", "-date"]:
        _, tree = search(client, sort=sort)
        assert result_titles(tree)[-1] == "Undated editorial note", sort


def test_a_date_range_ending_before_it_starts_is_named_not_empty(client, world):
    response, tree = search(client, date_from="1962-10-28", date_to="1962-10-16")
    notice = tree.cssselect("[role=alert]")[0].text_content()
    assert "To: The end of the date range (1962-10-16) is before its start (1962-10-28)" in notice
    assert result_titles(tree) == []
