"""W3C PROV-O: each published document's provenance chain as an RDF graph.

The model: the archival original, its printed edition (FRUS) and its online
transcription (Avalon) are ``prov:Entity`` linked by ``prov:wasDerivedFrom``; the
catalogue's own description is a fourth entity derived from the transcription. Each
provenance event is a ``prov:Activity`` with start and end times covering what the
date's precision allows; agents take part through qualified associations carrying
``prov:hadRole``; custody is ``prov:wasAttributedTo`` the holding repository with the
role *custodian*; the evidence an event rests on is a ``prov:hadPrimarySource`` of the
description, qualified with the activity it supports.
"""

import calendar
import datetime
import itertools
import json

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

from catalogue.models import AgentKind, AgentRole, CitationKind, Document, EventType

from . import absolute, url_for

PROV = Namespace("http://www.w3.org/ns/prov#")
JSONLD_CONTEXT = {
    "prov": str(PROV),
    "rdfs": str(RDFS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "xsd": str(XSD),
}
CREATION_EVENTS = (EventType.CREATED, EventType.DRAFTED)
CREATION_ROLES = {
    AgentRole.AUTHOR,
    AgentRole.SENDER,
    AgentRole.DRAFTER,
    AgentRole.CLEARED,
    AgentRole.CONCURRED,
    AgentRole.APPROVED,
    AgentRole.SIGNER,
    AgentRole.PARTICIPANT,
    AgentRole.SPEAKER,
}
CUSTODIAN = "custodian"


def documents_for_prov():
    """Published documents with everything their provenance graph states."""
    return Document.objects.published().with_detail()


def interval(date, precision, time=None):
    """(start, end) ``xsd:dateTime`` literals spanning what a partial date claims."""
    if date is None or precision == "unknown":
        return None
    if time is not None and precision == "day":
        moment = datetime.datetime.combine(date, time)
        return moment, moment
    if precision == "year":
        start, end = datetime.date(date.year, 1, 1), datetime.date(date.year, 12, 31)
    elif precision == "month":
        last = calendar.monthrange(date.year, date.month)[1]
        start, end = date.replace(day=1), date.replace(day=last)
    else:
        start = end = date
    return (
        datetime.datetime.combine(start, datetime.time.min),
        datetime.datetime.combine(end, datetime.time(23, 59, 59)),
    )


def _dt(value):
    return Literal(value.isoformat(), datatype=XSD.dateTime)


class _GraphBuilder:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.graph = Graph()
        for prefix, ns in JSONLD_CONTEXT.items():
            self.graph.bind(prefix, ns)
        self.role_base = absolute(base_url, "/prov/roles#")

    def role(self, key: str, label: str) -> URIRef:
        node = URIRef(f"{self.role_base}{key}")
        self.graph.add((node, RDF.type, PROV.Role))
        self.graph.add((node, RDFS.label, Literal(label)))
        return node

    def agent(self, agent) -> URIRef:
        node = URIRef(url_for(self.base_url, "agent-detail", pk=agent.pk, slug=agent.slug))
        kind = PROV.Person if agent.kind == AgentKind.PERSON else PROV.Organization
        self.graph.add((node, RDF.type, PROV.Agent))
        self.graph.add((node, RDF.type, kind))
        self.graph.add((node, RDFS.label, Literal(agent.authorised_name)))
        return node

    def repository(self, repository) -> URIRef:
        node = URIRef(absolute(self.base_url, f"/repositories/{repository.slug}/"))
        self.graph.add((node, RDF.type, PROV.Agent))
        self.graph.add((node, RDF.type, PROV.Organization))
        self.graph.add((node, RDFS.label, Literal(repository.name)))
        return node

    def associate(self, activity, agent_node, role_node):
        g = self.graph
        key = (activity, agent_node, role_node)
        if key in self._associations:
            return
        self._associations.add(key)
        association = BNode()
        g.add((activity, PROV.wasAssociatedWith, agent_node))
        g.add((activity, PROV.qualifiedAssociation, association))
        g.add((association, RDF.type, PROV.Association))
        g.add((association, PROV.agent, agent_node))
        if role_node is not None:
            g.add((association, PROV.hadRole, role_node))

    def attribute_custody(self, entity, repository_node):
        g = self.graph
        if (entity, PROV.wasAttributedTo, repository_node) in g:
            return
        attribution = BNode()
        g.add((entity, PROV.wasAttributedTo, repository_node))
        g.add((entity, PROV.qualifiedAttribution, attribution))
        g.add((attribution, RDF.type, PROV.Attribution))
        g.add((attribution, PROV.agent, repository_node))
        g.add((attribution, PROV.hadRole, self.role(CUSTODIAN, "Custodian")))

    def entity(self, node, label, kind):
        g = self.graph
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, RDFS.label, Literal(label)))
        g.add((node, PROV.type, Literal(kind)))
        return node

    def activity(self, node, label, when):
        g = self.graph
        g.add((node, RDF.type, PROV.Activity))
        g.add((node, RDFS.label, Literal(label)))
        if when:
            g.add((node, PROV.startedAtTime, _dt(when[0])))
            g.add((node, PROV.endedAtTime, _dt(when[1])))
        return node

    def add_document(self, document):
        g = self.graph
        self._associations = set()
        base = absolute(self.base_url, f"/documents/{document.pk}/")
        page = url_for(self.base_url, "document-detail", pk=document.pk, slug=document.slug)
        original = self.entity(
            URIRef(f"{base}#original"), f"{document.title} (archival original)", "original"
        )
        g.add((original, DCTERMS.title, Literal(document.title)))
        g.add((original, FOAF.page, URIRef(page)))
        record = self.entity(
            URIRef(f"{base}#description"),
            f"Catalogue description of {document.title}",
            "description",
        )
        g.add((record, FOAF.page, URIRef(page)))

        editions = self._editions(document, base)
        previous = original
        for edition in [*editions["print"], *editions["transcription"]]:
            g.add((edition, PROV.wasDerivedFrom, previous))
            previous = edition
        g.add((record, PROV.wasDerivedFrom, previous))
        by_publication = editions["by_publication"]

        labels = dict(AgentRole.choices)

        def role(key):
            return self.role(key, labels[key]) if key in labels else None

        creation = None
        receipt = None
        for event in document.events.all():
            node = self.activity(
                URIRef(f"{base}#event-{event.pk}"),
                f"{event.get_event_type_display()}: {document.title}",
                interval(event.date, event.date_precision, event.time),
            )
            g.add((node, PROV.type, Literal(event.event_type)))
            if event.description:
                g.add((node, RDFS.comment, Literal(event.description)))
            if event.place:
                location = BNode()
                g.add((location, RDF.type, PROV.Location))
                g.add((location, RDFS.label, Literal(event.place)))
                g.add((node, PROV.atLocation, location))
            for link in event.event_agents.all():
                self.associate(node, self.agent(link.agent), role(link.role))
            edition = by_publication.get(event.publication_id)
            if event.event_type in CREATION_EVENTS and creation is None:
                creation = node
                g.add((original, PROV.wasGeneratedBy, node))
            elif event.event_type == EventType.CATALOGUED:
                g.add((record, PROV.wasGeneratedBy, node))
                g.add((node, PROV.used, previous))
            elif edition is not None:
                g.add((edition, PROV.wasGeneratedBy, node))
                for source in g.objects(edition, PROV.wasDerivedFrom):
                    g.add((node, PROV.used, source))
            else:
                g.add((node, PROV.used, original))
            if event.event_type in (EventType.RECEIVED, EventType.SENT) and receipt is None:
                receipt = node
            for custodian in (event.custodian_after,):
                if custodian is not None:
                    holder = self.repository(custodian)
                    self.associate(node, holder, self.role(CUSTODIAN, "Custodian"))
                    self.attribute_custody(original, holder)
            if event.evidence:
                self._evidence(
                    record, URIRef(f"{base}#event-{event.pk}-evidence"), event.evidence, node
                )

        if creation is None:
            creation = self.activity(
                URIRef(f"{base}#creation"),
                f"Creation: {document.title}",
                interval(document.date, document.date_precision, document.time),
            )
            g.add((original, PROV.wasGeneratedBy, creation))
        for link in document.agent_roles.all():
            if link.role in CREATION_ROLES:
                self.associate(creation, self.agent(link.agent), role(link.role))
            elif link.role == AgentRole.RECIPIENT:
                self.associate(receipt or creation, self.agent(link.agent), role(link.role))
        if document.unit_id and not any(g.objects(original, PROV.wasAttributedTo)):
            self.attribute_custody(original, self.repository(document.unit.repository))
        if document.date_note:
            self._evidence(record, URIRef(f"{base}#date-evidence"), document.date_note, creation)

    def _evidence(self, record, node, text, activity):
        g = self.graph
        self.entity(node, text, "evidence")
        g.add((record, PROV.hadPrimarySource, node))
        qualified = BNode()
        g.add((record, PROV.qualifiedPrimarySource, qualified))
        g.add((qualified, RDF.type, PROV.PrimarySource))
        g.add((qualified, PROV.entity, node))
        g.add((qualified, PROV.hadActivity, activity))

    def _editions(self, document, base):
        """Print editions and transcriptions, from events and citations alike."""
        found = {"print": [], "transcription": [], "by_publication": {}}
        publications = []
        for event in document.events.all():
            if event.publication_id and event.event_type == EventType.PUBLISHED:
                publications.append(("print", event.publication))
            elif event.publication_id and event.event_type == EventType.TRANSCRIBED:
                publications.append(("transcription", event.publication))
        for citation in document.citations.all():
            if citation.publication_id and citation.kind == CitationKind.PUBLISHED_IN:
                publications.append(("print", citation.publication))
            elif citation.publication_id and citation.kind == CitationKind.TRANSCRIBED_IN:
                publications.append(("transcription", citation.publication))
        for kind, publication in publications:
            if publication.pk in found["by_publication"]:
                continue
            node = self.entity(
                URIRef(f"{base}#{kind}-{publication.slug or publication.pk}"),
                f"{document.title} ({publication})",
                "print edition" if kind == "print" else "transcription",
            )
            self.graph.add((node, DCTERMS.isPartOf, Literal(publication.title)))
            if publication.url:
                self.graph.add((node, FOAF.page, URIRef(publication.url)))
            found[kind].append(node)
            found["by_publication"][publication.pk] = node
        return found


