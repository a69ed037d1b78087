"""Digital surrogates: page images of a document, and their fixity checks."""

from django.db import models

from .querysets import DigitalObjectQuerySet


def page_image_path(instance, filename):
    # The curation services replace upload names with safe generated ones; this keeps
    # whatever reaches storage inside a per-document folder.
    return f"pages/{instance.document_id or 'new'}/{filename}"


class DigitalObject(models.Model):
    """One page image, with the technical metadata an archive needs to trust it later."""

    document = models.ForeignKey(
        "catalogue.Document", on_delete=models.CASCADE, related_name="digital_objects"
    )
    page_number = models.PositiveSmallIntegerField()
    image = models.ImageField(upload_to=page_image_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to="derivatives/thumbs/", blank=True)
    web_image = models.ImageField(upload_to="derivatives/web/", blank=True)
    caption = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    format = models.CharField(max_length=10, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    checksum_sha256 = models.CharField(max_length=64, blank=True)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)
    web_sha256 = models.CharField(max_length=64, blank=True)
    original_name = models.CharField(
        max_length=255, blank=True, help_text="The uploaded file's name, for the record only."
    )
    original_sha256 = models.CharField(
        max_length=64, blank=True, help_text="Checksum of the file as uploaded, before cleaning."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DigitalObjectQuerySet.as_manager()

    class Meta:
        ordering = ["document", "page_number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "page_number"], name="page_unique_number")
        ]
        # Media requests find derivatives by their stored name.
        indexes = [
            models.Index(fields=["thumbnail"], name="page_thumbnail_name"),
            models.Index(fields=["web_image"], name="page_web_image_name"),
        ]

    def __str__(self):
        return f"Page {self.page_number} of document {self.document_id}"


class FixityCheckQuerySet(models.QuerySet):
    def latest_per_file(self):
        """Only the most recent check of each stored file: an old failure that a later
        check cleared is history, not a current problem."""
        newest = (
            FixityCheck.objects.filter(
                digital_object=models.OuterRef("digital_object"), role=models.OuterRef("role")
            )
            .order_by("-checked_at", "-id")
            .values("id")[:1]
        )
        return self.filter(id=models.Subquery(newest))

    def failed(self):
        return self.exclude(outcome=FixityCheck.Outcome.OK)


class FixityCheck(models.Model):
    """The result of recomputing a stored file's checksum: archival fixity."""

    class Outcome(models.TextChoices):
        OK = "ok", "Unchanged"
        CHANGED = "changed", "Checksum changed"
        MISSING = "missing", "File missing"

    class Role(models.TextChoices):
        MASTER = "master", "Page image"
        THUMBNAIL = "thumbnail", "Thumbnail"
        WEB = "web", "Web-sized image"

    digital_object = models.ForeignKey(
        DigitalObject, on_delete=models.CASCADE, related_name="fixity_checks"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MASTER)
    path = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, db_index=True)
    expected = models.CharField(max_length=64)
    actual = models.CharField(max_length=64, blank=True)

    objects = FixityCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self):
        return f"{self.digital_object}: {self.get_outcome_display()} at {self.checked_at:%Y-%m-%d %H:%M}"
