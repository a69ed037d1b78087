"""EAD3 finding aids: an archival unit, the units below it and their published documents.

A finding aid is what archives exchange about their holdings; EAD3 is the Society of
American Archivists' current XML for it. The output validates against the official
``schemas/ead3.xsd``. The same component builder serves the whole-unit finding aid and
the one-document ``ead3`` metadata format of OAI-PMH, so the two never disagree.
"""

import datetime
from collections import defaultdict

from django.db.models import Max
from django.utils import timezone
from lxml import etree

from catalogue.models import (
    Agent,
    AgentKind,
    ArchivalUnit,
    Document,
    DocumentAgent,
    DocumentType,
    Subject,
    UnitLevel,
)

from . import iso_date, site_name, url_for, xml_text
from .dc import creators

EAD_NS = "http://ead3.archivists.org/schema/"
EAD_SCHEMA_LOCATION = "https://www.loc.gov/ead/ead3.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

LEVELS = {
    UnitLevel.RECORD_GROUP: "recordgrp",
    UnitLevel.COLLECTION: "collection",
    UnitLevel.SERIES: "series",
    UnitLevel.SUBSERIES: "subseries",
    UnitLevel.FILE: "file",
    UnitLevel.ITEM: "item",
}


def _el(parent, tag, text=None, **attrs):
    node = etree.SubElement(parent, f"{{{EAD_NS}}}{tag}")
    for key, value in attrs.items():
        if value not in (None, ""):
            node.set(key, xml_text(value))
    if text not in (None, ""):
        node.text = xml_text(text)
    return node


def _block(parent, tag, text, **attrs):
    """A block element holding ``text`` as one ``<p>`` per paragraph; skipped if empty."""
    paras = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    if not paras:
        return None
    block = _el(parent, tag, **attrs)
    for para in paras:
        _el(block, "p", para)
    return block


