"""Small pieces every record shape uses: value formatting, nested date shapes, unit
paths fetched in bulk, and model validation surfaced as field-level 400s.

The record shapes are written by hand (``to_representation``) rather than by DRF's
generic field machinery because the same code serialises the API detail and the bulk
export, and the export must stay fast at 100,000 records. The declared fields exist for
validation of writes and for the OpenAPI schema; a test checks that the responses match
the schema, so the two cannot drift apart.
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from catalogue.formats.ndjson_build import hh_mm, iso_date  # noqa: F401 - one definition
from catalogue.models import ArchivalUnit, DateCertainty, DatePrecision


def iso_datetime(value):
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def public_url(instance) -> str:
    """The stable public page of a record, absolute, so exports carry it too."""
    return settings.CATALOGUE_BASE_URL.rstrip("/") + instance.get_absolute_url()


class UnitPaths:
    """Path labels (top unit → this unit, titles and identifiers) for many units, from
    one query: ``ArchivalUnit.path_labels()`` would cost a query per unit."""

    def __init__(self):
        self._units: dict[int, tuple[str, str]] = {}

    @staticmethod
    def _ids(tree_path: str) -> list[int]:
        return [int(part) for part in (tree_path or "").strip("/").split("/") if part]

    def load(self, tree_paths) -> "UnitPaths":
        wanted = {pk for path in tree_paths for pk in self._ids(path)} - self._units.keys()
        if wanted:
            rows = ArchivalUnit.objects.filter(pk__in=wanted).values_list(
                "pk", "title", "identifier"
            )
            self._units.update((pk, (title, ident)) for pk, title, ident in rows)
        return self

    def load_all(self) -> "UnitPaths":
        rows = ArchivalUnit.objects.values_list("pk", "title", "identifier").iterator(
            chunk_size=5000
        )
        self._units.update((pk, (title, ident)) for pk, title, ident in rows)
        return self

    def labels(self, tree_path: str) -> list[str]:
        ids = self._ids(tree_path)
        missing = [pk for pk in ids if pk not in self._units]
        if missing:
            self.load([tree_path])
        labels = []
        for pk in ids:
            if pk not in self._units:
                continue
            title, identifier = self._units[pk]
            labels.append(title)
            if identifier and identifier != title:
                labels.append(identifier)
        return labels


def unit_paths_from(context) -> UnitPaths:
    paths = context.get("unit_paths")
    if paths is None:
        paths = context["unit_paths"] = UnitPaths()
    return paths


class PartialDateSerializer(serializers.Serializer):
    value = serializers.DateField(
        allow_null=True, help_text="ISO 8601 date; month/year precision uses the 1st."
    )
    precision = serializers.ChoiceField(
        choices=DatePrecision.choices, help_text="How much of the date the source states."
    )
    certainty = serializers.ChoiceField(
        choices=DateCertainty.choices, help_text="How sure the edition is of the date."
    )
    text = serializers.CharField(help_text="The date as written in the source.")


class DocumentDateSerializer(PartialDateSerializer):
    note = serializers.CharField(help_text="How an uncertain date was arrived at, and from what.")


class ModelCleanMixin:
    """Run the model's own ``clean()`` on writes, so rules like "an uncertain date needs
    a note" come back as field-level 400s instead of database errors."""

    clean_exclude: tuple[str, ...] = ()

    def run_model_clean(self, instance):
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
