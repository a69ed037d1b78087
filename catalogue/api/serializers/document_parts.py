"""Schema-only nested shapes of the document record: each documents, for OpenAPI and
for the schema-conformance tests, a dict that ``documents.document_record`` builds."""

from rest_framework import serializers

from catalogue.models import AgentRole, CitationKind, FootnoteKind, RelationType


class SourceSerializer(serializers.Serializer):
    raw = serializers.CharField(help_text="The source note, verbatim.")
    repository = serializers.CharField(
        allow_null=True, help_text="Name of the institution holding the original."
    )
    repository_id = serializers.IntegerField(allow_null=True, help_text="Repository identifier.")
    unit = serializers.IntegerField(
        allow_null=True, help_text="The unit (usually a file) the original is filed in."
    )
    path = serializers.ListField(
        child=serializers.CharField(),
        help_text="Unit titles and identifiers from the top to the file, "
        'e.g. ["Ball Papers", "Lot 74 D 272", "Telcons--Cuba"].',
    )
    item_reference = serializers.CharField(help_text="Reference of the item within its file.")


class DocumentAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Agent identifier.")
    name = serializers.CharField(help_text="The agent's authorised name.")
    role = serializers.ChoiceField(choices=AgentRole.choices, help_text="Part in the document.")
    position = serializers.CharField(help_text="Office held then, as the text gives it.")
    name_as_written = serializers.CharField(help_text="The name as the text writes it.")
    sequence = serializers.IntegerField(help_text="Order among the document's agents.")
    note = serializers.CharField(help_text="Remarks.")


class FootnoteSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="Footnote number, as the (n) marker.")
    text = serializers.CharField(help_text="The footnote's text.")
    kind = serializers.ChoiceField(choices=FootnoteKind.choices, help_text="What the note does.")
    anchor_text = serializers.CharField(help_text="The word the marker follows.")
    marker_offset = serializers.IntegerField(
        allow_null=True, help_text="Character offset of the marker in the text."
    )
    resolved_date = serializers.DateField(
        allow_null=True, help_text="The date the note resolves, for date notes."
    )


class RelationSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=RelationType.choices, help_text="Kind of link.")
    target = serializers.CharField(help_text="The target as cited, e.g. 'Document 102'.")
    target_id = serializers.IntegerField(
        allow_null=True, help_text="The related document, when catalogued."
    )
    target_label = serializers.CharField(help_text="Names the target when not catalogued.")
    target_document_number = serializers.IntegerField(
        allow_null=True, help_text="Number of the target in the printed volume."
    )
    footnote = serializers.IntegerField(
        allow_null=True, help_text="Number of the footnote stating the link."
    )
    note = serializers.CharField(help_text="Remarks.")


class CitationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CitationKind.choices, help_text="Kind of citation.")
    publication = serializers.CharField(allow_null=True, help_text="Title of the cited edition.")
    unit = serializers.IntegerField(allow_null=True, help_text="Cited archival unit.")
    document_number = serializers.IntegerField(
        allow_null=True, help_text="Document number in the edition."
    )
    pages = serializers.CharField(help_text="Pages cited.")
    text = serializers.CharField(help_text="The citation as written.")
    url = serializers.CharField(help_text="Online location.")
    footnote = serializers.IntegerField(
        allow_null=True, help_text="Number of the footnote making the citation."
    )
    sequence = serializers.IntegerField(help_text="Order among the document's citations.")


class PageSerializer(serializers.Serializer):
    page_number = serializers.IntegerField(help_text="Page order, from 1.")
    image = serializers.CharField(help_text="Stored master image (path under MEDIA_ROOT).")
    thumbnail = serializers.CharField(help_text="Thumbnail derivative path.")
    web_image = serializers.CharField(help_text="Web-sized derivative path.")
    caption = serializers.CharField(help_text="Caption.")
    width = serializers.IntegerField(allow_null=True, help_text="Width in pixels.")
    height = serializers.IntegerField(allow_null=True, help_text="Height in pixels.")
    format = serializers.CharField(help_text="Image format.")
    file_size = serializers.IntegerField(allow_null=True, help_text="Size in bytes.")
    checksum_sha256 = serializers.CharField(help_text="SHA-256 of the master file.")
    created_at = serializers.DateTimeField(help_text="When the page was attached.")


class SourceFileSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="The file the record was imported from.")
    checksum = serializers.CharField(help_text="SHA-256 of that file.")
