"""The catalogue's own provenance: import runs, the files they read, names to review."""

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """One run of an importer: who, when, with which parser, and what came of it.

    Every record an import creates links back here, so any statement in the catalogue
    can be traced to the file and the parser version that produced it.
    """

    class Channel(models.TextChoices):
        COMMAND = "command", "Management command"
        ADMIN = "admin", "Admin upload"
        API = "api", "API"
        FIXTURE = "fixture", "Bundled data"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Partly failed"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150, blank=True, help_text="Who ran it, as known then.")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.COMMAND)
    parser_version = models.CharField(max_length=40, blank=True)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    files_read = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return (
            f"Import run {self.pk} ({self.started_at:%Y-%m-%d %H:%M}, {self.get_status_display()})"
        )


class ImportedFile(models.Model):
    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=500)
    checksum = models.CharField(max_length=64, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    document = models.ForeignKey(
        "catalogue.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_files",
    )

    class Meta:
        ordering = ["run", "id"]

    def __str__(self):
        return f"{self.path}: {self.get_outcome_display()}"


class AuthorityReview(models.Model):
    """A name the importer could not settle alone: unresolved, ambiguous, or a fuzzy
    match it proposes to merge. Fuzzy matches are never merged silently."""

    class Kind(models.TextChoices):
        UNRESOLVED = "unresolved", "Unresolved name"
        AMBIGUOUS = "ambiguous", "Ambiguous name"
        PROPOSED_MERGE = "proposed_merge", "Proposed merge"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    name = models.CharField(max_length=255)
    agent = models.ForeignKey(
        "catalogue.Agent", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    candidate = models.ForeignKey(
        "catalogue.Agent", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)
    document = models.ForeignKey(
        "catalogue.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["status", "-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"
