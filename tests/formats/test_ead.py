import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from catalogue.formats import ead
from tests.factories import DocumentAgentFactory, DocumentFactory, UnitFactory

NS = {"e": ead.EAD_NS}
BASE = "https://catalogue.test"


def _validate(schema, root):
    assert schema.validate(root), schema.error_log


def test_unit_finding_aid_validates_and_nests_components(archive, ead_schema):
    root = ead.unit_finding_aid(archive.ball_papers, BASE)
    _validate(ead_schema, root)
    archdesc = root.find("e:archdesc", NS)
    assert archdesc.get("level") == "collection"
    assert archdesc.findtext("e:did/e:unitid", namespaces=NS) == "Lot 74 D 272"
    assert archdesc.findtext("e:did/e:repository/e:corpname/e:part", namespaces=NS) == (
        "Department of State"
    )
    assert archdesc.findtext("e:did/e:origination/e:persname/e:part", namespaces=NS) == (
        "Ball, George W."
    )
    assert archdesc.find("e:did/e:unitdate", NS).get("normal") == "1961-01-01/1966-12-31"
    # The file component holds its published telcon; the telegram sits directly in the dsc.
    file_c = archdesc.find(f"e:dsc/e:c[@id='unit-{archive.telcons.pk}']", NS)
    assert file_c.get("level") == "file"
    items = file_c.findall("e:c", NS)
    assert [c.get("id") for c in items] == [f"document-{archive.telcon.pk}"]
    telcon = items[0]
    assert telcon.find("e:did/e:unitdate", NS).get("normal") == "1962-10-31"
    assert telcon.find("e:did/e:unitdate", NS).get("certainty") == "inferred"
    restrict = " ".join(telcon.xpath("e:accessrestrict/e:p/text()", namespaces=NS))
    assert "Top Secret" in restrict and "Eyes Only" in restrict and "Niact" in restrict
    names = telcon.findall("e:controlaccess/e:persname", NS)
    relators = {n.findtext("e:part", namespaces=NS): n.get("relator") for n in names}
    assert relators == {"Rusk, Dean": "author", "Stevenson, Adlai": "participant recipient"}
    direct = archdesc.find(f"e:dsc/e:c[@id='document-{archive.telegram.pk}']", NS)
    assert direct.find("e:did/e:unitdate", NS).get("normal") == "1962-10"
    assert [u.text for u in direct.findall("e:did/e:unitid", NS)] == [
        str(archive.telegram.pk),
        "1581",
    ]


def test_finding_aid_leaves_out_unpublished_records_and_empty_units(archive):
    xml = ead.to_bytes(ead.unit_finding_aid(archive.ball_papers, BASE)).decode()
    assert archive.telcon.title in xml
    assert archive.draft.title not in xml
    assert archive.withdrawn.title not in xml
    assert "Unpublished file" not in xml
    assert "Hidden, Person" not in xml


def test_document_record_validates(archive, ead_schema):
    from catalogue.models import Document

    document = Document.objects.with_description().get(pk=archive.telcon.pk)
    root = ead.document_record(document, BASE)
    _validate(ead_schema, root)
    archdesc = root.find("e:archdesc", NS)
    assert archdesc.get("level") == "item"
    assert archdesc.findtext("e:did/e:physloc", namespaces=NS) == "Telcons--Cuba"


@pytest.mark.django_db
def test_unit_view_serves_xml_with_fixed_query_count(archive, client, django_assert_num_queries):
    url = reverse("catalogue:unit-ead", kwargs={"pk": archive.ball_papers.pk})
    # Is the unit public; the stamp; the unit again, then the finding aid's reads, after
    # the stamp; the stamp again, to keep the copy.
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    for n in range(5):
        unit = UnitFactory(repository=archive.state, parent=archive.ball_papers, title=f"File {n}")
        for _ in range(2):
            doc = DocumentFactory(unit=unit)
            DocumentAgentFactory(document=doc)
    with django_assert_num_queries(11):
        response = client.get(url)
    root = etree.fromstring(response.content)
    assert len(root.findall(".//e:c[@level='item']", NS)) == 12
    with django_assert_num_queries(2):  # unchanged since: the unit, the stamp, the copy
        assert client.get(url).content == response.content


