"""Provenance events (one link of a document's chain) and import runs."""

from rest_framework import serializers

from catalogue.formats.ndjson_build import event_dict
from catalogue.models import AgentRole, DateCertainty, DatePrecision, EventType, ImportRun


class EventAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Agent identifier.")
    name = serializers.CharField(help_text="The agent's authorised name.")
    role = serializers.CharField(help_text="The agent's part in the event (may be empty).")


def event_record(event) -> dict:
    """``event_dict`` for a model instance (``publication`` and ``event_agents__agent``
    loaded with it): the export's builder of an event row, so the API's event and the
    document record's events cannot drift apart."""
    row = (
        event.document_id,
        event.pk,
        event.event_type,
        event.date,
        event.time,
        event.evidence,
        event.sequence,
        event.date_precision,
        event.date_certainty,
        event.date_text,
        event.place,
        event.description,
        event.custodian_before_id,
        event.custodian_after_id,
        event.unit_id,
        event.publication.title if event.publication_id else None,
        event.import_run_id,
    )
    roles = [
        (ea.event_id, ea.agent_id, ea.agent.authorised_name, ea.role)
        for ea in event.event_agents.all()
    ]
    return event_dict(row, roles)


class EventShapeSerializer(serializers.Serializer):
    """Read-only: documents the shape ``event_record`` produces."""

    type = serializers.ChoiceField(choices=EventType.choices, help_text="What happened.")
    date = serializers.DateField(allow_null=True, help_text="When it happened (ISO 8601).")
    time = serializers.CharField(allow_null=True, help_text="Time of day, HH:MM.")
    agents = serializers.ListField(
        child=serializers.CharField(), help_text="Names of the agents who took part."
    )
    evidence = serializers.CharField(help_text="What the event is known from.")
    sequence = serializers.IntegerField(help_text="Position in the document's chain.")
    date_precision = serializers.ChoiceField(
        choices=DatePrecision.choices, help_text="How much of the date is known."
    )
    date_certainty = serializers.ChoiceField(
        choices=DateCertainty.choices, help_text="How sure the date is."
    )
    date_text = serializers.CharField(help_text="The date as written.")
    place = serializers.CharField(help_text="Where it happened.")
    description = serializers.CharField(help_text="What happened, in words.")
    agent_roles = EventAgentSerializer(many=True, help_text="The agents, with ids and roles.")
    custodian_before = serializers.IntegerField(
        allow_null=True, help_text="Repository holding the document before (transfers)."
    )
    custodian_after = serializers.IntegerField(
        allow_null=True, help_text="Repository holding the document after (transfers)."
    )
    unit = serializers.IntegerField(allow_null=True, help_text="Unit filed in or transferred.")
    publication = serializers.CharField(
        allow_null=True, help_text="Title of the edition, for publication events."
    )
    import_run = serializers.IntegerField(
        allow_null=True, help_text="Import run that recorded the event."
    )

    def to_representation(self, instance):
        return event_record(instance)


class ProvenanceEventSerializer(EventShapeSerializer):
    id = serializers.IntegerField(help_text="Event identifier.")
    document = serializers.IntegerField(help_text="The document the event belongs to.")

    def to_representation(self, instance):
        return {"id": instance.pk, "document": instance.document_id, **event_record(instance)}


class ImportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRun
        fields = [
            "id",
            "started_at",
            "finished_at",
            "username",
            "channel",
            "parser_version",
            "options",
            "status",
            "files_read",
            "created_count",
            "updated_count",
            "unchanged_count",
            "failed_count",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Import run identifier."},
            "started_at": {"help_text": "When the run started (UTC)."},
            "finished_at": {"help_text": "When the run finished (UTC)."},
            "username": {"help_text": "Who ran it."},
            "channel": {"help_text": "Command, admin upload, API or bundled data."},
            "parser_version": {"help_text": "Version of the parser used."},
            "options": {"help_text": "Options the run was started with."},
            "status": {"help_text": "Outcome of the run."},
            "files_read": {"help_text": "Files read."},
            "created_count": {"help_text": "Documents created."},
            "updated_count": {"help_text": "Documents updated."},
            "unchanged_count": {"help_text": "Documents found unchanged."},
            "failed_count": {"help_text": "Files that failed."},
        }


ROLE_CHOICES = AgentRole.choices
