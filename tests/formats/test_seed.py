"""The bundled seed catalogue, through every format: what `make run` shows must be
valid EAD3 and EAC-CPF and carry the FRUS/Avalon provenance chain."""

from django.urls import reverse
from lxml import etree
from rdflib import Graph, URIRef

from catalogue.formats.prov import PROV
from catalogue.models import Agent, ArchivalUnit, Document


def test_seed_units_and_agents_validate(seed_catalogue, client, ead_schema, eac_schema):
    units = ArchivalUnit.objects.public().roots()
    assert units.exists()
    for unit in units:
        response = client.get(reverse("catalogue:unit-ead", kwargs={"pk": unit.pk}))
        root = etree.fromstring(response.content)
        assert ead_schema.validate(root), (unit, ead_schema.error_log)
    agents = Agent.objects.public()
    assert agents.exists()
    for agent in agents:
        response = client.get(reverse("catalogue:agent-eac", kwargs={"pk": agent.pk}))
        root = etree.fromstring(response.content)
        assert eac_schema.validate(root), (agent, eac_schema.error_log)


def test_seed_provenance_chains(seed_catalogue, client):
    documents = list(Document.objects.published())
    assert documents
    for document in documents:
        response = client.get(reverse("catalogue:document-prov-ttl", kwargs={"pk": document.pk}))
        g = Graph().parse(data=response.content.decode(), format="turtle")
        base = f"http://testserver/documents/{document.pk}/#"
        original = URIRef(f"{base}original")
        chain = [URIRef(f"{base}description")]
        while (nxt := g.value(chain[-1], PROV.wasDerivedFrom)) is not None:
            chain.append(nxt)
        kinds = [str(g.value(node, PROV.type)) for node in chain]
        assert kinds == ["description", "transcription", "print edition", "original"]
        assert chain[-1] == original
        assert any(g.objects(original, PROV.wasAttributedTo))
