"""Sitemap, robots.txt, error pages and the public history of a record."""

from django.template.loader import render_to_string
from lxml import etree

from catalogue.models import Document, PublicationStatus
from tests.factories import DocumentFactory, StaffFactory

from .conftest import parse

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_sections(client) -> list[str]:
    """The section URLs the index at /sitemap.xml lists."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    return [loc.text for loc in tree.iter(f"{{{SITEMAP_NS}}}loc")]


def sitemap_body(client) -> str:
    """Every section of the sitemap, concatenated."""
    bodies = []
    for url in sitemap_sections(client):
        response = client.get(url)
        assert response.status_code == 200
        bodies.append(response.content.decode())
    return "\n".join(bodies)


def test_sitemap_lists_only_public_pages(client, world):
    body = sitemap_body(client)
    assert world["published"].get_absolute_url() in body
    assert world["other"].get_absolute_url() in body
    assert world["agent"].get_absolute_url() in body
    assert world["file"].get_absolute_url() in body
    assert world["repository"].get_absolute_url() in body
    for hidden in [world["draft"], world["withdrawn"], world["hidden_agent"], world["empty_file"]]:
        assert hidden.get_absolute_url() not in body


def test_sitemap_is_an_index_of_paginated_sections(client, world, settings):
    from catalogue import sitemaps

    sections = sitemap_sections(client)
    assert "http://testserver/sitemap-documents.xml" in sections
    assert all(url.startswith("http://testserver/sitemap-") for url in sections)
    for _ in range(3):
        DocumentFactory(unit=world["file"])
    published = list(Document.objects.published().order_by("pk"))
    sitemaps.DocumentSitemap.limit = 2
    try:
        sections = sitemap_sections(client)
        pages = [u for u in sections if "sitemap-documents.xml" in u]
        assert len(pages) == (len(published) + 1) // 2 >= 2
        listed = []
        for url in pages:
            tree = etree.fromstring(client.get(url).content)
            listed += [loc.text for loc in tree.iter(f"{{{SITEMAP_NS}}}loc")]
    finally:
        sitemaps.DocumentSitemap.limit = sitemaps.PAGE_SIZE
    assert listed == [f"http://testserver{d.get_absolute_url()}" for d in published]


def test_robots_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_404_in_the_site_style(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    tree = parse(response)
    assert tree.cssselect("h1")[0].text == "Page not found"
    assert tree.cssselect("link[rel=stylesheet]")


def test_500_page_renders_without_a_request_or_database():
    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'lang="en"' in html


def test_public_history_names_changed_fields_never_unpublished_content_or_staff(client, world):
    document = world["published"]
    staff = StaffFactory(username="jsmith-archivist")
    document._history_user = staff
    document.title = "Telegram about the quarantine line"
    document.save()
    document.status = PublicationStatus.DRAFT
    document.text = "unpublished wording xray"
    document.save()
    document.text = "final wording"
    document.status = PublicationStatus.PUBLISHED
    document.save()
    response = client.get(f"/documents/{document.pk}/history/")
    assert response.status_code == 200
    tree = parse(response)
    entries = [li.text_content() for li in tree.cssselect("ol.history li")]
    assert len(entries) == 3
    assert "Published by an archivist" in entries[-1]
    assert "title" in entries[1]
    assert "text" in entries[0]
    content = response.content.decode()
    assert "xray" not in content and "jsmith" not in content


def test_history_of_hidden_documents(client, world):
    assert client.get(f"/documents/{world['draft'].pk}/history/").status_code == 404
    assert client.get(f"/documents/{world['withdrawn'].pk}/history/").status_code == 410


def test_history_queries_do_not_grow(client, world, django_assert_num_queries):
    document = world["published"]
    url = f"/documents/{document.pk}/history/"
    with django_assert_num_queries(2):
        client.get(url)
    for i in range(10):
        document.title = f"Title {i}"
        document.save()
    with django_assert_num_queries(2):
        response = client.get(url)
    assert len(parse(response).cssselect("ol.history li")) == 11


def test_sitemap_queries_do_not_grow(client, world, django_assert_num_queries):
    # The index: a count per section, the change stamp and the documents' latest
    # change (then cached until the catalogue changes).
    with django_assert_num_queries(6):
        client.get("/sitemap.xml")
    with django_assert_num_queries(5):
        client.get("/sitemap.xml")
    # A section page: its count and its rows, whatever it holds.
    with django_assert_num_queries(2):
        client.get("/sitemap-documents.xml")
    for _ in range(10):
        DocumentFactory(unit=world["file"])
    with django_assert_num_queries(6):
        index = client.get("/sitemap.xml").content.decode()
    latest = Document.objects.published().latest("updated_at").updated_at
    assert f"<lastmod>{latest:%Y-%m-%dT%H:%M:%S}" in index  # not the cached one
    for section in ("documents", "agents", "units", "repositories"):
        with django_assert_num_queries(2):
            client.get(f"/sitemap-{section}.xml")


def test_sitemap_does_not_list_what_robots_disallows(client, world):
    body = sitemap_body(client)
    assert "/search/" not in body and "/history/" not in body
    assert "<loc>http://testserver/chronology/</loc>" in body
