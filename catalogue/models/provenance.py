"""Who did what to a document, and when: agent roles and the chain of custody events."""

from django.db import models

from .common import DateCertainty, DatePrecision, date_precision_constraint, format_partial_date
from .querysets import DocumentAgentQuerySet, ProvenanceEventQuerySet


class AgentRole(models.TextChoices):
    AUTHOR = "author", "Author"
    SENDER = "sender", "Sender"
    RECIPIENT = "recipient", "Recipient"
    PARTICIPANT = "participant", "Participant"
    SPEAKER = "speaker", "Speaker"
    DRAFTER = "drafter", "Drafter"
    CLEARED = "cleared", "Cleared by"
    CONCURRED = "concurred", "Concurred in by"
    APPROVED = "approved", "Approved by"
    SIGNER = "signer", "Signer"
    MENTIONED = "mentioned", "Mentioned"


class DocumentAgent(models.Model):
    """An agent's part in a document, with the office they held then, as the text says."""

    # Its own index kept although the unique (document, agent, role) one leads with it:
    # the search index concatenates a document's agents in the order this index reads
    # them (insertion order), and that text shows in snippets.
    document = models.ForeignKey(
        "catalogue.Document", on_delete=models.CASCADE, related_name="agent_roles"
    )
    # Not indexed alone: every read by agent (or by role) uses (agent, role, document).
    agent = models.ForeignKey(
        "catalogue.Agent", on_delete=models.PROTECT, related_name="document_roles", db_index=False
    )
    role = models.CharField(max_length=20, choices=AgentRole.choices)
    position_title = models.CharField(max_length=255, blank=True)
    name_as_written = models.CharField(max_length=255, blank=True)
    sequence = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=255, blank=True)

    objects = DocumentAgentQuerySet.as_manager()

    class Meta:
        ordering = ["document", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "agent", "role"], name="documentagent_unique_role"
            )
        ]
        # With the document: an agent's documents read from the index alone (0017).
        indexes = [
            models.Index(fields=["agent", "role", "document"], name="documentagent_agent_role")
        ]

    def __str__(self):
        return f"{self.agent} — {self.get_role_display()}"


class EventType(models.TextChoices):
    CREATED = "created", "Created"
    DRAFTED = "drafted", "Drafted"
    CLEARED = "cleared", "Cleared"
    CONCURRED = "concurred", "Concurred"
    APPROVED = "approved", "Approved"
    SIGNED = "signed", "Signed"
    SENT = "sent", "Sent"
    RECEIVED = "received", "Received"
    REPEATED = "repeated", "Repeated"
    FILED = "filed", "Filed"
    TRANSFERRED = "transferred", "Transferred / accessioned"
    DECLASSIFIED = "declassified", "Declassified"
    PUBLISHED = "published", "Published"
    TRANSCRIBED = "transcribed", "Transcribed / digitised"
    CATALOGUED = "catalogued", "Catalogued"


EVENT_ORDER = {value: index for index, value in enumerate(EventType.values)}


class ProvenanceEvent(models.Model):
    """One link of a document's provenance chain, with the evidence it rests on.

    drafted → cleared → sent → received → filed → transferred → published → transcribed
    → catalogued. ``custodian_before``/``after`` record changes of custody.
    """

    document = models.ForeignKey(
        "catalogue.Document", on_delete=models.CASCADE, related_name="events"
    )
    event_type = models.CharField(max_length=20, choices=EventType.choices, db_index=True)
    sequence = models.PositiveSmallIntegerField(default=0)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    date_certainty = models.CharField(
        max_length=12, choices=DateCertainty.choices, default=DateCertainty.CERTAIN
    )
    date_text = models.CharField(max_length=120, blank=True)
    time = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    evidence = models.TextField(blank=True, help_text="What this event is known from.")
    agents = models.ManyToManyField(
        "catalogue.Agent", through="EventAgent", blank=True, related_name="events"
    )
    custodian_before = models.ForeignKey(
        "catalogue.Repository",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    custodian_after = models.ForeignKey(
        "catalogue.Repository",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "catalogue.ArchivalUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text="For filing and transfer: the unit involved.",
    )
    publication = models.ForeignKey(
        "catalogue.Publication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    import_run = models.ForeignKey(
        "catalogue.ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )

    objects = ProvenanceEventQuerySet.as_manager()

    class Meta:
        ordering = ["document", "sequence", "id"]
        constraints = [date_precision_constraint("date", "event_date_matches_precision")]

    def __str__(self):
        return f"{self.get_event_type_display()} ({format_partial_date(self.date, self.date_precision)})"

    @property
    def display_date(self) -> str:
        return format_partial_date(self.date, self.date_precision)


class EventAgent(models.Model):
    event = models.ForeignKey(
        ProvenanceEvent,
        on_delete=models.CASCADE,
        related_name="event_agents",
        db_index=False,  # eventagent_unique leads with it
    )
    agent = models.ForeignKey(
        "catalogue.Agent", on_delete=models.PROTECT, related_name="event_roles"
    )
    role = models.CharField(max_length=20, choices=AgentRole.choices, blank=True)

    class Meta:
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "agent", "role"], name="eventagent_unique")
        ]

    def __str__(self):
        return f"{self.agent} ({self.role or 'agent'})"
