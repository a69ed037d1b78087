from django.urls import reverse
from lxml import etree

from catalogue.formats import dc
from catalogue.models import Document

BASE = "https://catalogue.test"


def _described(document):
    return Document.objects.published().with_description().get(pk=document.pk)


def test_dublin_core_mapping(archive):
    telcon = _described(archive.telcon)
    elements = dc.dc_elements(telcon, BASE)
    by_name = {}
    for name, value in elements:
        by_name.setdefault(name, []).append(value)
    assert set(by_name) <= set(dc.DC_ELEMENTS)
    assert by_name["title"] == [archive.telcon.title]
    assert by_name["creator"] == ["Rusk, Dean"]
    assert by_name["date"] == ["1962-10-31"]
    assert by_name["type"] == ["Text", "Memorandum of telephone conversation"]
    assert by_name["subject"] == ["Cuba -- Missile Crisis", "Cuba."]
    assert by_name["identifier"] == [f"{BASE}{archive.telcon.get_absolute_url()}"]
    assert "Addressed to Stevenson, Adlai" in by_name["description"][0]
    assert by_name["rights"] == ["Original classification: Top Secret."]
    telegram = dict(dc.dc_elements(_described(archive.telegram), BASE))
    assert telegram["date"] == "1962-10"
    assert "contributor" not in telegram or telegram["contributor"] == "Rusk, Dean"


def test_oai_dc_element_and_meta_tags_share_the_mapping(archive):
    telcon = _described(archive.telcon)
    root = dc.oai_dc_element(telcon, BASE)
    values = [(etree.QName(el).localname, el.text) for el in root]
    assert values == dc.dc_elements(telcon, BASE)
    tags = dc.dc_meta_tags(telcon, BASE)
    assert ("DC.title", archive.telcon.title) in tags
    assert ("citation_author", "Rusk, Dean") in tags
    assert ("citation_date", "1962-10-31") in tags


def test_schema_org(archive):
    data = dc.schema_org(_described(archive.telcon), BASE)
    assert data["@type"] == "ArchiveComponent"
    assert data["creator"] == [
        {
            "@type": "Person",
            "name": "Rusk, Dean",
            "url": f"{BASE}{archive.rusk.get_absolute_url()}",
        }
    ]
    assert data["holdingArchive"]["name"] == "Department of State"
    assert data["holdingArchive"]["url"] == f"{BASE}{archive.state.get_absolute_url()}"
    assert data["isPartOf"][1]["url"] == f"{BASE}{archive.telcons.get_absolute_url()}"
    assert data["dateCreated"] == "1962-10-31"


def test_data_page_lists_every_format(archive, client, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get(reverse("catalogue:data-formats"))
    assert response.status_code == 200
    html = response.content.decode()
    for name, kwargs in (
        ("unit-ead", {"pk": archive.ball_papers.pk}),
        ("agent-eac", None),
        ("oai", None),
        ("document-prov-ttl", {"pk": archive.telcon.pk}),
        ("document-prov-jsonld", {"pk": archive.telcon.pk}),
        ("catalogue-prov-ttl", None),
        ("catalogue-prov-jsonld", None),
        ("documents-csv", None),
        ("agents-csv", None),
    ):
        if name == "agent-eac":
            assert "/eac.xml" in html
            continue
        assert f'href="{reverse(f"catalogue:{name}", kwargs=kwargs)}' in html, name
    assert "Data and formats" in html and "IIIF" in html and "schema.org" in html
