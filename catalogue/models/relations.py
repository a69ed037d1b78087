"""Links between documents, and citations of printed and archival sources."""

from django.core.exceptions import ValidationError
from django.db import models

from .common import unique_slug


class RelationType(models.TextChoices):
    CITES = "cites", "Cites"
    REPLIES_TO = "replies_to", "Replies to"
    PRINTED_AS = "printed_as", "Is printed as"
    SAME_MEETING = "same_meeting", "Notes of the same meeting"
    REFERS_TO = "refers_to", "Refers to"
    ENCLOSES = "encloses", "Encloses"


class DocumentRelation(models.Model):
    """A link from one document to another; ``target`` may still be unknown to the
    catalogue ("Khrushchev's letter is printed as Document 102"), then ``target_label``
    names it until it is catalogued."""

    source = models.ForeignKey(
        "catalogue.Document", on_delete=models.CASCADE, related_name="relations"
    )
    target = models.ForeignKey(
        "catalogue.Document",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="incoming_relations",
        help_text="A cited document cannot be deleted while cited: withdraw it instead.",
    )
    relation_type = models.CharField(max_length=20, choices=RelationType.choices)
    target_label = models.CharField(max_length=300, blank=True)
    target_document_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="Document number within the printed volume."
    )
    footnote = models.ForeignKey(
        "catalogue.Footnote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["source", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="relation_not_to_itself"
            ),
            models.CheckConstraint(
                condition=models.Q(target__isnull=False) | ~models.Q(target_label=""),
                name="relation_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.source_id} {self.get_relation_type_display()} {self.target or self.target_label}"

    def clean(self):
        if self.target_id and self.target_id == self.source_id:
            raise ValidationError({"target": "A document cannot relate to itself."})
        if not self.target_id and not self.target_label:
            raise ValidationError({"target_label": "Name the target when it is not catalogued."})


class Publication(models.Model):
    """A printed or online edition: FRUS 1961–1963 vol. XI, the Avalon Project, …"""

    title = models.CharField(max_length=500, unique=True)
    short_title = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    publisher = models.CharField(max_length=255, blank=True)
    place = models.CharField(max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=80, blank=True)
    editor = models.CharField(max_length=255, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.short_title or self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.short_title or self.title)
        super().save(*args, **kwargs)


class CitationKind(models.TextChoices):
    PUBLISHED_IN = "published_in", "Published in"
    TRANSCRIBED_IN = "transcribed_in", "Transcribed in"
    CITES_PRINTED = "cites_printed", "Cites a printed source"
    CITES_ARCHIVAL = "cites_archival", "Cites an archival item"


class Citation(models.Model):
    """A bibliographic or archival reference made by, or about, a document."""

    document = models.ForeignKey(
        "catalogue.Document", on_delete=models.CASCADE, related_name="citations"
    )
    # kind alone is never a filter; publication leads citation_publication_number.
    kind = models.CharField(max_length=20, choices=CitationKind.choices)
    publication = models.ForeignKey(
        Publication,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citations",
        db_index=False,
    )
    unit = models.ForeignKey(
        "catalogue.ArchivalUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citations",
    )
    document_number = models.PositiveIntegerField(null=True, blank=True)
    pages = models.CharField(max_length=80, blank=True)
    text = models.TextField(blank=True)
    url = models.URLField(blank=True)
    footnote = models.ForeignKey(
        "catalogue.Footnote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citations",
    )
    sequence = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["document", "sequence", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(publication__isnull=False)
                | models.Q(unit__isnull=False)
                | ~models.Q(text=""),
                name="citation_cites_something",
            )
        ]
        indexes = [
            # "printed as Document 102" -> the FRUS citation (RunSQL in 0009; 0011 declares
            # it). Covering since 0016: the importer's "first document printed as each
            # number" reads kind and document from the index, not ~140 rows per number.
            models.Index(
                fields=["publication", "document_number", "kind", "document"],
                name="citation_publication_number",
            ),
        ]

    def __str__(self):
        target = self.publication or self.unit or self.text[:60]
        return f"{self.get_kind_display()}: {target}"
