"""The ``Restorer``: each record kind of an export turned back into rows.

One method per kind, named after it (``restore_catalogue`` calls them in the export's
order), inserting with ``bulk_create`` in batches and keeping the exported identifiers
and timestamps. It is the bulk of the restore and the only part that knows the record
shapes, so it lives apart from the verification and the transaction around it.
"""

from __future__ import annotations

from catalogue import models as m
from catalogue.normalise import normalise_name

from .manifest import RestoreError
from .records import BATCH, _date, _datetime, _time, batched


class Restorer:
    """Turns each record kind back into rows. One method per kind, named after it."""

    def __init__(self):
        self.caveat_ids: dict[str, int] = {}
        self.subject_ids: dict[str, int] = {}
        self.publication_ids: dict[str, int] = {}
        self.doc_type_ids: dict[str, int] = {}
        self.classification_ids: dict[str, int] = {}
        self.collection_ids: dict[str, int] = {}

    # -- vocabularies: replaced wholesale (the migrations seed some of them) --

    def _vocabulary(self, model, records, fields=None):
        model.objects.all().delete()
        rows = []
        for record in records:
            if fields:
                record = {**record, **{k: fn(record[k]) for k, fn in fields.items()}}
            rows.append(model(**record))
        model.objects.bulk_create(rows, batch_size=BATCH)
        return rows

    def import_runs(self, records):
        rows = [
            m.ImportRun(
                **{
                    **record,
                    "started_at": _datetime(record["started_at"]),
                    "finished_at": _datetime(record["finished_at"]),
                }
            )
            for record in records
        ]
        m.ImportRun.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def classifications(self, records):
        rows = self._vocabulary(m.ClassificationLevel, records)
        self.classification_ids = {row.name: row.pk for row in rows}
        return len(rows)

    def caveats(self, records):
        rows = self._vocabulary(m.Caveat, records)
        self.caveat_ids = {row.name: row.pk for row in rows}
        return len(rows)

    def document_types(self, records):
        rows = self._vocabulary(m.DocumentType, records)
        self.doc_type_ids = {row.key: row.pk for row in rows}
        return len(rows)

    def collections(self, records):
        rows = self._vocabulary(m.Collection, records)
        self.collection_ids = {row.name: row.pk for row in rows}
        return len(rows)

    def subjects(self, records):
        rows = self._vocabulary(m.Subject, records)
        self.subject_ids = {row.name: row.pk for row in rows}
        return len(rows)

    def publications(self, records):
        rows = self._vocabulary(m.Publication, records)
        self.publication_ids = {row.title: row.pk for row in rows}
        return len(rows)

    # -- holdings and agents --

    def repositories(self, records):
        rows = []
        for record in records:
            record = dict(record)
            record.pop("url")
            record["url"] = record.pop("website")
            record["created_at"] = _datetime(record["created_at"])
            record["updated_at"] = _datetime(record["updated_at"])
            rows.append(m.Repository(**record))
        m.Repository.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def agents(self, records):
        count = 0
        for batch in batched(records):
            agents, names, positions, identifiers = [], [], [], []
            for r in batch:
                agents.append(
                    m.Agent(
                        id=r["id"],
                        kind=r["kind"],
                        authorised_name=r["authorised_name"],
                        normalised_name=normalise_name(r["authorised_name"]),
                        sort_name=r["sort_name"],
                        slug=r["slug"],
                        dates=r["dates"],
                        biographical_note=r["biographical_note"],
                        needs_review=r["needs_review"],
                        merged_into_id=r["merged_into"],
                        import_run_id=r["import_run"],
                        created_at=_datetime(r["created_at"]),
                        updated_at=_datetime(r["updated_at"]),
                    )
                )
                names += [
                    m.AgentName(
                        agent_id=r["id"],
                        name=n["name"],
                        normalised=normalise_name(n["name"]),
                        name_type=n["name_type"],
                        note=n["note"],
                        import_run_id=n["import_run"],
                    )
                    for n in r["names"]
                ]
                positions += [
                    m.Position(
                        agent_id=r["id"],
                        title=p["title"],
                        organisation_id=p["organisation"],
                        start_date=_date(p["start_date"]),
                        end_date=_date(p["end_date"]),
                        note=p["note"],
                    )
                    for p in r["positions"]
                ]
                identifiers += [m.AgentIdentifier(agent_id=r["id"], **i) for i in r["identifiers"]]
            m.Agent.objects.bulk_create(agents)
            m.AgentName.objects.bulk_create(names, batch_size=BATCH)
            m.Position.objects.bulk_create(positions, batch_size=BATCH)
            m.AgentIdentifier.objects.bulk_create(identifiers, batch_size=BATCH)
            count += len(agents)
        return count

    def units(self, records):
        count = 0
        for batch in batched(records):
            rows = []
            for r in batch:
                rows.append(
                    m.ArchivalUnit(
                        id=r["id"],
                        repository_id=r["repository"],
                        parent_id=r["parent"],
                        level=r["level"],
                        title=r["title"],
                        slug=r["slug"],
                        identifier=r["identifier"],
                        identifier_scheme=r["identifier_scheme"],
                        creator_id=r["creator"],
                        date_text=r["date_text"],
                        date_start=_date(r["date_start"]),
                        date_end=_date(r["date_end"]),
                        extent=r["extent"],
                        scope_note=r["scope_note"],
                        sort_order=r["sort_order"],
                        tree_path=r["tree_path"],
                        depth=r["depth"],
                        merged_into_id=r["merged_into"],
                        import_run_id=r["import_run"],
                        created_at=_datetime(r["created_at"]),
                        updated_at=_datetime(r["updated_at"]),
                    )
                )
            m.ArchivalUnit.objects.bulk_create(rows)
            count += len(rows)
        return count

    # -- documents and everything hanging off them --

    def _lookup(self, table: dict, name, what: str, doc_id):
        if name is None:
            return None
        try:
            return table[name]
        except KeyError:
            raise RestoreError(
                f"Document {doc_id} refers to {what} '{name}', which the export does not define."
            ) from None

    def _document(self, r) -> m.Document:
        date, source = r["date"], r["source"]
        return m.Document(
            id=r["id"],
            title=r["title"],
            slug=r["slug"],
            collection_id=self._lookup(self.collection_ids, r["collection"], "collection", r["id"]),
            doc_type_id=self._lookup(self.doc_type_ids, r["doc_type"], "document type", r["id"]),
            sender_id=r["sender_id"],
            recipient_id=r["recipient_id"],
            place=r["place"],
            date=_date(date["value"]),
            date_precision=date["precision"],
            date_certainty=date["certainty"],
            date_text=date["text"],
            date_note=date["note"],
            time=_time(r["time"]),
            time_text=r["time_text"],
            message_number=r["message_number"],
            subject_line=r["subject"],
            routing=r["routing"],
            text=r["text"],
            raw_text=r["raw_text"],
            source_note=source["raw"],
            unit_id=source["unit"],
            item_reference=source["item_reference"],
            classification_id=self._lookup(
                self.classification_ids, r["classification"], "classification", r["id"]
            ),
            received_text=r["received"],
            received_time=_time(r["received_time"]),
            transmission_note=r["transmission_note"],
            editorial_note=r["editorial_note"],
            status=r["status"],
            withdrawn_reason=r["withdrawn_reason"],
            published_at=_datetime(r["published_at"]),
            needs_review=r["needs_review"],
            review_note=r["review_note"],
            version=r["version"],
            identity_key=r["identity_key"],
            source_file=r["source_file"]["path"],
            source_checksum=r["source_file"]["checksum"],
            import_run_id=r["import_run"],
            created_at=_datetime(r["created_at"]),
            updated_at=_datetime(r["updated_at"]),
        )

    def documents(self, records):
        count = 0
        caveat_link = m.Document.caveats.through
        subject_link = m.Document.subjects.through
        for batch in batched(records):
            m.Document.objects.bulk_create([self._document(r) for r in batch])
            notes = [
                m.Footnote(
                    document_id=r["id"],
                    number=n["number"],
                    text=n["text"],
                    kind=n["kind"],
                    anchor_text=n["anchor_text"],
                    marker_offset=n["marker_offset"],
                    resolved_date=_date(n["resolved_date"]),
                )
                for r in batch
                for n in r["footnotes"]
            ]
            m.Footnote.objects.bulk_create(notes, batch_size=BATCH)
            note_ids = {(n.document_id, n.number): n.pk for n in notes}
            events, event_agents = [], []
            for r in batch:
                for e in r["events"]:
                    event = m.ProvenanceEvent(
                        document_id=r["id"],
                        event_type=e["type"],
                        sequence=e["sequence"],
                        date=_date(e["date"]),
                        date_precision=e["date_precision"],
                        date_certainty=e["date_certainty"],
                        date_text=e["date_text"],
                        time=_time(e["time"]),
                        place=e["place"],
                        description=e["description"],
                        evidence=e["evidence"],
                        custodian_before_id=e["custodian_before"],
                        custodian_after_id=e["custodian_after"],
                        unit_id=e["unit"],
                        publication_id=self._lookup(
                            self.publication_ids, e["publication"], "publication", r["id"]
                        ),
                        import_run_id=e["import_run"],
                    )
                    events.append(event)
                    event_agents.append((event, e["agent_roles"]))
            m.ProvenanceEvent.objects.bulk_create(events, batch_size=BATCH)
            m.EventAgent.objects.bulk_create(
                [
                    m.EventAgent(event_id=event.pk, agent_id=a["id"], role=a["role"])
                    for event, agents in event_agents
                    for a in agents
                ],
                batch_size=BATCH,
            )
            m.DocumentAgent.objects.bulk_create(
                [
                    m.DocumentAgent(
                        document_id=r["id"],
                        agent_id=a["id"],
                        role=a["role"],
                        position_title=a["position"],
                        name_as_written=a["name_as_written"],
                        sequence=a["sequence"],
                        note=a["note"],
                    )
                    for r in batch
                    for a in r["agents"]
                ],
                batch_size=BATCH,
            )
            m.DocumentRelation.objects.bulk_create(
                [
                    m.DocumentRelation(
                        source_id=r["id"],
                        target_id=x["target_id"],
                        relation_type=x["type"],
                        target_label=x["target_label"],
                        target_document_number=x["target_document_number"],
                        footnote_id=note_ids.get((r["id"], x["footnote"])),
                        note=x["note"],
                    )
                    for r in batch
                    for x in r["relations"]
                ],
                batch_size=BATCH,
            )
            m.Citation.objects.bulk_create(
                [
                    m.Citation(
                        document_id=r["id"],
                        kind=c["kind"],
                        publication_id=self._lookup(
                            self.publication_ids, c["publication"], "publication", r["id"]
                        ),
                        unit_id=c["unit"],
                        document_number=c["document_number"],
                        pages=c["pages"],
                        text=c["text"],
                        url=c["url"],
                        footnote_id=note_ids.get((r["id"], c["footnote"])),
                        sequence=c["sequence"],
                    )
                    for r in batch
                    for c in r["citations"]
                ],
                batch_size=BATCH,
            )
            m.DigitalObject.objects.bulk_create(
                [
                    m.DigitalObject(
                        document_id=r["id"],
                        **{**p, "created_at": _datetime(p["created_at"])},
                    )
                    for r in batch
                    for p in r["pages"]
                ],
                batch_size=BATCH,
            )
            caveat_link.objects.bulk_create(
                [
                    caveat_link(
                        document_id=r["id"],
                        caveat_id=self._lookup(self.caveat_ids, name, "caveat", r["id"]),
                    )
                    for r in batch
                    for name in r["caveats"]
                ],
                batch_size=BATCH,
            )
            subject_link.objects.bulk_create(
                [
                    subject_link(
                        document_id=r["id"],
                        subject_id=self._lookup(self.subject_ids, name, "subject", r["id"]),
                    )
                    for r in batch
                    for name in r["subjects"]
                ],
                batch_size=BATCH,
            )
            count += len(batch)
        return count
