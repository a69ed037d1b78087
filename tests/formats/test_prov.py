import json

import pytest
from django.urls import reverse
from rdflib import BNode, Graph, URIRef
from rdflib import namespace as rdf_ns
from rdflib.namespace import RDF, RDFS

from catalogue.formats import prov
from catalogue.formats.prov import PROV
from tests.factories import DocumentAgentFactory, DocumentFactory, EventFactory

BASE = "http://testserver"


def _graph(client, name, pk=None, fmt="turtle"):
    kwargs = {"pk": pk} if pk else {}
    response = client.get(reverse(f"catalogue:{name}", kwargs=kwargs))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    graph = Graph()
    graph.parse(data=body.decode(), format=fmt)
    return graph


def _node(document, fragment):
    return URIRef(f"{BASE}/documents/{document.pk}/#{fragment}")


def test_document_graph_structure(archive, client):
    g = _graph(client, "document-prov-ttl", archive.telcon.pk)
    doc = archive.telcon
    original, description = _node(doc, "original"), _node(doc, "description")
    frus = _node(doc, f"print-{archive.frus.slug}")
    avalon = _node(doc, f"transcription-{archive.avalon.slug}")
    for entity in (original, description, frus, avalon):
        assert (entity, RDF.type, PROV.Entity) in g
    # The derivation chain: archival original → FRUS print → Avalon text → our description.
    assert (frus, PROV.wasDerivedFrom, original) in g
    assert (avalon, PROV.wasDerivedFrom, frus) in g
    assert (description, PROV.wasDerivedFrom, avalon) in g
    assert set(g.objects(avalon, PROV.wasDerivedFrom)) == {frus}

    created = _node(doc, f"event-{archive.events.drafted.pk}")
    assert (created, RDF.type, PROV.Activity) in g
    assert (original, PROV.wasGeneratedBy, created) in g
    start = g.value(created, PROV.startedAtTime)
    assert start.datatype == rdf_ns.XSD.dateTime and str(start) == "1962-10-31T23:15:00"
    published = _node(doc, f"event-{archive.events.published.pk}")
    assert str(g.value(published, PROV.startedAtTime)) == "1996-01-01T00:00:00"
    assert str(g.value(published, PROV.endedAtTime)) == "1996-12-31T23:59:59"
    assert (frus, PROV.wasGeneratedBy, published) in g
    transcribed = _node(doc, f"event-{archive.events.transcribed.pk}")
    assert g.value(transcribed, PROV.startedAtTime) is None
    assert (transcribed, PROV.used, frus) in g

    # Agents take part through qualified associations that carry their role.
    rusk = URIRef(f"{BASE}{archive.rusk.get_absolute_url()}")
    assert (rusk, RDF.type, PROV.Agent) in g and (rusk, RDF.type, PROV.Person) in g
    roles = {
        str(g.value(g.value(a, PROV.hadRole), RDFS.label))
        for a in g.objects(created, PROV.qualifiedAssociation)
        if g.value(a, PROV.agent) == rusk
    }
    assert roles == {"Author"}
    assert (created, PROV.wasAssociatedWith, rusk) in g

    # Custody: the original is attributed to the repository in the role of custodian.
    state = URIRef(f"{BASE}/repositories/{archive.state.slug}/")
    assert (original, PROV.wasAttributedTo, state) in g
    attribution = g.value(original, PROV.qualifiedAttribution)
    assert g.value(attribution, PROV.agent) == state
    assert str(g.value(g.value(attribution, PROV.hadRole), RDFS.label)) == "Custodian"

    # Evidence: primary sources of the description, each tied to the activity it supports.
    evidence = _node(doc, f"event-{archive.events.drafted.pk}-evidence")
    assert (description, PROV.hadPrimarySource, evidence) in g
    assert "Appointment Book" in str(g.value(evidence, RDFS.label))
    qualified = [
        q
        for q in g.objects(description, PROV.qualifiedPrimarySource)
        if g.value(q, PROV.entity) == evidence
    ]
    assert [g.value(q, PROV.hadActivity) for q in qualified] == [created]


def test_jsonld_is_the_same_graph(archive, client):
    turtle = _graph(client, "document-prov-ttl", archive.telcon.pk)
    response = client.get(
        reverse("catalogue:document-prov-jsonld", kwargs={"pk": archive.telcon.pk})
    )
    assert response["Content-Type"] == "application/ld+json"
    assert "@context" in json.loads(response.content)
    jsonld = Graph().parse(data=response.content.decode(), format="json-ld")
    assert len(jsonld) == len(turtle)
    assert set(jsonld.subjects(RDF.type, PROV.Activity)) == set(
        turtle.subjects(RDF.type, PROV.Activity)
    )


def test_document_without_events_gets_a_creation_activity_with_its_agents(archive, client):
    g = _graph(client, "document-prov-ttl", archive.telegram.pk)
    creation = _node(archive.telegram, "creation")
    assert (_node(archive.telegram, "original"), PROV.wasGeneratedBy, creation) in g
    # month precision: the activity spans the whole month
    assert str(g.value(creation, PROV.startedAtTime)) == "1962-10-01T00:00:00"
    assert str(g.value(creation, PROV.endedAtTime)) == "1962-10-31T23:59:59"
    association = g.value(creation, PROV.qualifiedAssociation)
    assert str(g.value(g.value(association, PROV.hadRole), RDFS.label)) == "Approved by"


def test_drafts_and_withdrawn_have_no_provenance(archive, client):
    for document in (archive.draft, archive.withdrawn):
        for name in ("document-prov-ttl", "document-prov-jsonld"):
            response = client.get(reverse(f"catalogue:{name}", kwargs={"pk": document.pk}))
            assert response.status_code == 404


@pytest.mark.django_db
def test_catalogue_dump_has_every_published_document_in_fixed_queries(
    archive, client, django_assert_num_queries
):
    # The stamp; is the catalogue small enough to make the dump in a request; the
    # dump's reads; the stamp again before the copy is kept.
    with django_assert_num_queries(13):
        g = _graph(client, "catalogue-prov-ttl")
    originals = set(g.subjects(prov.PROV.type, prov.Literal("original")))
    assert originals == {_node(archive.telcon, "original"), _node(archive.telegram, "original")}
    for _ in range(3):
        document = DocumentFactory()
        EventFactory(document=document)
        DocumentAgentFactory(document=document)
    with django_assert_num_queries(13):
        g = _graph(client, "catalogue-prov-jsonld", fmt="json-ld")
    assert len(set(g.subjects(prov.PROV.type, prov.Literal("original")))) == 5


def test_streamed_batches_concatenate_into_one_valid_graph(archive):
    documents = list(prov.documents_for_prov())
    whole = prov.build_graph(documents, BASE)

    def ground(graph):
        return {t for t in graph if not any(isinstance(term, BNode) for term in t)}

    for fmt in ("turtle", "json-ld"):
        text = "".join(prov.stream(documents, BASE, fmt, batch=1))
        streamed = Graph().parse(data=text, format=fmt)
        assert ground(streamed) == ground(whole)
        assert len(streamed) == len(whole)