def build_graph(documents, base_url: str) -> Graph:
    builder = _GraphBuilder(base_url)
    for document in documents:
        builder.add_document(document)
    return builder.graph


def serialize(graph: Graph, rdf_format: str) -> bytes:
    if rdf_format == "json-ld":
        return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2).encode()
    return graph.serialize(format="turtle").encode()


def stream(documents, base_url: str, rdf_format: str, batch: int = 200):
    """The provenance of many documents, serialised ``batch`` documents at a time.

    A whole catalogue does not fit in one in-memory graph; Turtle allows prefixes to be
    declared again, and JSON-LD's ``@graph`` is a list, so batches concatenate into one
    valid document (nodes shared by batches, such as agents, are simply stated again).
    """
    documents = iter(documents)
    if rdf_format == "json-ld":
        yield f'{{"@context": {json.dumps(JSONLD_CONTEXT)}, "@graph": [\n'
    first = True
    while chunk := list(itertools.islice(documents, batch)):
        graph = build_graph(chunk, base_url)
        if rdf_format != "json-ld":
            yield graph.serialize(format="turtle")
            continue
        data = json.loads(graph.serialize(format="json-ld", context=JSONLD_CONTEXT))
        nodes = data.get("@graph", [{k: v for k, v in data.items() if k != "@context"}])
        for node in nodes:
            yield ("" if first else ",\n") + json.dumps(node, ensure_ascii=False)
            first = False
    if rdf_format == "json-ld":
        yield "\n]}\n"
