"""The document page's embedded metadata is the shared Dublin Core / schema.org
mapping of ``catalogue.formats.dc`` (the one OAI-PMH uses), not a copy of it."""

import json

from catalogue.formats import dc
from catalogue.models import Document
from tests.views.conftest import parse


def page_metadata(client, document):
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    tree = parse(response)
    data = json.loads(tree.cssselect('script[type="application/ld+json"]')[0].text)
    meta = [(m.get("name"), m.get("content")) for m in tree.cssselect("head meta[name]")]
    return data, meta


def test_page_metadata_is_the_shared_mapping(client, seeded):
    telegram = seeded["telegram"]
    data, meta = page_metadata(client, telegram)
    document = Document.objects.published().with_public_page().get(pk=telegram.pk)
    base_url = "http://testserver"
    assert data == dc.schema_org(document, base_url)
    tags = dc.dc_meta_tags(document, base_url)
    assert [pair for pair in meta if pair in tags] == tags
    # What OAI-PMH says about the document, the page says too.
    assert {("DC." + e, v) for e, v in dc.dc_elements(document, base_url)} <= set(meta)
    unit = document.unit
    assert {
        "@type": "ArchiveComponent",
        "name": str(unit),
        "url": base_url + unit.get_absolute_url(),
    } in data["isPartOf"]
    assert data["holdingArchive"]["url"] == base_url + unit.repository.get_absolute_url()
    assert data["dateModified"] == document.updated_at.date().isoformat()


def test_json_ld_cannot_close_its_script_element(client, db):
    from tests.factories import DocumentFactory

    document = DocumentFactory(title="</script><script>alert(1)</script> & more")
    response = client.get(document.get_absolute_url())
    assert b"</script><script>alert" not in response.content
    data, _ = page_metadata(client, document)
    assert data["name"] == document.title
