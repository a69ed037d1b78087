"""The rendered document page kept for anonymous visitors: served only while the
document is still published, and rebuilt when anything it shows changes."""

import pytest
from django.core.cache import cache

from catalogue.models import Agent, Document, DocumentRelation, EventAgent, RelationType
from catalogue.services import workflow
from tests.factories import AgentFactory, DocumentFactory, staff_in_group

from .conftest import parse
from .test_document import DOCUMENT_PAGE_QUERIES

CACHED_PAGE_QUERIES = 1  # the document's own row, status and change stamps


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reviewer(db):
    return staff_in_group("Reviewer", username="rev")


def test_second_visit_is_served_from_the_cache_with_the_same_page(
    client, world, django_assert_num_queries
):
    url = world["published"].get_absolute_url()
    with django_assert_num_queries(DOCUMENT_PAGE_QUERIES):
        first = client.get(url)
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_withdrawn_document_is_a_tombstone_at_once(client, world, reviewer):
    document = world["published"]
    assert client.get(document.get_absolute_url()).status_code == 200
    workflow.withdraw(document=document, user=reviewer, reason="Duplicate of document 9.")
    response = client.get(document.get_absolute_url())
    assert response.status_code == 410
    assert b"quarantine line holds" not in response.content
    assert b"Duplicate of document 9." in response.content
    workflow.return_to_draft(document=Document.objects.get(pk=document.pk), user=reviewer)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 404
    assert b"quarantine line holds" not in response.content


def test_unpublished_by_a_direct_status_change_is_not_served_either(client, world):
    document = world["published"]
    assert client.get(document.get_absolute_url()).status_code == 200
    Document.objects.filter(pk=document.pk).update(status="draft")  # no save(), no stamp
    assert client.get(document.get_absolute_url()).status_code == 404


def test_withdrawing_a_linked_document_removes_the_link_at_once(client, world, reviewer):
    page, other = world["published"], world["other"]
    DocumentRelation.objects.create(
        source=page, target=other, relation_type=RelationType.REPLIES_TO
    )
    assert other.title.encode() in client.get(page.get_absolute_url()).content
    workflow.withdraw(document=other, user=reviewer, reason="Misattributed.")
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert other.title.encode() not in response.content


def test_renamed_agent_shows_at_once(client, world):
    page, agent = world["published"], world["agent"]
    assert b"Alexander Akalovsky" in client.get(page.get_absolute_url()).content
    agent = Agent.objects.get(pk=agent.pk)
    agent.authorised_name = "Aleksandr Akalovskii"
    agent.save()
    response = client.get(page.get_absolute_url())
    assert b"Aleksandr Akalovskii" in response.content
    assert b"Alexander Akalovsky" not in response.content


def test_signed_in_users_always_get_a_fresh_page(client, admin_client, world):
    """Staff pages are never cached, and what staff saw is not put in the anonymous
    visitors' cache (a cached page is only ever stored by an anonymous request)."""
    page = world["published"]
    newcomer = AgentFactory(authorised_name="Only In An Event")
    client.get(page.get_absolute_url())
    EventAgent.objects.bulk_create([EventAgent(event=page.events.first(), agent=newcomer)])
    staff_page = admin_client.get(page.get_absolute_url())
    assert b"Only In An Event" in staff_page.content
    # a row written without save() renews the database's stamp: anonymous visitors
    # see it at once too (tests/views/test_document_cache_stamp.py)
    assert b"Only In An Event" in client.get(page.get_absolute_url()).content


def test_cache_off_renders_every_time(client, world, settings, django_assert_num_queries):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    url = world["published"].get_absolute_url()
    client.get(url)
    with django_assert_num_queries(DOCUMENT_PAGE_QUERIES):
        response = client.get(url)
    assert parse(response).cssselect("h1")[0].text == "Telegram about the quarantine"


def test_query_string_and_other_hosts_do_not_share_a_cached_page(client, world):
    document = DocumentFactory(title="Hosted", unit=world["file"])
    url = document.get_absolute_url()
    client.get(url)
    other_host = client.get(url, HTTP_HOST="localhost")
    assert b"http://localhost/" in other_host.content
    assert b"http://testserver/" not in other_host.content
