"""Repositories, archival units (with their place in the tree) and agents."""

import copy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.models import (
    Agent,
    AgentIdentifier,
    AgentName,
    ArchivalUnit,
    Position,
    Repository,
)

from .common import ModelCleanMixin, public_url, unit_paths_from

PUBLIC_URL = {"help_text": "The record's public page (absolute URL)."}
CREATED = {"help_text": "When the record was created in the catalogue (UTC)."}
UPDATED = {"help_text": "When the record last changed (UTC)."}
IMPORT_RUN = {"help_text": "Import run that created the record, if any."}


class PublicUrlField(serializers.ReadOnlyField):
    def __init__(self, **kwargs):
        super().__init__(source="*", **{**PUBLIC_URL, **kwargs})

    def to_representation(self, value):
        return public_url(value)


extend_schema_field({"type": "string", "format": "uri"})(PublicUrlField)


class CleanOnValidateMixin(ModelCleanMixin):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if not model._meta.get_field(name).many_to_many:
                setattr(instance, name, value)
        self.run_model_clean(instance)
        return attrs


class RepositorySerializer(serializers.ModelSerializer):
    url = PublicUrlField()
    website = serializers.URLField(
        source="url", required=False, allow_blank=True, help_text="The institution's website."
    )

    class Meta:
        model = Repository
        fields = [
            "id",
            "url",
            "name",
            "short_name",
            "slug",
            "address",
            "website",
            "description",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": "Stable numeric identifier."},
            "name": {"help_text": "Name of the holding institution."},
            "short_name": {"help_text": "Abbreviation, e.g. 'NARA'."},
            "slug": {"help_text": "URL key; derived from the name if omitted.", "required": False},
            "address": {"help_text": "Postal address."},
            "description": {"help_text": "About the institution and its holdings."},
            "created_at": CREATED,
            "updated_at": UPDATED,
        }


class UnitListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        unit_paths_from(self.context).load(unit.tree_path for unit in items)
        return super().to_representation(items)


class ArchivalUnitSerializer(CleanOnValidateMixin, serializers.ModelSerializer):
    url = PublicUrlField()
    path = serializers.SerializerMethodField(
        help_text="Titles and identifiers from the top unit down to this one."
    )

    class Meta:
        model = ArchivalUnit
        list_serializer_class = UnitListSerializer
        fields = [
            "id",
            "url",
            "repository",
            "parent",
            "level",
            "title",
            "slug",
            "identifier",
            "identifier_scheme",
            "creator",
            "date_text",
            "date_start",
            "date_end",
            "extent",
            "scope_note",
            "sort_order",
            "tree_path",
            "depth",
            "path",
            "merged_into",
            "import_run",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["tree_path", "depth", "import_run", "created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "Stable numeric identifier."},
            "repository": {"help_text": "The institution holding the unit."},
            "parent": {"help_text": "The unit above this one; null for a top-level unit."},
            "level": {"help_text": "Level of arrangement: record group, collection … item."},
            "title": {"help_text": "Title of the unit, e.g. 'Ball Papers'."},
            "slug": {"help_text": "URL key; derived from the title if omitted.", "required": False},
            "identifier": {"help_text": "Reference code, e.g. 'Lot 74 D 272'."},
            "identifier_scheme": {"help_text": "What kind of reference code the identifier is."},
            "creator": {"help_text": "The agent whose records the unit holds."},
            "date_text": {"help_text": "Dates of the material, as written."},
            "date_start": {"help_text": "Earliest date of the material."},
            "date_end": {"help_text": "Latest date of the material."},
            "extent": {"help_text": "Physical or logical extent."},
            "scope_note": {"help_text": "Scope and content."},
            "sort_order": {"help_text": "Position among its siblings."},
            "tree_path": {"help_text": "Materialised path of ids, '/1/4/9/' (read only)."},
            "depth": {"help_text": "Depth in the tree, 0 at the top (read only)."},
            "merged_into": {"help_text": "The unit this duplicate was merged into."},
            "import_run": IMPORT_RUN,
            "created_at": CREATED,
            "updated_at": UPDATED,
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_path(self, unit) -> list[str]:
        return unit_paths_from(self.context).labels(unit.tree_path)


class AgentNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgentName
        fields = ["name", "name_type", "note", "import_run"]
        extra_kwargs = {
            "name": {"help_text": "The name as it appears."},
            "name_type": {"help_text": "Authorised form, variant, label, office …"},
            "note": {"help_text": "Where or how the form is used."},
            "import_run": IMPORT_RUN,
        }


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["title", "organisation", "start_date", "end_date", "note"]
        extra_kwargs = {
            "title": {"help_text": "The office, e.g. 'Secretary of State'."},
            "organisation": {"help_text": "The organisation the office belongs to (agent id)."},
            "start_date": {"help_text": "When the office was taken up."},
            "end_date": {"help_text": "When the office was left."},
            "note": {"help_text": "Remarks."},
        }


class AgentIdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgentIdentifier
        fields = ["source", "value", "url"]
        extra_kwargs = {
            "source": {"help_text": "External authority file (VIAF, Wikidata …)."},
            "value": {"help_text": "Identifier in that file."},
            "url": {"help_text": "Link to the record in that file."},
        }


class AgentSerializer(serializers.ModelSerializer):
    url = PublicUrlField()
    names = AgentNameSerializer(
        many=True, read_only=True, help_text="Every form the agent is known under."
    )
    positions = PositionSerializer(many=True, read_only=True, help_text="Offices held.")
    identifiers = AgentIdentifierSerializer(
        many=True, read_only=True, help_text="Links to external authority files."
    )

    class Meta:
        model = Agent
        fields = [
            "id",
            "url",
            "kind",
            "authorised_name",
            "sort_name",
            "slug",
            "dates",
            "biographical_note",
            "needs_review",
            "names",
            "positions",
            "identifiers",
            "merged_into",
            "import_run",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["import_run", "created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "Stable numeric identifier."},
            "kind": {"help_text": "Person, organisation or family."},
            "authorised_name": {"help_text": "The preferred form of the name."},
            "sort_name": {
                "help_text": "Form used for sorting; the authorised name if omitted.",
                "required": False,
            },
            "slug": {"help_text": "URL key; derived from the name if omitted.", "required": False},
            "dates": {"help_text": "Life or existence dates."},
            "biographical_note": {"help_text": "Biographical or administrative history."},
            "needs_review": {"help_text": "Flagged for an archivist's review."},
            "merged_into": {"help_text": "The record this duplicate was merged into."},
            "import_run": IMPORT_RUN,
            "created_at": CREATED,
            "updated_at": UPDATED,
        }
