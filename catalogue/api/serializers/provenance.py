"""Provenance events (one link of a document's chain) and import runs."""

from rest_framework import serializers

from catalogue.models import AgentRole, EventType, ImportRun

from .common import PartialDateSerializer, hh_mm, iso_date


class EventAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Agent identifier.")
    name = serializers.CharField(help_text="The agent's authorised name.")
    role = serializers.CharField(help_text="The agent's part in the event (may be empty).")


def event_record(event) -> dict:
    """The shape of one provenance event, nested in a document or on its own."""
    return {
        "type": event.event_type,
        "sequence": event.sequence,
        "date": {
            "value": iso_date(event.date),
            "precision": event.date_precision,
            "certainty": event.date_certainty,
            "text": event.date_text,
        },
        "time": hh_mm(event.time),
        "place": event.place,
        "description": event.description,
        "evidence": event.evidence,
        "agents": [
            {"id": ea.agent_id, "name": ea.agent.authorised_name, "role": ea.role}
            for ea in event.event_agents.all()
        ],
        "custodian_before": event.custodian_before_id,
        "custodian_after": event.custodian_after_id,
        "unit": event.unit_id,
        "publication": event.publication.title if event.publication_id else None,
        "import_run": event.import_run_id,
    }


class EventShapeSerializer(serializers.Serializer):
    """Read-only: documents the shape ``event_record`` produces."""

    type = serializers.ChoiceField(choices=EventType.choices, help_text="What happened.")
    sequence = serializers.IntegerField(help_text="Position in the document's chain.")
    date = PartialDateSerializer(help_text="When it happened.")
    time = serializers.CharField(allow_null=True, help_text="Time of day, HH:MM.")
    place = serializers.CharField(help_text="Where it happened.")
    description = serializers.CharField(help_text="What happened, in words.")
    evidence = serializers.CharField(help_text="What the event is known from.")
    agents = EventAgentSerializer(many=True, help_text="Who took part.")
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
