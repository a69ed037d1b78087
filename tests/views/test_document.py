"""The document page: metadata, text with two-way footnote links, source note, provenance,
agents, related documents, images, citation, JSON-LD, Dublin Core, stable URLs."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalogue.models import DigitalObject, DocumentRelation, PublicationStatus, RelationType
from tests.factories import DocumentFactory, DraftDocumentFactory

from .conftest import enrich, parse

# The document with its card, caveats, subjects, footnotes, page images, agents, events,
# event agents, relations, incoming relations, and the unit's ancestors. (12 before:
# citations were prefetched but the page never showed them.)
DOCUMENT_PAGE_QUERIES = 11


def get_page(client, document):
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    return response, parse(response)


def test_seed_document_page_presents_the_record(client, seeded):
    telegram = seeded["telegram"]
    response, tree = get_page(client, telegram)
    assert [h.text_content().strip() for h in tree.cssselect("h1")] == [telegram.title]
    text = tree.text_content()
    for fact in ["New York", "October 31, 1962", "1581", "Confidential", "Telegram"]:
        assert fact in text
    # footnote marker ↔ footnote, both ways
    marker = tree.cssselect("sup#fnref-1 a")[0]
    assert marker.get("href") == "#fn-1"
    footnote = tree.cssselect("li#fn-1")[0]
    assert "Gilpatric" in footnote.text_content()
    assert footnote.cssselect("a.fn-back")[0].get("href") == "#fnref-1"
    # source note parts linked to the unit pages
    note_links = {a.text_content(): a.get("href") for a in tree.cssselect(".source-note a")}
    usun = telegram.unit.parent
    assert note_links["USUN Files"] == usun.get_absolute_url()
    assert note_links["NYFRC 84-84-001"] == usun.get_absolute_url()
    assert note_links["October-November Meetings"] == telegram.unit.get_absolute_url()
    # provenance timeline, in order, with evidence
    events = [e.text_content() for e in tree.cssselect("ol.timeline > li h3")]
    assert events[:3] == ["Drafted", "Concurred", "Sent"]
    assert "Source note: Drafted by Akalovsky." in tree.cssselect("ol.timeline")[0].text_content()
    # agents with roles
    roles = tree.cssselect("dl.roles")[0].text_content()
    assert "Drafter" in roles and "Alexander Akalovsky" in roles


def test_footnote_markers_only_link_existing_footnotes(client, seeded):
    memo = seeded["memo"]
    _, tree = get_page(client, memo)
    assert [s.get("id") for s in tree.cssselect("sup.fn-ref")] == ["fnref-1", "fnref-2", "fnref-3"]
    assert [li.get("id") for li in tree.cssselect("ol.footnotes li")] == ["fn-1", "fn-2", "fn-3"]


def test_text_is_escaped(client, db):
    document = DocumentFactory(text="<script>alert('x')</script> (1) hello")
    response, tree = get_page(client, document)
    assert b"<script>alert" not in response.content
    assert "hello" in tree.cssselect(".doc-text")[0].text_content()


def test_json_ld_and_dublin_core(client, seeded):
    telegram = seeded["telegram"]
    response, tree = get_page(client, telegram)
    data = json.loads(tree.cssselect('script[type="application/ld+json"]')[0].text)
    assert data["@type"] == "ArchiveComponent"
    assert data["name"] == telegram.title
    assert data["dateCreated"] == "1962-10-31"
    assert data["holdingArchive"]["name"] == "New York Federal Records Center"
    assert "Alexander Akalovsky" in {c["name"] for c in data["creator"]}
    assert data["url"].endswith(telegram.get_absolute_url())
    meta = {}
    for element in tree.cssselect("meta[name^='DC.']"):
        meta.setdefault(element.get("name"), []).append(element.get("content"))
    assert meta["DC.title"] == [telegram.title]
    assert meta["DC.date"] == ["1962-10-31"]
    assert "Alexander Akalovsky" in meta["DC.creator"]
    assert meta["DC.identifier"][0].endswith(telegram.get_absolute_url())


def test_citation_catalogue_record_and_machine_readable_links(client, seeded):
    telegram = seeded["telegram"]
    _, tree = get_page(client, telegram)
    citation = tree.cssselect("#citation-text")[0].text_content()
    assert f"“{telegram.title},”" in citation
    assert "http://testserver" + telegram.get_absolute_url() in citation
    assert "no. 1581" in citation
    record = tree.cssselect("[aria-labelledby=record-title]")[0].text_content()
    assert "Catalogued on" in record and "import run" in record
    assert telegram.source_file.rsplit("/", 1)[-1] in record
    assert "Last revised on" in record
    hrefs = {a.get("href") for a in tree.cssselect(".formats a")}
    assert reverse("api:document-detail", args=[telegram.pk]) in hrefs
    history = reverse("catalogue:document-history", args=[telegram.pk])
    assert tree.cssselect(f'a[href="{history}"]')


def test_related_documents_show_only_published_targets(client, world):
    source = world["published"]
    DocumentRelation.objects.create(
        source=source, target=world["other"], relation_type=RelationType.REPLIES_TO
    )
    DocumentRelation.objects.create(
        source=source,
        target=world["draft"],
        relation_type=RelationType.REFERS_TO,
        target_label="Document 102",
    )
    DocumentRelation.objects.create(
        source=world["draft"], target=source, relation_type=RelationType.CITES
    )
    response, tree = get_page(client, source)
    related = tree.cssselect(".related")[0]
    assert world["other"].get_absolute_url() in [a.get("href") for a in related.cssselect("a")]
    assert "Document 102" in related.text_content()
    assert b"zanzibar" not in response.content
    assert world["draft"].get_absolute_url().encode() not in response.content


def test_incoming_links_from_published_documents_are_shown(client, world):
    DocumentRelation.objects.create(
        source=world["other"], target=world["published"], relation_type=RelationType.CITES
    )
    _, tree = get_page(client, world["published"])
    assert world["other"].get_absolute_url() in [
        a.get("href") for a in tree.cssselect(".related a")
    ]


def test_page_images_link_thumbnails_to_the_full_image(client, db):
    document = DocumentFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, "PNG")
    page = DigitalObject.objects.create(
        document=document,
        page_number=1,
        image=SimpleUploadedFile("p1.png", buffer.getvalue(), content_type="image/png"),
        thumbnail=SimpleUploadedFile("t1.png", buffer.getvalue(), content_type="image/png"),
    )
    _, tree = get_page(client, document)
    link = tree.cssselect(".page-images a")[0]
    assert link.get("href") == page.image.url
    image = link.cssselect("img")[0]
    assert image.get("src") == page.thumbnail.url and image.get("alt").startswith("Page 1")


def test_wrong_slug_and_short_url_redirect_permanently(client, world):
    document = world["published"]
    response = client.get(f"/documents/{document.pk}/not-the-slug/")
    assert response.status_code == 301 and response["Location"] == document.get_absolute_url()
    response = client.get(f"/documents/{document.pk}/")
    assert response.status_code == 301 and response["Location"] == document.get_absolute_url()


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW])
def test_unpublished_documents_do_not_exist_for_the_public(client, db, status):
    document = DraftDocumentFactory(status=status, title="Hidden quebec")
    for url in [document.get_absolute_url(), f"/documents/{document.pk}/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert b"quebec" not in response.content.lower()


def test_withdrawn_document_is_a_tombstone(client, world):
    withdrawn = world["withdrawn"]
    for url in [
        withdrawn.get_absolute_url(),
        f"/documents/{withdrawn.pk}/",
        f"/documents/{withdrawn.pk}/x/",
    ]:
        response = client.get(url)
        assert response.status_code == 410
        tree = parse(response)
        assert len(tree.cssselect("h1")) == 1
        assert "withdrawn" in tree.cssselect("h1")[0].text_content()
        assert "Duplicate of document 1." in tree.text_content()
        assert "yankee" not in tree.text_content().lower()


def test_document_page_queries_do_not_grow_with_related_rows(
    client, world, django_assert_num_queries
):
    small = world["published"]
    big = enrich(DocumentFactory(unit=world["file"]), 12)
    with django_assert_num_queries(DOCUMENT_PAGE_QUERIES):
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_num_queries(DOCUMENT_PAGE_QUERIES):
        response = client.get(big.get_absolute_url())
    assert response.status_code == 200
    tree = parse(response)
    assert len(tree.cssselect("ol.footnotes li")) == 12
    assert len(tree.cssselect("ol.timeline > li")) == 12


def test_every_agent_link_on_the_page_leads_to_a_public_agent_page(client, seeded):
    from catalogue.models import EventAgent
    from tests.factories import AgentFactory

    telegram = seeded["telegram"]
    outsider = AgentFactory(authorised_name="Only In An Event")
    EventAgent.objects.create(event=telegram.events.first(), agent=outsider, role="")
    _, tree = get_page(client, telegram)
    agent_links = {a.get("href") for a in tree.cssselect("a[href^='/agents/']")}
    assert agent_links
    for href in agent_links:
        assert client.get(href).status_code == 200, href
    assert "Only In An Event" in tree.text_content()


def test_a_sparse_record_still_renders(client, db):
    from catalogue.models import DatePrecision

    document = DocumentFactory(
        title="Editorial note",
        unit=None,
        date=None,
        date_precision=DatePrecision.UNKNOWN,
        classification=None,
        text="",
        source_note="",
        place="",
    )
    response, tree = get_page(client, document)
    data = json.loads(tree.cssselect('script[type="application/ld+json"]')[0].text)
    assert "dateCreated" not in data and "holdingArchive" not in data
    assert "Undated" in tree.cssselect(".dateline")[0].text_content()
    assert "“Editorial note,”" in tree.cssselect("#citation-text")[0].text_content()


def test_month_precision_dates_are_not_made_more_precise(client, db):
    import datetime

    from catalogue.models import DatePrecision

    document = DocumentFactory(date=datetime.date(1962, 11, 1), date_precision=DatePrecision.MONTH)
    _, tree = get_page(client, document)
    data = json.loads(tree.cssselect('script[type="application/ld+json"]')[0].text)
    assert data["dateCreated"] == "1962-11"
    assert tree.cssselect("meta[name='DC.date']")[0].get("content") == "1962-11"
    assert "November 1962" in tree.cssselect(".dateline")[0].text_content()
