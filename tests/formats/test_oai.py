"""OAI-PMH harvested by a real client (Sickle) over HTTP against the live server."""

import datetime

import pytest
from lxml import etree
from sickle import Sickle, oaiexceptions
from sickle.iterator import OAIResponseIterator

from catalogue.formats import dc, ead
from catalogue.models import Document
from tests.factories import DocumentFactory, UnitFactory

from .conftest import build_archive

pytestmark = pytest.mark.django_db(transaction=True)
OAI = "{http://www.openarchives.org/OAI/2.0/}"
REPO_ID = "catalogue.test"


@pytest.fixture
def harvest(live_server, settings):
    settings.OAI_PAGE_SIZE = 2
    settings.OAI_REPOSITORY_IDENTIFIER = REPO_ID
    settings.OAI_ADMIN_EMAIL = "archivist@catalogue.test"
    archive = build_archive()
    archive.extra = [DocumentFactory(unit=archive.telcons) for _ in range(3)]
    return Sickle(f"{live_server.url}/oai/"), archive


def oai_id(document):
    return f"oai:{REPO_ID}:document/{document.pk}"


def _stamp(document, when):
    Document.objects.filter(pk=document.pk).update(updated_at=when)


def test_identify(harvest, live_server):
    sickle, _ = harvest
    identify = sickle.Identify()
    assert identify.repositoryName
    assert identify.baseURL == f"{live_server.url}/oai/"
    assert identify.protocolVersion == "2.0"
    assert identify.adminEmail == "archivist@catalogue.test"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.deletedRecord == "transient"
    datetime.datetime.strptime(identify.earliestDatestamp, "%Y-%m-%dT%H:%M:%SZ")


def test_list_metadata_formats(harvest):
    sickle, archive = harvest
    formats = {f.metadataPrefix: f.metadataNamespace for f in sickle.ListMetadataFormats()}
    assert formats == {
        "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
        "ead3": "http://ead3.archivists.org/schema/",
    }
    per_item = [
        f.metadataPrefix for f in sickle.ListMetadataFormats(identifier=oai_id(archive.telcon))
    ]
    assert per_item == ["oai_dc", "ead3"]
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        list(sickle.ListMetadataFormats(identifier=oai_id(archive.draft)))


def test_list_records_pages_with_resumption_tokens(harvest):
    sickle, archive = harvest
    published = [archive.telcon, archive.telegram, *archive.extra]
    responses = list(
        OAIResponseIterator(sickle, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    )
    assert len(responses) == 3  # 6 records, 2 per page
    tokens = [r.xml.find(f".//{OAI}resumptionToken") for r in responses]
    assert [t.get("cursor") for t in tokens] == ["0", "2", "4"]
    assert {t.get("completeListSize") for t in tokens} == {"6"}
    assert tokens[-1].text is None  # the last page says the list is complete
    assert tokens[-1].get("expirationDate") is None
    expires = datetime.datetime.strptime(tokens[0].get("expirationDate"), "%Y-%m-%dT%H:%M:%SZ")
    assert expires.replace(tzinfo=datetime.UTC) > datetime.datetime.now(datetime.UTC)

    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    by_id = {r.header.identifier: r for r in records}
    assert set(by_id) == {oai_id(d) for d in [*published, archive.withdrawn]}
    assert oai_id(archive.draft) not in by_id
    deleted = by_id[oai_id(archive.withdrawn)]
    assert deleted.deleted and deleted.header.deleted
    assert deleted.xml.find(f"{OAI}metadata") is None
    telcon = by_id[oai_id(archive.telcon)]
    assert not telcon.deleted
    assert telcon.metadata["title"] == [archive.telcon.title]
    assert telcon.metadata["creator"] == ["Rusk, Dean"]
    assert telcon.metadata["date"] == ["1962-10-31"]
    assert telcon.header.setSpecs == [
        archive.state.slug,
        f"{archive.state.slug}:u{archive.ball_papers.pk}",
        f"{archive.state.slug}:u{archive.ball_papers.pk}:u{archive.telcons.pk}",
    ]
    live = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=True))
    assert {h.identifier for h in live} == {oai_id(d) for d in published}


def test_get_record_in_both_formats(harvest, ead_schema):
    sickle, archive = harvest
    record = sickle.GetRecord(identifier=oai_id(archive.telegram), metadataPrefix="oai_dc")
    assert record.metadata["title"] == [archive.telegram.title]
    assert record.metadata["date"] == ["1962-10"]
    record = sickle.GetRecord(identifier=oai_id(archive.telcon), metadataPrefix="ead3")
    finding_aid = record.xml.find(f".//{{{ead.EAD_NS}}}ead")
    assert ead_schema.validate(etree.fromstring(etree.tostring(finding_aid))), ead_schema.error_log
    deleted = sickle.GetRecord(identifier=oai_id(archive.withdrawn), metadataPrefix="ead3")
    assert deleted.deleted


