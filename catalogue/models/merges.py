"""A record of one authority merge, precise enough to undo it exactly."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class MergeRecord(models.Model):
    """What a merge of two agents (or two units) moved, deleted, created and changed.

    ``changes`` is a list of operations in the order applied, each one of
    ``{"op": "move", "model", "pk", "field"}`` (a row re-pointed from loser to survivor),
    ``{"op": "delete", "model", "values"}`` (a duplicate link row removed, with every
    column so undo can recreate it under its old primary key),
    ``{"op": "create", "model", "pk"}`` (e.g. the loser's name added as a variant), and
    ``{"op": "set", "model", "pk", "field", "old"}`` (a value changed in place).
    Undo replays them backwards.
    """

    class Kind(models.TextChoices):
        AGENT = "agent", "Agent"
        UNIT = "unit", "Archival unit"

    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    survivor_id = models.PositiveBigIntegerField(db_index=True)
    loser_id = models.PositiveBigIntegerField(db_index=True)
    survivor_label = models.CharField(max_length=500)
    loser_label = models.CharField(max_length=500)
    changes = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    note = models.TextField(blank=True)
    review = models.ForeignKey(
        "catalogue.AuthorityReview",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merges",
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self):
        state = " (undone)" if self.undone_at else ""
        return f"Merge #{self.pk}: {self.loser_label} → {self.survivor_label}{state}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None

    @property
    def moved_count(self) -> int:
        return sum(1 for change in self.changes if change["op"] == "move")