def _access_points(archdesc):
    access = archdesc.find("e:controlaccess", NS)
    names = {
        (n.findtext("e:part", namespaces=NS), frozenset((n.get("relator") or "").split()))
        for n in access
        if n.tag.endswith("name")
    }
    parts = {
        tag: sorted(access.xpath(f"e:{tag}/e:part/text()", namespaces=NS))
        for tag in ("subject", "genreform")
    }
    return names, parts


def test_a_unit_too_large_for_the_web_lists_its_units_not_its_items(
    archive, client, ead_schema, django_assert_num_queries, monkeypatch
):
    """Past ``WEB_MAX_ITEMS`` the served finding aid is the tree of units, each pointing
    to its own finding aid, with the same access points as the full one, in a fixed
    number of queries; ``export_ead`` still writes every item."""
    monkeypatch.setattr(ead, "WEB_MAX_ITEMS", 1)
    url = reverse("catalogue:unit-ead", kwargs={"pk": archive.ball_papers.pk})
    with django_assert_num_queries(11):
        response = client.get(url)
    root = etree.fromstring(response.content)
    _validate(ead_schema, root)
    assert root.findall(".//e:c[@level='item']", NS) == []
    archdesc = root.find("e:archdesc", NS)
    pointer = archdesc.find("e:otherfindaid/e:p", NS)
    assert "holds 2 published documents" in pointer.text
    search = pointer.find("e:ref", NS).get("href")
    assert search == f"http://testserver/search/?unit={archive.ball_papers.pk}&sort=date"
    file_c = archdesc.find(f"e:dsc/e:c[@id='unit-{archive.telcons.pk}']", NS)
    ref = file_c.find("e:otherfindaid/e:p/e:ref", NS)
    assert ref.get("href") == f"http://testserver/units/{archive.telcons.pk}/ead.xml"
    assert ref.tail == " (1 published document)."
    full = ead.unit_finding_aid(archive.ball_papers, BASE).find("e:archdesc", NS)
    assert _access_points(archdesc) == _access_points(full)
    xml = response.content.decode()
    assert archive.draft.title not in xml and archive.withdrawn.title not in xml
    assert "Unpublished file" not in xml and "Hidden, Person" not in xml
    for n in range(3):
        DocumentAgentFactory(document=DocumentFactory(unit=archive.telcons, title=f"More {n}"))
    with django_assert_num_queries(11):
        client.get(url)
    exported = ead.unit_finding_aid(archive.ball_papers, BASE)  # no limit
    assert len(exported.findall(".//e:c[@level='item']", NS)) == 5


def test_unit_with_only_drafts_is_not_found(archive, client):
    response = client.get(reverse("catalogue:unit-ead", kwargs={"pk": archive.drafts_only.pk}))
    assert response.status_code == 404


def test_export_ead_command(archive, tmp_path, capsys, ead_schema):
    call_command("export_ead", str(archive.ball_papers.pk))
    root = etree.fromstring(capsys.readouterr().out.encode())
    _validate(ead_schema, root)
    out = tmp_path / "ead.xml"
    call_command("export_ead", "Lot 74 D 272", "--output", str(out))
    assert (
        etree.parse(str(out)).getroot().findtext("e:archdesc/e:did/e:unittitle", namespaces=NS)
        == "Ball Papers"
    )
    call_command("export_ead", "Telcons--Cuba", "--output", str(out))
    assert etree.parse(str(out)).getroot().find("e:archdesc", NS).get("level") == "file"


def test_export_ead_command_errors(archive):
    with pytest.raises(CommandError, match="No archival unit"):
        call_command("export_ead", "No such papers")
    UnitFactory(repository=archive.state, title="Telcons--Cuba")
    with pytest.raises(CommandError, match="matches 2 units"):
        call_command("export_ead", "Telcons--Cuba")
    with pytest.raises(CommandError, match="no published documents"):
        call_command("export_ead", str(archive.drafts_only.pk))