def test_list_sets_follow_the_arrangement(harvest):
    sickle, archive = harvest
    UnitFactory(repository=archive.state, title="Empty collection")
    listed = list(sickle.ListSets())
    sets = {s.setSpec: s.setName for s in listed}
    ball = next(s for s in listed if s.setSpec.endswith(f":u{archive.ball_papers.pk}"))
    description = ball.xml.find(
        f"{OAI}setDescription/{{{dc.OAI_DC_NS}}}dc/{{{dc.DC_NS}}}description"
    )
    assert description.text == archive.ball_papers.scope_note
    slug = archive.state.slug
    assert sets == {
        slug: "Department of State",
        f"{slug}:u{archive.ball_papers.pk}": str(archive.ball_papers),
        f"{slug}:u{archive.ball_papers.pk}:u{archive.telcons.pk}": "Telcons--Cuba",
    }
    telcons = f"{slug}:u{archive.ball_papers.pk}:u{archive.telcons.pk}"
    in_file = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set=telcons)}
    assert in_file == {oai_id(d) for d in [archive.telcon, archive.withdrawn, *archive.extra]}
    whole = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set=slug)}
    assert len(whole) == 6
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set=f"{slug}:u{archive.telcons.pk}"))


def test_from_and_until(harvest):
    sickle, archive = harvest
    utc = datetime.UTC
    for document in Document.objects.all():
        _stamp(document, datetime.datetime(2024, 1, 1, tzinfo=utc))
    _stamp(archive.telcon, datetime.datetime(2021, 6, 15, 12, 30, 0, 400000, tzinfo=utc))
    _stamp(archive.telegram, datetime.datetime(2021, 6, 16, 8, 0, tzinfo=utc))
    _stamp(archive.withdrawn, datetime.datetime(2020, 3, 1, tzinfo=utc))

    def ids(**kwargs):
        return {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", **kwargs)}

    assert ids(**{"from": "2021-01-01", "until": "2021-12-31"}) == {
        oai_id(archive.telcon),
        oai_id(archive.telegram),
    }
    assert ids(until="2021-06-15") == {oai_id(archive.telcon), oai_id(archive.withdrawn)}
    exact = {"from": "2021-06-15T12:30:00Z", "until": "2021-06-15T12:30:00Z"}
    assert ids(**exact) == {oai_id(archive.telcon)}
    header = next(iter(sickle.ListIdentifiers(metadataPrefix="oai_dc", **exact)))
    assert header.datestamp == "2021-06-15T12:30:00Z"
    assert ids(**{"from": "2021-06-15T12:30:01Z", "until": "2021-06-16T08:00:00Z"}) == {
        oai_id(archive.telegram)
    }
    assert sickle.Identify().earliestDatestamp == "2020-03-01T00:00:00Z"
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        ids(until="2019-12-31")


def test_error_codes(harvest, live_server):
    sickle, archive = harvest
    with pytest.raises(oaiexceptions.BadVerb):
        OAIResponseIterator(sickle, {"verb": "Frobnicate"})
    with pytest.raises(oaiexceptions.BadVerb):
        OAIResponseIterator(sickle, {})
    for params in (
        {"verb": "ListRecords"},  # metadataPrefix missing
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "colour": "red"},
        {"verb": "GetRecord", "identifier": oai_id(archive.telcon)},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "yesterday"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2021-02-30"},
        {
            "verb": "ListIdentifiers",
            "metadataPrefix": "oai_dc",
            "from": "2021-01-01",
            "until": "2021-01-01T00:00:00Z",
        },
        {
            "verb": "ListIdentifiers",
            "metadataPrefix": "oai_dc",
            "from": "2022-01-01",
            "until": "2021-01-01",
        },
        {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
    ):
        with pytest.raises(oaiexceptions.BadArgument):
            OAIResponseIterator(sickle, params)
    with pytest.raises(oaiexceptions.CannotDisseminateFormat):
        list(sickle.ListRecords(metadataPrefix="marc21"))
    with pytest.raises(oaiexceptions.CannotDisseminateFormat):
        sickle.GetRecord(identifier=oai_id(archive.telcon), metadataPrefix="marc21")
    for identifier in (oai_id(archive.draft), "oai:elsewhere.org:document/1", "nonsense"):
        with pytest.raises(oaiexceptions.IdDoesNotExist):
            sickle.GetRecord(identifier=identifier, metadataPrefix="oai_dc")
    with pytest.raises(oaiexceptions.BadResumptionToken):
        list(sickle.ListRecords(resumptionToken="forged-token"))
    first = next(
        iter(OAIResponseIterator(sickle, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}))
    )
    token = first.xml.find(f".//{OAI}resumptionToken").text
    with pytest.raises(oaiexceptions.BadResumptionToken):  # a ListIdentifiers token for ListRecords
        list(sickle.ListRecords(resumptionToken=token))
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        list(sickle.ListRecords(metadataPrefix="oai_dc", set="no-such-repository"))
    # Errors for bad verbs/arguments echo the base URL without attributes.
    response = sickle.harvest(verb="Nope")
    request = response.xml.find(f"{OAI}request")
    assert request.attrib == {} and request.text == f"{live_server.url}/oai/"
    assert response.xml.find(f"{OAI}error").get("code") == "badVerb"


def test_post_requests_work_too(harvest):
    _, archive = harvest
    sickle = Sickle(harvest[0].endpoint, http_method="POST")
    record = sickle.GetRecord(identifier=oai_id(archive.telcon), metadataPrefix="oai_dc")
    assert record.metadata["title"] == [archive.telcon.title]
