"""A small catalogue in which every unpublished record is full of unique marker text.

Each unpublished document (draft, in review, withdrawn) writes a marker such as
``zqleakdraft`` into every field it has and every related row (footnotes, agent roles,
events, page images, citations), and shares its unit, repository, agents, subject and
type with a published control document — so a channel that filters the documents but
not what hangs off them, or counts before filtering, shows up. Markers are lowercase
letters only, so they survive slugs, name normalisation and escaping unchanged.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from PIL import Image

from catalogue import models as m
from tests import factories as f

UNPUBLISHED = ("draft", "in_review", "withdrawn")
CONTROL = "zqpubcontrol"


def marker(status: str) -> str:
    return "zqleak" + status.replace("_", "")


def png_bytes(colour=(20, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class World:
    control: m.Document
    unpublished: dict[str, m.Document] = field(default_factory=dict)
    secret_agents: dict[str, m.Agent] = field(default_factory=dict)
    shared_agent: m.Agent | None = None
    shared_unit: m.ArchivalUnit | None = None
    secret_unit: m.ArchivalUnit | None = None
    repository: m.Repository | None = None
    pages: dict[str, m.DigitalObject] = field(default_factory=dict)
    import_run: m.ImportRun | None = None

    @property
    def markers(self) -> list[str]:
        return [marker(status) for status in UNPUBLISHED]

    @property
    def documents(self) -> list[m.Document]:
        return [self.control, *self.unpublished.values()]

    @property
    def agents(self) -> list[m.Agent]:
        return [self.shared_agent, *self.secret_agents.values()]

    @property
    def units(self) -> list[m.ArchivalUnit]:
        return [self.shared_unit, self.secret_unit]


def add_page(document, *, caption: str, original_name: str) -> m.DigitalObject:
    page = m.DigitalObject(
        document=document, page_number=1, caption=caption, original_name=original_name
    )
    page.image.save(f"page-{document.pk}.png", ContentFile(png_bytes()), save=False)
    page.format = "PNG"
    page.save()
    return page


def build_world(*, text_for=marker, title_for=None) -> World:
    """``text_for(status)`` gives the string written into every field of that status's
    document (the marker by default; the hostile-content tests pass a script tag)."""
    title_for = title_for or (lambda status: f"Memorandum {text_for(status)} title")
    repository = f.RepositoryFactory(name="Shared Repository", short_name="SR")
    shared_unit = f.UnitFactory(repository=repository, title="Shared file")
    secret_unit = f.UnitFactory(repository=repository, title="Unpublished-only file")
    shared_agent = f.AgentFactory(authorised_name="Shared Person")
    subject = f.SubjectFactory(name="Shared subject")
    publication = f.PublicationFactory(title="Shared publication")
    run = f.ImportRunFactory()

    control = f.DocumentFactory(
        title=f"Control {CONTROL} title",
        text=f"Control body {CONTROL}.",
        unit=shared_unit,
        status=m.PublicationStatus.PUBLISHED,
        published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        import_run=run,
        sender=shared_agent,
    )
    control.subjects.add(subject)
    f.DocumentAgentFactory(document=control, agent=shared_agent, role=m.AgentRole.SENDER)
    f.FootnoteFactory(document=control, number=1, text=f"Control note {CONTROL}")
    f.EventFactory(document=control, description=f"Control event {CONTROL}")
    world = World(
        control=control,
        shared_agent=shared_agent,
        shared_unit=shared_unit,
        secret_unit=secret_unit,
        repository=repository,
        import_run=run,
    )
    world.pages[CONTROL] = add_page(
        control, caption=f"Control page {CONTROL}", original_name="c.png"
    )

    for index, status in enumerate(UNPUBLISHED):
        secret = text_for(status)
        agent = f.AgentFactory(authorised_name=f"Agent {secret}", biographical_note=secret)
        f.AgentNameFactory(agent=agent, name=f"Variant {secret}")
        document = f.DocumentFactory(
            title=title_for(status),
            slug=f"slug-{marker(status)}",
            status=status,
            published_at=None,
            # The withdrawal reason is public by design (the tombstone page explains why
            # a record was withdrawn), so it carries no marker.
            withdrawn_reason="Withdrawn pending review." if status == "withdrawn" else "",
            text=f"Body {secret} with a note (1).",
            raw_text=f"Raw {secret}",
            source_note=f"Source: {secret}",
            editorial_note=f"Editorial {secret}",
            subject_line=f"Subject line {secret}"[:300],
            message_number=f"{index + 1}{marker(status)}"[:40],
            place=f"Place {secret}"[:200],
            date=datetime.date(1962, 10, 20 + index),
            date_text=f"Date {secret}"[:120],
            received_text=f"Received {secret}"[:300],
            transmission_note=f"Repeated to {secret}",
            review_note=f"Review {secret}",
            routing=[f"Routing {secret}"],
            item_reference=f"Item {secret}"[:200],
            unit=secret_unit if status == "draft" else shared_unit,
            sender=agent,
            recipient=shared_agent,
            import_run=run,
        )
        document.subjects.add(subject)
        f.FootnoteFactory(document=document, number=1, text=f"Footnote {secret}")
        f.DocumentAgentFactory(
            document=document, agent=agent, role=m.AgentRole.SENDER, name_as_written=secret[:255]
        )
        f.DocumentAgentFactory(
            document=document,
            agent=shared_agent,
            role=m.AgentRole.RECIPIENT,
            position_title=f"Position {secret}"[:255],
            note=f"Role note {secret}"[:255],
        )
        event = f.EventFactory(
            document=document,
            event_type=m.EventType.SENT,
            description=f"Event {secret}",
            evidence=f"Evidence {secret}",
            place=f"Event place {secret}"[:200],
        )
        m.EventAgent.objects.create(event=event, agent=shared_agent, role=m.AgentRole.SENDER)
        m.Citation.objects.create(
            document=document,
            kind=m.CitationKind.values[0],
            publication=publication,
            text=f"Citation {secret}",
        )
        # The published control cites the unpublished document: its page must not.
        m.DocumentRelation.objects.create(
            source=control,
            target=document,
            relation_type=m.RelationType.values[0],
        )
        # ...and the unpublished document cites the control: "cited by" must not say so.
        m.DocumentRelation.objects.create(
            source=document,
            target=control,
            relation_type=m.RelationType.values[0],
            note=f"Relation note {secret}",
        )
        world.pages[status] = add_page(
            document, caption=f"Caption {secret}"[:300], original_name=f"{secret}.png"[:255]
        )
        m.ImportedFile.objects.create(
            run=run,
            path=f"/imports/{marker(status)}.txt",
            outcome=m.ImportedFile.Outcome.values[0],
            document=document,
        )
        world.unpublished[status] = document
        world.secret_agents[status] = agent
    return world