def _root():
    root = etree.Element(f"{{{EAD_NS}}}ead", nsmap={None: EAD_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{EAD_NS} {EAD_SCHEMA_LOCATION}")
    return root


class _Writer:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def name(self, parent, agent, relator=None):
        tag = {AgentKind.PERSON: "persname", AgentKind.FAMILY: "famname"}.get(
            agent.kind, "corpname"
        )
        node = _el(
            parent,
            tag,
            relator=relator,
            identifier=url_for(self.base_url, "agent-detail", pk=agent.pk, slug=agent.slug),
        )
        _el(node, "part", agent.authorised_name)
        return node

    def control(self, root, *, record_id, url, title, updated):
        control = _el(root, "control")
        _el(control, "recordid", record_id, instanceurl=url)
        filedesc = _el(control, "filedesc")
        _el(_el(filedesc, "titlestmt"), "titleproper", title)
        _el(_el(filedesc, "publicationstmt"), "publisher", site_name())
        _el(control, "maintenancestatus", value="derived")
        _el(_el(control, "maintenanceagency"), "agencyname", site_name())
        event = _el(_el(control, "maintenancehistory"), "maintenanceevent")
        _el(event, "eventtype", value="derived")
        stamp = (updated or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0)
        _el(event, "eventdatetime", stamp.isoformat(), standarddatetime=stamp.isoformat())
        _el(event, "agenttype", value="machine")
        _el(event, "agent", f"{site_name()} catalogue")
        _el(event, "eventdescription", "Generated from the catalogue's published records.")

    def unit_did(self, parent, unit, *, with_repository=False):
        did = _el(parent, "did")
        _el(did, "unitid", unit.identifier or f"unit-{unit.pk}", localtype=unit.identifier_scheme)
        _el(did, "unittitle", unit.title)
        if unit.date_text or unit.date_start:
            normal = ""
            if unit.date_start:
                end = unit.date_end or unit.date_start
                normal = f"{unit.date_start.isoformat()}/{end.isoformat()}"
            _el(did, "unitdate", unit.date_text or normal.replace("/", " – "), normal=normal)
        if with_repository:
            self.repository(did, unit.repository)
        if unit.creator_id:
            self.name(_el(did, "origination"), unit.creator)
        if unit.extent:
            _el(did, "physdesc", unit.extent)
        return did

    def repository(self, did, repository):
        node = _el(did, "repository")
        _el(_el(node, "corpname"), "part", repository.name)
        if repository.address:
            address = _el(node, "address")
            for line in repository.address.splitlines():
                if line.strip():
                    _el(address, "addressline", line.strip())

    def document_component(self, parent, document, *, tag="c", with_repository=False):
        """One document as an item-level ``<c>`` (or the ``<archdesc>`` of its own record)."""
        url = url_for(self.base_url, "document-detail", pk=document.pk, slug=document.slug)
        node = _el(parent, tag, level="item", id=f"document-{document.pk}")
        did = _el(node, "did")
        _el(did, "unitid", str(document.pk), localtype="catalogue", identifier=url)
        if document.message_number:
            _el(did, "unitid", document.message_number, localtype="message-number")
        if document.item_reference:
            _el(did, "unitid", document.item_reference, localtype="item-reference")
        _el(did, "unittitle", document.title)
        if document.date:
            certainty = "" if document.date_certainty == "certain" else document.date_certainty
            _el(
                did,
                "unitdate",
                document.date_text or document.display_date,
                normal=iso_date(document.date, document.date_precision),
                certainty=certainty,
            )
        else:
            _el(did, "unitdate", document.date_text or "Undated")
        if with_repository and document.unit_id:
            self.repository(did, document.unit.repository)
        made_by = creators(document)
        if made_by:
            origination = _el(did, "origination")
            for agent in made_by:
                self.name(origination, agent)
        _el(did, "physdesc", document.doc_type.label, localtype="genre")
        if with_repository and document.unit_id:
            _el(did, "physloc", str(document.unit))
        if document.digital_objects.all():
            manifest = url_for(self.base_url, "document-iiif-manifest", pk=document.pk)
            _el(did, "dao", daotype="derived", href=manifest, linktitle="IIIF manifest")
        if document.classification_id or document.caveats.all():
            restrict = _el(node, "accessrestrict")
            if document.classification_id:
                _el(restrict, "p", f"Original classification: {document.classification.name}.")
            caveats = "; ".join(c.name for c in document.caveats.all())
            if caveats:
                _el(restrict, "p", f"Caveats and precedence: {caveats}.")
        _block(node, "scopecontent", document.subject_line)
        _block(node, "odd", document.source_note, localtype="source-note")
        _block(node, "odd", document.transmission_note, localtype="transmission")
        _block(node, "odd", document.date_note, localtype="date-note")
        self.controlaccess(node, [document])
        return node

    def controlaccess(self, parent, documents, extra_agents=()):
        """Access points: each agent once with its roles, subjects, and document types."""
        roles: dict[int, list[str]] = defaultdict(list)
        agents = {agent.pk: agent for agent in extra_agents}
        subjects, genres = {}, {}
        for document in documents:
            for link in document.agent_roles.all():
                agents.setdefault(link.agent_id, link.agent)
                if link.role not in roles[link.agent_id]:
                    roles[link.agent_id].append(link.role)
            for subject in document.subjects.all():
                subjects[subject.pk] = subject.name
            genres[document.doc_type_id] = document.doc_type.label
        return self.access_points(parent, agents, roles, subjects.values(), genres.values())

    def access_points(self, parent, agents, roles, subjects, genres):
        if not (agents or subjects or genres):
            return None
        access = _el(parent, "controlaccess")
        for pk, agent in agents.items():
            self.name(access, agent, relator=" ".join(roles[pk]) or None)
        for name in subjects:
            _el(_el(access, "subject"), "part", name)
        for label in genres:
            _el(_el(access, "genreform"), "part", label)
        return access

    def unit_pointer(self, parent, unit, count: int):
        """In a finding aid too large to list items: where this unit's are listed."""
        paragraph = _el(_el(parent, "otherfindaid"), "p")
        ref = _el(paragraph, "ref", f"Finding aid for {unit}", href=self.unit_url(unit))
        ref.tail = f" ({count} published {'document' if count == 1 else 'documents'})."

    def unit_url(self, unit):
        return url_for(self.base_url, "unit-ead", pk=unit.pk)

    def unit_component(self, parent, unit, children, documents):
        node = _el(parent, "c", level=LEVELS.get(unit.level, "otherlevel"), id=f"unit-{unit.pk}")
        self.unit_did(node, unit)
        _block(node, "scopecontent", unit.scope_note)
        for child in children[unit.pk]:
            self.unit_component(node, child, children, documents)
        for document in documents[unit.pk]:
            self.document_component(node, document)
        return node


# A finding aid served on the web lists at most this many documents item by item; a
# larger unit's is its tree of units, each pointing to its own finding aid (a record
# group of a large catalogue holds tens of thousands: 46 s and 40 MB at 100,000).
WEB_MAX_ITEMS = 2000


def unit_finding_aid(
    unit: ArchivalUnit, base_url: str, *, max_items: int | None = None
) -> etree._Element:
    """The EAD3 finding aid of ``unit`` and everything published below it.

    A fixed number of reads however deep the tree and however many documents: the
    public units below, the published documents below with their descriptions (and
    their prefetched rows), nothing per row. With ``max_items`` (the web's
    ``WEB_MAX_ITEMS``; None, no limit, is what ``export_ead`` writes) the documents per
    unit are counted first, and past that many the units are described without their
    items, see ``_unit_tree_finding_aid``.
    """
    units = list(
        ArchivalUnit.objects.descendants_of(unit)
        .public()
        .select_related("creator")
        .order_by("tree_path", "sort_order", "title")
    )
    children: dict[int, list] = defaultdict(list)
    for child in sorted(units, key=lambda u: (u.depth, u.sort_order, u.title)):
        children[child.parent_id].append(child)
    published = Document.objects.published().in_unit(unit)
    if max_items is not None:
        subtree = ArchivalUnit.objects.descendants_of(unit, include_self=True)
        tally = subtree.public_document_tally()
        if tally.total.get(unit.pk, 0) > max_items:
            return _unit_tree_finding_aid(unit, children, tally, published, base_url, max_items)
    documents = list(published.with_description())
    by_unit: dict[int, list] = defaultdict(list)
    for document in documents:
        by_unit[document.unit_id].append(document)

    writer = _Writer(base_url)
    root = _root()
    updated = max([unit.updated_at, *(d.updated_at for d in documents)])
    writer.control(
        root,
        record_id=f"unit-{unit.pk}",
        url=writer.unit_url(unit),
        title=f"Finding aid for {unit}",
        updated=updated,
    )
    archdesc = _el(root, "archdesc", level=LEVELS.get(unit.level, "otherlevel"))
    writer.unit_did(archdesc, unit, with_repository=True)
    _block(archdesc, "scopecontent", unit.scope_note)
    writer.controlaccess(archdesc, documents, extra_agents=[unit.creator] if unit.creator else [])
    if units or documents:
        dsc = _el(archdesc, "dsc")
        for child in children[unit.pk]:
            writer.unit_component(dsc, child, children, by_unit)
        for document in by_unit[unit.pk]:
            writer.document_component(dsc, document)
    return root


def _unit_tree_finding_aid(unit, children, tally, published, base_url, max_items):
    """The units below ``unit`` without their documents: each (they all hold published
    documents) points to its own finding aid, and the whole unit's to the search that
    lists its documents. Its access points are gathered by grouped queries, not per
    document."""
    writer = _Writer(base_url)
    root = _root()
    latest = published.order_by().aggregate(latest=Max("updated_at"))["latest"]
    writer.control(
        root,
        record_id=f"unit-{unit.pk}",
        url=writer.unit_url(unit),
        title=f"Finding aid for {unit}",
        updated=max(d for d in (unit.updated_at, latest) if d),
    )
    archdesc = _el(root, "archdesc", level=LEVELS.get(unit.level, "otherlevel"))
    writer.unit_did(archdesc, unit, with_repository=True)
    _block(archdesc, "scopecontent", unit.scope_note)
    total = tally.total[unit.pk]
    paragraph = _el(_el(archdesc, "otherfindaid"), "p")
    below = "each unit below points to its own finding aid, and " if children[unit.pk] else ""
    paragraph.text = (
        f"This {unit.get_level_display().lower()} holds {total} published documents, more "
        f"than a finding aid lists one by one ({max_items}): {below}"
    )
    search = url_for(base_url, "search") + f"?unit={unit.pk}&sort=date"
    _el(paragraph, "ref", "the catalogue's search lists them all", href=search).tail = "."
    _tree_access_points(writer, archdesc, unit, published)
    if children[unit.pk]:
        dsc = _el(archdesc, "dsc")
        for child in children[unit.pk]:
            _unit_tree_component(writer, dsc, child, children, tally)
    return root


def _unit_tree_component(writer, parent, unit, children, tally):
    node = _el(parent, "c", level=LEVELS.get(unit.level, "otherlevel"), id=f"unit-{unit.pk}")
    writer.unit_did(node, unit)
    _block(node, "scopecontent", unit.scope_note)
    writer.unit_pointer(node, unit, tally.total.get(unit.pk, 0))
    for child in children[unit.pk]:
        _unit_tree_component(writer, node, child, children, tally)


def _tree_access_points(writer, archdesc, unit, published):
    ids = published.order_by().values("pk")
    links = (
        DocumentAgent.objects.filter(document__in=ids)
        .order_by("agent_id", "role")
        .values_list("agent_id", "role")
        .distinct()
    )
    roles: dict[int, list[str]] = defaultdict(list)
    for agent_id, role in links:
        roles[agent_id].append(role)
    agents = {unit.creator.pk: unit.creator} if unit.creator_id else {}
    agents.update(Agent.objects.in_bulk(list(roles)))
    subjects = Subject.objects.filter(documents__in=ids).distinct().order_by("name")
    genres = DocumentType.objects.filter(documents__in=ids).distinct().order_by("label")
    writer.access_points(
        archdesc,
        agents,
        roles,
        subjects.values_list("name", flat=True),
        genres.values_list("label", flat=True),
    )


def document_record(document: Document, base_url: str) -> etree._Element:
    """A one-item EAD3 record for ``document`` (OAI-PMH's richer metadata format).

    ``document`` must come from ``with_description()`` or ``with_detail()``.
    """
    writer = _Writer(base_url)
    root = _root()
    url = url_for(base_url, "document-detail", pk=document.pk, slug=document.slug)
    writer.control(
        root,
        record_id=f"document-{document.pk}",
        url=url,
        title=document.title,
        updated=document.updated_at,
    )
    archdesc = writer.document_component(root, document, tag="archdesc", with_repository=True)
    archdesc.attrib.pop("id", None)
    return root


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
