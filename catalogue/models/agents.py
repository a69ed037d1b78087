"""Agents (persons and organisations) with authority records: variant names, positions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from catalogue.normalise import normalise_name

from .history import HISTORY_UNINDEXED, CatalogueHistoricalModel
from .querysets import AgentNameQuerySet, AgentQuerySet


class AgentKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation or office"
    FAMILY = "family", "Family"


class Agent(models.Model):
    """An authority record: one real person or body, however many ways the texts name it.

    The same man is "Rusk", "Secretary of State Rusk", "Secretary" and "Sec"; every form
    seen is kept as an ``AgentName`` so the importer can resolve it next time.
    """

    kind = models.CharField(
        max_length=20, choices=AgentKind.choices, default=AgentKind.PERSON, db_index=True
    )
    authorised_name = models.CharField(max_length=255)
    sort_name = models.CharField(max_length=255, blank=True, db_index=True)
    normalised_name = models.CharField(max_length=255, editable=False, db_index=True)
    slug = models.SlugField(max_length=120, blank=True)
    dates = models.CharField(max_length=80, blank=True, help_text="Life or existence dates.")
    biographical_note = models.TextField(blank=True)
    needs_review = models.BooleanField(default=False)
    import_run = models.ForeignKey(
        "catalogue.ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agents",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_agents"
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Optimistic lock: a save based on an older version is refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(bases=[CatalogueHistoricalModel], no_db_index=HISTORY_UNINDEXED)
    objects = AgentQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "authorised_name"]
        permissions = [("merge_agent", "Can merge duplicate agents and undo merges")]
        indexes = [models.Index(fields=["kind", "sort_name"])]

    def __str__(self):
        return self.authorised_name

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.authorised_name)
        if not self.sort_name:
            self.sort_name = self.authorised_name
        if not self.slug:
            self.slug = slugify(self.authorised_name)[:120] or "agent"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:agent-detail", kwargs={"pk": self.pk, "slug": self.slug})


class NameType(models.TextChoices):
    AUTHORISED = "authorised", "Authorised form"
    VARIANT = "variant", "Variant spelling"
    LABEL = "label", "Label used in a text (e.g. Sec)"
    OFFICE = "office", "Office and name"
    ABBREVIATION = "abbreviation", "Abbreviation"
    TRANSLITERATION = "transliteration", "Transliteration"
    MERGED = "merged", "Name of a merged record"


class AgentName(models.Model):
    """One form under which an agent appears; the importer's lookup table."""

    # Its own index kept although agentname_unique_form leads with it: the agents' search
    # index concatenates an agent's names in the order this index reads them.
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=255)
    normalised = models.CharField(max_length=255, editable=False, db_index=True)
    name_type = models.CharField(max_length=20, choices=NameType.choices, default=NameType.VARIANT)
    note = models.CharField(max_length=255, blank=True)
    import_run = models.ForeignKey(
        "catalogue.ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agent_names",
    )

    objects = AgentNameQuerySet.as_manager()

    class Meta:
        ordering = ["agent", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "normalised"], name="agentname_unique_form")
        ]

    def __str__(self):
        return f"{self.name} → {self.agent}"

    def save(self, *args, **kwargs):
        self.normalised = normalise_name(self.name)
        super().save(*args, **kwargs)


class Position(models.Model):
    """An office held for a period: Rusk was Secretary of State 1961-01-21 – 1969-01-20."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(max_length=255)
    organisation = models.ForeignKey(
        Agent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_positions",
        limit_choices_to={"kind": AgentKind.ORGANISATION},
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["agent", "start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(start_date__lte=models.F("end_date")),
                name="position_dates_in_order",
            )
        ]

    def __str__(self):
        span = ""
        if self.start_date or self.end_date:
            span = f" ({self.start_date or '?'} – {self.end_date or ''})"
        return f"{self.title}{span}"

    def clean(self):
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValidationError({"end_date": "The end date is before the start date."})

    def held_on(self, day) -> bool:
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )


class IdentifierSource(models.TextChoices):
    VIAF = "viaf", "VIAF"
    WIKIDATA = "wikidata", "Wikidata"
    LCNAF = "lcnaf", "Library of Congress Name Authority File"
    ISNI = "isni", "ISNI"
    SNAC = "snac", "SNAC"
    OTHER = "other", "Other"


class AgentIdentifier(models.Model):
    """A link to the same entity in an external authority file."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="identifiers")
    source = models.CharField(max_length=20, choices=IdentifierSource.choices)
    value = models.CharField(max_length=120, blank=True)
    url = models.URLField()

    class Meta:
        ordering = ["agent", "source"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "source", "url"], name="agentid_unique")
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.value or self.url}"
