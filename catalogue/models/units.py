"""Archival units: the hierarchy of record groups, collections, series, files and items."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .history import HISTORY_UNINDEXED, CatalogueHistoricalModel
from .querysets import ArchivalUnitQuerySet


class UnitLevel(models.TextChoices):
    RECORD_GROUP = "record_group", "Record group"
    COLLECTION = "collection", "Collection"
    SERIES = "series", "Series"
    SUBSERIES = "subseries", "Subseries"
    FILE = "file", "File"
    ITEM = "item", "Item"


LEVEL_DEPTH = {
    UnitLevel.RECORD_GROUP: 0,
    UnitLevel.COLLECTION: 0,
    UnitLevel.SERIES: 1,
    UnitLevel.SUBSERIES: 2,
    UnitLevel.FILE: 3,
    UnitLevel.ITEM: 4,
}


class IdentifierScheme(models.TextChoices):
    NONE = "", "None"
    LOT = "lot", "Lot file number"
    ACCESSION = "accession", "Records-center accession (FRC / NYFRC)"
    RECORD_GROUP = "record_group", "Record group number"
    DECIMAL_FILE = "decimal_file", "Central-file decimal number"
    CALL_NUMBER = "call_number", "Call number"
    OTHER = "other", "Other"


class ArchivalUnit(models.Model):
    """One node in a repository's arrangement (RG 330 → OASD(C) A Files → file → item).

    ``tree_path`` and ``depth`` are derived from the parent chain so that "everything
    below this unit" is one indexed prefix query instead of a recursive walk.
    """

    repository = models.ForeignKey(
        "catalogue.Repository", on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(max_length=20, choices=UnitLevel.choices, db_index=True)
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=120, blank=True)
    identifier = models.CharField(
        max_length=120, blank=True, help_text="e.g. Lot 74 D 272, NYFRC 84-84-001, RG 330"
    )
    identifier_scheme = models.CharField(
        max_length=20, choices=IdentifierScheme.choices, blank=True, default=""
    )
    creator = models.ForeignKey(
        "catalogue.Agent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_units",
    )
    date_text = models.CharField(max_length=120, blank=True)
    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    extent = models.CharField(max_length=200, blank=True)
    scope_note = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    tree_path = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    import_run = models.ForeignKey(
        "catalogue.ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_units"
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Optimistic lock: a save based on an older version is refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(bases=[CatalogueHistoricalModel], no_db_index=HISTORY_UNINDEXED)
    objects = ArchivalUnitQuerySet.as_manager()

    class Meta:
        ordering = ["tree_path", "sort_order", "title"]
        # PostgreSQL also has unit_tree_path_c, (tree_path COLLATE "C") for subtree
        # ranges: raw SQL in migration 0012_unit_tree (SQLite has no "C" collation).
        permissions = [("merge_archivalunit", "Can merge duplicate units and undo merges")]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "title"],
                condition=models.Q(parent__isnull=True),
                name="unit_unique_top_title_per_repository",
            ),
            models.UniqueConstraint(
                fields=["parent", "title"],
                condition=models.Q(parent__isnull=False),
                name="unit_unique_title_per_parent",
            ),
            models.UniqueConstraint(
                fields=["repository", "identifier_scheme", "identifier"],
                condition=~models.Q(identifier=""),
                name="unit_unique_identifier_per_repository",
            ),
            models.CheckConstraint(
                condition=models.Q(date_start__isnull=True)
                | models.Q(date_end__isnull=True)
                | models.Q(date_start__lte=models.F("date_end")),
                name="unit_dates_in_order",
            ),
        ]

    def __str__(self):
        if self.identifier and self.identifier != self.title:
            return f"{self.title} ({self.identifier})"
        return self.title

    def clean(self):
        errors = {}
        if self.parent_id:
            parent = self.parent
            if parent.repository_id != self.repository_id:
                errors["parent"] = "A unit's parent must be held by the same repository."
            if self.pk and (parent.pk == self.pk or f"/{self.pk}/" in (parent.tree_path or "")):
                errors["parent"] = "A unit cannot be placed inside itself."
            elif LEVEL_DEPTH.get(self.level, 0) < LEVEL_DEPTH.get(parent.level, 0):
                errors["level"] = (
                    f"A {self.get_level_display().lower()} cannot sit below a "
                    f"{parent.get_level_display().lower()}."
                )
        if bool(self.identifier) != bool(self.identifier_scheme):
            errors["identifier_scheme"] = (
                "An identifier needs its scheme, and a scheme an identifier."
            )
        if self.date_start and self.date_end and self.date_start > self.date_end:
            errors["date_end"] = "The end date is before the start date."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:120] or "unit"
        old_path = self.tree_path
        super().save(*args, **kwargs)
        parent_path = self.parent.tree_path if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk}/"
        if new_path != old_path:
            self.depth = new_path.count("/") - 2
            type(self).objects.filter(pk=self.pk).update(tree_path=new_path, depth=self.depth)
            self.tree_path = new_path
            if old_path:
                self._move_descendants(old_path, new_path)

    def _move_descendants(self, old_path: str, new_path: str):
        for unit in type(self).objects.filter(tree_path__startswith=old_path).exclude(pk=self.pk):
            path = new_path + unit.tree_path[len(old_path) :]
            type(self).objects.filter(pk=unit.pk).update(tree_path=path, depth=path.count("/") - 2)

    def get_absolute_url(self):
        return reverse("catalogue:unit-detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.tree_path.strip("/").split("/") if part][:-1]

    def ancestors(self):
        """Top-down chain above this unit, in one query."""
        ids = self.ancestor_ids
        by_id = {u.pk: u for u in type(self).objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def path_labels(self) -> list[str]:
        """Titles and identifiers from the top unit down to this one, as the export shows."""
        labels = []
        for unit in [*self.ancestors(), self]:
            labels.append(unit.title)
            if unit.identifier and unit.identifier != unit.title:
                labels.append(unit.identifier)
        return labels
