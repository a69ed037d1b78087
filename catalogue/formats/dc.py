"""Dublin Core for a document: one mapping, several serialisations.

OAI-PMH's ``oai_dc``, the HTML ``<meta name="DC.*">`` tags and the schema.org JSON-LD
all describe the same record; they read it through ``dc_elements`` so a harvester, a
search engine and Zotero never disagree about who wrote a telegram or when.

Expects a document from ``Document.objects.published().with_detail()`` (agents,
subjects, type, unit and repository already loaded).
"""

from lxml import etree

from catalogue.models import AgentKind, AgentRole

from . import absolute, iso_date, site_name, url_for, xml_text

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

CREATOR_ROLES = (AgentRole.AUTHOR, AgentRole.SENDER, AgentRole.DRAFTER, AgentRole.SIGNER)
CONTRIBUTOR_ROLES = (AgentRole.CLEARED, AgentRole.CONCURRED, AgentRole.APPROVED)
DC_ELEMENTS = (
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
)


def _agents(document, roles):
    seen, agents = set(), []
    for link in document.agent_roles.all():
        if link.role in roles and link.agent_id not in seen:
            seen.add(link.agent_id)
            agents.append(link.agent)
    return agents


def creators(document):
    """Who made the document: authors, senders, drafters, signers (and the sender FK)."""
    agents = _agents(document, CREATOR_ROLES)
    if document.sender and all(a.pk != document.sender_id for a in agents):
        agents.insert(0, document.sender)
    return agents


def contributors(document):
    made_by = {agent.pk for agent in creators(document)}
    return [a for a in _agents(document, CONTRIBUTOR_ROLES) if a.pk not in made_by]


def dc_elements(document, base_url: str) -> list[tuple[str, str]]:
    """The document as (element, value) pairs in the fifteen-element Dublin Core."""
    out: list[tuple[str, str]] = [("title", document.title)]
    out += [("creator", agent.authorised_name) for agent in creators(document)]
    out += [("subject", subject.name) for subject in document.subjects.all()]
    if document.subject_line:
        out.append(("subject", document.subject_line))
    description = [document.doc_type.label]
    if document.place:
        description.append(f"Place: {document.place}")
    if document.date_text or document.date:
        description.append(f"Date: {document.date_text or document.display_date}")
    if document.recipient:
        description.append(f"Addressed to {document.recipient.authorised_name}")
    out.append(("description", ". ".join(description) + "."))
    out.append(("publisher", site_name()))
    out += [("contributor", agent.authorised_name) for agent in contributors(document)]
    if document.date:
        out.append(("date", iso_date(document.date, document.date_precision)))
    out.append(("type", "Text"))
    out.append(("type", document.doc_type.label))
    out.append(("format", "text/plain"))
    out.append(
        ("identifier", url_for(base_url, "document-detail", pk=document.pk, slug=document.slug))
    )
    if document.source_note:
        out.append(("source", document.source_note))
    out.append(("language", "en"))
    out.append(("relation", document.collection.name))
    if document.unit_id:
        unit = document.unit
        out.append(("relation", f"{unit} ({unit.repository.name})"))
    if document.classification_id:
        out.append(("rights", f"Original classification: {document.classification.name}."))
    return out


def oai_dc_element(document, base_url: str) -> etree._Element:
    """``<oai_dc:dc>`` as OAI-PMH's mandatory metadata format defines it."""
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc",
        nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS},
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    for element, value in dc_elements(document, base_url):
        etree.SubElement(root, f"{{{DC_NS}}}{element}").text = xml_text(value)
    return root


def dc_description(text: str) -> etree._Element:
    """``<oai_dc:dc>`` holding only a description: how OAI-PMH describes a set."""
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    etree.SubElement(root, f"{{{DC_NS}}}description").text = xml_text(text)
    return root


def dc_meta_tags(document, base_url: str) -> list[tuple[str, str]]:
    """(name, content) pairs for ``<meta>`` tags: ``DC.*`` plus the Highwire
    ``citation_*`` names that Zotero and Google Scholar read first."""
    tags = [(f"DC.{element}", value) for element, value in dc_elements(document, base_url)]
    tags.append(("citation_title", document.title))
    tags += [("citation_author", agent.authorised_name) for agent in creators(document)]
    if document.date:
        tags.append(("citation_date", iso_date(document.date, document.date_precision)))
    tags.append(("citation_publisher", site_name()))
    return tags


def _schema_agent(agent, base_url):
    kind = "Person" if agent.kind == AgentKind.PERSON else "Organization"
    return {
        "@type": kind,
        "name": agent.authorised_name,
        "url": url_for(base_url, "agent-detail", pk=agent.pk, slug=agent.slug),
    }


def schema_org(document, base_url: str) -> dict:
    """schema.org ``ArchiveComponent`` JSON-LD for a document page."""
    url = url_for(base_url, "document-detail", pk=document.pk, slug=document.slug)
    data = {
        "@context": "https://schema.org",
        "@type": "ArchiveComponent",
        "@id": url,
        "url": url,
        "name": document.title,
        "genre": document.doc_type.label,
        "inLanguage": "en",
        "isPartOf": {"@type": "Collection", "name": document.collection.name},
        "creator": [_schema_agent(a, base_url) for a in creators(document)],
        "contributor": [_schema_agent(a, base_url) for a in contributors(document)],
        "about": [subject.name for subject in document.subjects.all()],
        "publisher": {"@type": "Organization", "name": site_name()},
    }
    if document.date:
        data["dateCreated"] = iso_date(document.date, document.date_precision)
    if document.recipient:
        data["recipient"] = _schema_agent(document.recipient, base_url)
    if document.place:
        data["locationCreated"] = {"@type": "Place", "name": document.place}
    if document.unit_id:
        unit = document.unit
        data["holdingArchive"] = {
            "@type": "ArchiveOrganization",
            "name": unit.repository.name,
            "url": absolute(base_url, unit.repository.get_absolute_url()),
        }
        data["isPartOf"] = [
            data["isPartOf"],
            {
                "@type": "ArchiveComponent",
                "name": str(unit),
                "url": absolute(base_url, unit.get_absolute_url()),
            },
        ]
    if document.updated_at:
        data["dateModified"] = document.updated_at.date().isoformat()
    return data
