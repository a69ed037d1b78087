"""Controlled vocabularies: small tables, plain ModelSerializers (read and write)."""

from rest_framework import serializers

from catalogue.models import (
    Caveat,
    ClassificationLevel,
    Collection,
    DocumentType,
    Publication,
    Subject,
)

ID = {"help_text": "Stable numeric identifier."}
SLUG = {"help_text": "URL-safe key, used by the filters; derived from the name if omitted."}
NAME = {"help_text": "The term as catalogued."}
DESCRIPTION = {"help_text": "What the term means in this catalogue."}


class ClassificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassificationLevel
        fields = ["id", "name", "slug", "rank", "is_marking", "description"]
        extra_kwargs = {
            "id": ID,
            "name": NAME,
            "slug": {**SLUG, "required": False},
            "rank": {"help_text": "Order of the level: higher is more restricted."},
            "is_marking": {
                "help_text": "False for 'No classification marking', a fact about the paper."
            },
            "description": DESCRIPTION,
        }


class CaveatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Caveat
        fields = ["id", "name", "slug", "kind", "description"]
        extra_kwargs = {
            "id": ID,
            "name": NAME,
            "slug": {**SLUG, "required": False},
            "kind": {"help_text": "Caveat, precedence, distribution control or handling note."},
            "description": DESCRIPTION,
        }


class SubjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subject
        fields = ["id", "name", "slug", "scope_note"]
        extra_kwargs = {
            "id": ID,
            "name": NAME,
            "slug": {**SLUG, "required": False},
            "scope_note": {"help_text": "What the subject heading covers."},
        }


class DocumentTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentType
        fields = ["id", "key", "label", "description"]
        extra_kwargs = {
            "id": ID,
            "key": {"help_text": "Machine key, e.g. 'telegram'."},
            "label": {"help_text": "Human label, e.g. 'Telegram'."},
            "description": DESCRIPTION,
        }


class CollectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Collection
        fields = ["id", "name", "slug", "description", "variants"]
        extra_kwargs = {
            "id": ID,
            "name": NAME,
            "slug": {**SLUG, "required": False},
            "description": DESCRIPTION,
            "variants": {"help_text": "Spellings of the collection line seen in the sources."},
        }


class PublicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publication
        fields = [
            "id",
            "title",
            "short_title",
            "slug",
            "publisher",
            "place",
            "year",
            "volume",
            "editor",
            "url",
        ]
        extra_kwargs = {
            "id": ID,
            "title": {"help_text": "Full title of the edition."},
            "short_title": {"help_text": "Short title used in citations."},
            "slug": SLUG,
            "publisher": {"help_text": "Publisher."},
            "place": {"help_text": "Place of publication."},
            "year": {"help_text": "Year of publication."},
            "volume": {"help_text": "Volume within a series."},
            "editor": {"help_text": "Editor(s)."},
            "url": {"help_text": "Online location of the edition."},
        }
