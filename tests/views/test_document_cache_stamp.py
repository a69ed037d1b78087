"""The anonymous document-page cache is keyed on the database's change stamp, so a row
the page shows changed *without* ``save()`` (``update()``, ``bulk_create``, raw SQL) is
seen on the very next request, while the warm page stays one query."""

import pytest
from django.core.cache import cache
from django.db import connection

from catalogue.models import (
    Agent,
    Collection,
    DigitalObject,
    Document,
    DocumentRelation,
    EventAgent,
    Footnote,
    ProvenanceEvent,
    Publication,
    RelationType,
    Subject,
)
from tests.factories import AgentFactory, PublicationFactory, UserFactory

from .test_document import DOCUMENT_PAGE_QUERIES

CACHED_PAGE_QUERIES = 1


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def add_event_agent(world):
    agent = AgentFactory(authorised_name="Zebulon Eventagent")
    page = world["published"]
    EventAgent.objects.bulk_create([EventAgent(event=page.events.first(), agent=agent)])
    return "Zebulon Eventagent"


def edit_event(world):
    ProvenanceEvent.objects.filter(document=world["published"]).update(
        evidence="Drafted by Zebulon."
    )
    return "Drafted by Zebulon."


def link_publication(world):
    publication = PublicationFactory(title="Zebulon Papers")
    ProvenanceEvent.objects.filter(document=world["published"]).update(publication=publication)
    Publication.objects.filter(pk=publication.pk).update(title="Zebulon Papers, revised")
    return "Zebulon Papers, revised"


def add_relation(world):
    DocumentRelation.objects.bulk_create(
        [
            DocumentRelation(
                source=world["published"],
                target=world["other"],
                relation_type=RelationType.REPLIES_TO,
            )
        ]
    )
    return world["other"].title


def add_page_image(world):
    DigitalObject.objects.bulk_create(
        [
            DigitalObject(
                document=world["published"],
                page_number=1,
                image="pages/zebulon.png",
                thumbnail="derivatives/thumbs/zebulon.png",
                web_image="derivatives/web/zebulon.png",
                caption="Zebulon page",
                width=800,
                height=1200,
            )
        ]
    )
    return "zebulon"


def rename_collection(world):
    Collection.objects.filter(pk=world["published"].collection_id).update(name="Zebulon Set")
    return "Zebulon Set"


def rename_agent(world):
    Agent.objects.filter(pk=world["agent"].pk).update(authorised_name="Zebulon Akalovsky")
    return "Zebulon Akalovsky"


def edit_footnote_in_sql(world):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Footnote._meta.db_table} SET text = %s WHERE document_id = %s",
            ["Zebulon note.", world["published"].pk],
        )
    return "Zebulon note."


def rename_subject(world):
    Subject.objects.filter(pk=world["subject"].pk).update(name="Zebulon blockade")
    return "Zebulon blockade"


WRITES = [
    add_event_agent,
    edit_event,
    link_publication,
    add_relation,
    add_page_image,
    rename_collection,
    rename_agent,
    edit_footnote_in_sql,
    rename_subject,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__)
def test_a_write_without_save_shows_on_the_next_anonymous_request(
    client, world, write, django_assert_num_queries
):
    url = world["published"].get_absolute_url()
    client.get(url)
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        warm = client.get(url)

    shown = write(world)
    assert shown.encode() not in warm.content

    with django_assert_num_queries(DOCUMENT_PAGE_QUERIES):
        fresh = client.get(url)
    assert fresh.status_code == 200
    assert shown.encode() in fresh.content
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        again = client.get(url)
    assert again.content == fresh.content


def test_a_linked_document_unpublished_by_update_disappears(client, world):
    page, other = world["published"], world["other"]
    add_relation(world)
    assert other.title.encode() in client.get(page.get_absolute_url()).content
    Document.objects.filter(pk=other.pk).update(status="draft")
    assert other.title.encode() not in client.get(page.get_absolute_url()).content


def test_a_write_elsewhere_keeps_the_cached_page(client, world, django_assert_num_queries):
    """Tables the page does not show do not renew the stamp."""
    url = world["published"].get_absolute_url()
    client.get(url)
    UserFactory(username="visitor")
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        client.get(url)
