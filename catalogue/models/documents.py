"""Documents: the items the catalogue describes, with their types, footnotes and subjects."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .common import (
    DateCertainty,
    DatePrecision,
    PublicationStatus,
    date_precision_constraint,
    format_partial_date,
    unique_slug,
    validate_date_precision,
)
from .history import HISTORY_UNINDEXED, CatalogueHistoricalModel
from .querysets import DocumentQuerySet, SubjectQuerySet


class Collection(models.Model):
    """A published collection of texts (e.g. "The Cuban Missile Crisis" on Avalon).

    ``variants`` lists the spellings transcribers used for the heading, so the importer
    files "The Cuban Missle Crisis" under the right collection.
    """

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    description = models.TextField(blank=True)
    variants = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class DocumentTypeManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class DocumentType(models.Model):
    """Telegram, memorandum of telephone conversation, letter… an open vocabulary."""

    key = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    objects = DocumentTypeManager()

    class Meta:
        ordering = ["label"]

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.key,)


class Subject(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    scope_note = models.TextField(blank=True)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class Document(models.Model):
    """One archival document as described by the catalogue.

    The primary key is the stable public identifier: AUTOINCREMENT on SQLite and
    sequences on PostgreSQL never hand out a number twice, and exports keep it.
    ``raw_text`` and ``source_note`` are kept verbatim beside every parsed field so a
    parse can always be checked against, and redone from, what the source said.
    ``version`` is the optimistic lock: a save based on an older version is refused.
    """

    title = models.CharField(max_length=500)
    # Not indexed: pages are looked up by pk (the slug in the URL is checked, not searched).
    slug = models.SlugField(max_length=120, blank=True, db_index=False)
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="type",
        db_index=False,  # document_type_status leads with it
    )
    sender = models.ForeignKey(
        "catalogue.Agent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sent_documents",
    )
    recipient = models.ForeignKey(
        "catalogue.Agent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="received_documents",
    )
    place = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    date_certainty = models.CharField(
        max_length=12, choices=DateCertainty.choices, default=DateCertainty.CERTAIN
    )
    date_text = models.CharField(max_length=120, blank=True, help_text="The date as written.")
    date_note = models.TextField(
        blank=True, help_text="Why the date is what it is, when it is not simply stated."
    )
    time = models.TimeField(null=True, blank=True)
    time_text = models.CharField(max_length=40, blank=True)
    # Not indexed: only ever searched with icontains (admin), which no index serves.
    message_number = models.CharField(max_length=40, blank=True)
    subject_line = models.CharField(max_length=300, blank=True)
    routing = models.JSONField(default=list, blank=True, help_text="Addressing/routing lines.")
    text = models.TextField(blank=True, help_text="The body, with (n) footnote markers.")
    raw_text = models.TextField(blank=True, help_text="The source text, verbatim.")
    source_note = models.TextField(blank=True, help_text="The Source: paragraph, verbatim.")
    unit = models.ForeignKey(
        "catalogue.ArchivalUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text="The file (or other unit) the original is filed in.",
        db_index=False,  # document_unit_status leads with it
    )
    item_reference = models.CharField(max_length=200, blank=True)
    classification = models.ForeignKey(
        "catalogue.ClassificationLevel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        db_index=False,  # document_class_status leads with it
    )
    caveats = models.ManyToManyField("catalogue.Caveat", blank=True, related_name="documents")
    subjects = models.ManyToManyField(Subject, blank=True, related_name="documents")
    received_text = models.CharField(max_length=300, blank=True)
    received_time = models.TimeField(null=True, blank=True)
    transmission_note = models.TextField(blank=True, help_text="Sent to / repeated to.")
    editorial_note = models.TextField(blank=True, help_text="Editorial remarks of the source note.")
    status = models.CharField(
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        # Also alone: (status, id) is the API list's order (published, by id).
        db_index=True,
    )
    withdrawn_reason = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    needs_review = models.BooleanField(default=False, db_index=True)
    review_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    identity_key = models.CharField(
        max_length=500,
        blank=True,
        help_text="Content-independent key the importer matches on.",
    )
    source_file = models.CharField(max_length=500, blank=True)
    source_checksum = models.CharField(max_length=64, blank=True)
    import_run = models.ForeignKey(
        "catalogue.ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["raw_text"],
        bases=[CatalogueHistoricalModel],
        no_db_index=HISTORY_UNINDEXED,
    )
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["date", "time", "id"]
        permissions = [
            ("publish_document", "Can publish documents and return them to draft"),
            ("withdraw_document", "Can withdraw published documents"),
        ]
        constraints = [
            date_precision_constraint("date", "document_date_matches_precision"),
            models.UniqueConstraint(
                fields=["identity_key"],
                condition=~models.Q(identity_key=""),
                name="document_unique_identity_key",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="document_version_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "date", "time"], name="document_status_date"),
            # Search sorted by title: a page's ids read in order (0017).
            models.Index(fields=["status", "title", "id"], name="document_status_title"),
            models.Index(fields=["doc_type", "status"], name="document_type_status"),
            models.Index(fields=["classification", "status"], name="document_class_status"),
            models.Index(fields=["unit", "status"], name="document_unit_status"),
            # The API's date orders, undated (and untimed) last both ways: see
            # catalogue/api/pagination.py.
            models.Index(
                IsNull(F("date"), True),
                F("date"),
                IsNull(F("time"), True),
                F("time"),
                F("id"),
                name="document_date_order",
            ),
            # Created by RunSQL in 0009 and 0010, declared here (0011, state only).
            # The importer's lookup of a hand-described record by its file's checksum.
            models.Index(
                fields=["source_checksum"],
                condition=models.Q(identity_key=""),
                name="document_unkeyed_checksum",
            ),
            # The admin's search by message number (``numbered``), 0018: only the
            # documents that have one (two in five of the generated catalogue).
            models.Index(
                fields=["message_number"],
                condition=~models.Q(message_number=""),
                name="document_message_number",
            ),
            # The -date order (API and HTML list), read backwards; written in one
            # direction for the API's row-value keyset seek.
            models.Index(
                IsNull(F("date"), False),
                F("date"),
                IsNull(F("time"), False),
                F("time"),
                F("id"),
                name="document_date_seek_desc",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.display_date})"

    def clean(self):
        validate_date_precision(self.date, self.date_precision)
        if self.date_certainty != DateCertainty.CERTAIN and not self.date_note and self.date:
            raise ValidationError(
                {
                    "date_note": "Explain how an uncertain date was arrived at, and from what evidence."
                }
            )
        if self.status == PublicationStatus.WITHDRAWN and not self.withdrawn_reason:
            raise ValidationError({"withdrawn_reason": "Say why the record was withdrawn."})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:120] or "document"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:document-detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def display_date(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    @property
    def is_public(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class FootnoteKind(models.TextChoices):
    DATE = "date", "Resolves a date"
    CITATION = "citation", "Cites a printed source"
    CROSS_REFERENCE = "cross_reference", "Refers to another document"
    ARCHIVAL = "archival", "Cites an archival item"
    NOTE = "note", "Editorial note"


class Footnote(models.Model):
    """A numbered editorial footnote, attached to a place in the document's text."""

    # Its own index kept although footnote_unique_number leads with it: the search index
    # concatenates a document's notes in the order this index reads them.
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="footnotes")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=20, choices=FootnoteKind.choices, default=FootnoteKind.NOTE)
    anchor_text = models.CharField(
        max_length=200, blank=True, help_text="The word the marker follows."
    )
    marker_offset = models.PositiveIntegerField(
        null=True, blank=True, help_text="Character offset of the (n) marker in the text."
    )
    resolved_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="footnote_unique_number")
        ]

    def __str__(self):
        return f"Note {self.number} to document {self.document_id}"
