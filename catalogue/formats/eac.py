"""EAC-CPF 2.0 authority records for agents.

An authority record is how archives share "who is this person": the authorised name
and its variants, offices held, and which records they made or appear in. Only
relations to published documents (and to units with published documents) are told.
Validates against ``schemas/eac-cpf-2.0.xsd``.
"""

import datetime
from collections import defaultdict

from django.db.models import F, Prefetch
from django.db.models.lookups import IsNull
from lxml import etree

from catalogue.models import (
    Agent,
    AgentKind,
    ArchivalUnit,
    DocumentAgent,
    NameType,
    Position,
)

from . import iso_date, site_name, url_for, xml_text

EAC_NS = "https://archivists.org/ns/eac/v2"
ENTITY_TYPES = {
    AgentKind.PERSON: "person",
    AgentKind.ORGANISATION: "corporateBody",
    AgentKind.FAMILY: "family",
}


def _el(parent, tag, text=None, **attrs):
    node = etree.SubElement(parent, f"{{{EAC_NS}}}{tag}")
    for key, value in attrs.items():
        if value not in (None, ""):
            node.set(key, xml_text(value))
    if text not in (None, ""):
        node.text = xml_text(text)
    return node


def agents_for_eac():
    """The agents that have a public authority record, with what the record shows."""
    return Agent.objects.public().prefetch_related(
        "names",
        "identifiers",
        Prefetch("positions", queryset=Position.objects.select_related("organisation")),
    )


def _date_range(parent, start, end):
    if not (start or end):
        return
    rng = _el(parent, "dateRange")
    if start:
        _el(rng, "fromDate", start.isoformat(), standardDate=start.isoformat())
    if end:
        _el(rng, "toDate", end.isoformat(), standardDate=end.isoformat())


# Undated and untimed last on every database, as the search's date order.
_DATE_ORDER = (
    IsNull(F("document__date"), True).asc(),
    "document__date",
    IsNull(F("document__time"), True).asc(),
    "document__time",
    "document_id",
)
# An office such as the Department of State is in most of a large catalogue's
# documents: its record names its first documents and points to the search for all.
MAX_DOCUMENT_RELATIONS = 1000


def agent_record(agent: Agent, base_url: str) -> etree._Element:
    """The EAC-CPF record of ``agent`` (from ``agents_for_eac()``): its relations to
    its first ``MAX_DOCUMENT_RELATIONS`` published documents by date, and, if it is
    in more, one relation to the search listing them all (read whole, an office's
    record took 9.6 s at 100,000 documents, and grew with the catalogue)."""
    public_links = DocumentAgent.objects.public().filter(agent=agent)
    documents = list(
        public_links.order_by(*_DATE_ORDER)
        .values_list("document_id", flat=True)
        .distinct()[: MAX_DOCUMENT_RELATIONS + 1]
    )
    shown = documents[:MAX_DOCUMENT_RELATIONS]
    links = list(
        public_links.filter(document__in=shown)
        .select_related("document__doc_type")
        .only(*_LINK_FIELDS)
        .order_by(*_DATE_ORDER, "sequence")
    )
    total = len(documents)
    if total > MAX_DOCUMENT_RELATIONS:
        total = public_links.values("document").distinct().count()
    units = list(ArchivalUnit.objects.public().filter(creator=agent).order_by("tree_path"))

    root = etree.Element(f"{{{EAC_NS}}}eac", nsmap={None: EAC_NS})
    control = _el(root, "control", maintenanceStatus="derived", publicationStatus="published")
    _el(control, "recordId", f"agent-{agent.pk}")
    _el(_el(control, "maintenanceAgency"), "agencyName", site_name())
    event = _el(
        _el(control, "maintenanceHistory"), "maintenanceEvent", maintenanceEventType="derived"
    )
    _el(event, "agent", f"{site_name()} catalogue", agentType="machine")
    stamp = agent.updated_at.astimezone(datetime.UTC).replace(microsecond=0).isoformat()
    _el(event, "eventDateTime", stamp, standardDateTime=stamp)
    _el(event, "eventDescription", "Derived from the catalogue's authority record.")

    cpf = _el(root, "cpfDescription")
    identity = _el(cpf, "identity")
    _el(identity, "entityType", value=ENTITY_TYPES.get(agent.kind, "person"))
    authorised = _el(identity, "nameEntry", status="authorized", preferredForm="true")
    _el(authorised, "part", agent.authorised_name)
    seen = {agent.normalised_name}
    for name in agent.names.all():
        if name.normalised in seen or name.name_type == NameType.AUTHORISED:
            continue
        seen.add(name.normalised)
        variant = _el(identity, "nameEntry", status="alternative", localType=name.name_type)
        _el(variant, "part", name.name)
    for identifier in agent.identifiers.all():
        _el(
            identity,
            "identityId",
            identifier.value or identifier.url,
            localType=identifier.source,
        )

    positions = list(agent.positions.all())
    if positions or agent.dates or agent.biographical_note:
        description = _el(cpf, "description")
        if positions:
            occupations = _el(description, "occupations")
            for position in positions:
                occupation = _el(occupations, "occupation")
                _el(occupation, "term", position.title)
                _date_range(occupation, position.start_date, position.end_date)
                if position.organisation_id:
                    _el(
                        _el(occupation, "descriptiveNote"),
                        "p",
                        f"{position.title}, {position.organisation.authorised_name}.",
                    )
        if agent.dates:
            _el(_el(description, "existDates"), "date", agent.dates)
        if agent.biographical_note:
            biog = _el(description, "biogHist")
            for para in agent.biographical_note.split("\n\n"):
                if para.strip():
                    _el(biog, "p", para.strip())

    by_document = defaultdict(list)
    for link in links:
        by_document[link.document_id].append(link)
    organisations = list(
        {p.organisation_id: p.organisation for p in positions if p.organisation_id}.values()
    )
    if by_document or units or organisations:
        relations = _el(cpf, "relations")
        if total > len(by_document):
            _all_documents_relation(relations, agent, total, base_url)
        for document_links in by_document.values():
            document = document_links[0].document
            relation = _el(relations, "relation")
            target = _el(
                relation,
                "targetEntity",
                targetType="resource",
                valueURI=url_for(base_url, "document-detail", pk=document.pk, slug=document.slug),
            )
            _el(target, "part", document.title)
            if document.date:
                when = iso_date(document.date, document.date_precision)
                _el(relation, "date", document.display_date, standardDate=when)
            for link in document_links:
                _el(relation, "relationType", link.get_role_display(), localType=link.role)
            _el(relation, "targetRole", document.doc_type.label)
            written = [link.name_as_written for link in document_links if link.name_as_written]
            if written:
                _el(_el(relation, "descriptiveNote"), "p", f"Named as: {'; '.join(written)}.")
        for unit in units:
            relation = _el(relations, "relation")
            target = _el(
                relation,
                "targetEntity",
                targetType="resource",
                valueURI=url_for(base_url, "unit-ead", pk=unit.pk),
            )
            _el(target, "part", str(unit))
            _el(relation, "relationType", "Creator of", localType="creator")
            _el(relation, "targetRole", unit.get_level_display())
        for organisation in organisations:
            relation = _el(relations, "relation")
            target = _el(relation, "targetEntity", targetType="corporateBody")
            _el(target, "part", organisation.authorised_name)
            _el(relation, "relationType", "Held office in", localType="position")
    return root


_LINK_FIELDS = (
    "role",
    "name_as_written",
    "document_id",
    "agent_id",
    "document__title",
    "document__slug",
    "document__date",
    "document__date_precision",
    "document__doc_type__label",
)


def _all_documents_relation(relations, agent, total: int, base_url: str) -> None:
    search = url_for(base_url, "search") + f"?agent={agent.pk}&sort=date"
    relation = _el(relations, "relation")
    target = _el(relation, "targetEntity", targetType="resource", valueURI=search)
    _el(target, "part", f"All {total} published documents")
    _el(relation, "relationType", "Appears in", localType="documents")
    _el(
        _el(relation, "descriptiveNote"),
        "p",
        f"The first {MAX_DOCUMENT_RELATIONS} by date are listed one by one below.",
    )


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
