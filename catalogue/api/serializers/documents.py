"""The document record: one shape for the API detail, the NDJSON export and (by
contract) the importer's ``--json`` preview.

``records.document_records`` builds it (a fixed number of queries per batch of
documents); the serializers here declare it for OpenAPI and validate writes.
"""

from collections import defaultdict

from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers

from catalogue.models import (
    Caveat,
    ClassificationLevel,
    Collection,
    DateCertainty,
    DatePrecision,
    Document,
    DocumentType,
    PublicationStatus,
    Subject,
)

from .common import (
    DocumentDateSerializer,
    ModelCleanMixin,
    hh_mm,
    iso_date,
    iso_datetime,
    unit_paths_from,
)
from .document_parts import (
    CitationSerializer,
    DocumentAgentSerializer,
    FootnoteSerializer,
    PageSerializer,
    RelationSerializer,
    SourceFileSerializer,
    SourceSerializer,
)
from .provenance import EventShapeSerializer
from .records import DocumentUrls, document_record, document_records

SUMMARY_COLUMNS = (
    "id",
    "title",
    "slug",
    "doc_type__key",
    "collection__name",
    "sender_id",
    "sender__authorised_name",
    "recipient_id",
    "recipient__authorised_name",
    "place",
    "date",
    "date_precision",
    "date_certainty",
    "date_text",
    "date_note",
    "time",
    "message_number",
    "classification__name",
    "unit__repository__name",
    "unit_id",
    "status",
    "version",
    "updated_at",
)


def document_summary(row: dict, caveats: list[str], urls: DocumentUrls) -> dict:
    """A list row (what a result card shows) from a ``values(*SUMMARY_COLUMNS)`` row:
    narrow rows keep a sorted page cheap even at 100,000 documents."""
    return {
        "id": row["id"],
        "url": urls(row["id"], row["slug"]),
        "title": row["title"],
        "doc_type": row["doc_type__key"],
        "collection": row["collection__name"],
        "sender": row["sender__authorised_name"],
        "sender_id": row["sender_id"],
        "recipient": row["recipient__authorised_name"],
        "recipient_id": row["recipient_id"],
        "place": row["place"],
        "date": {
            "value": iso_date(row["date"]),
            "precision": row["date_precision"],
            "certainty": row["date_certainty"],
            "text": row["date_text"],
            "note": row["date_note"],
        },
        "time": hh_mm(row["time"]),
        "message_number": row["message_number"],
        "classification": row["classification__name"],
        "caveats": caveats,
        "repository": row["unit__repository__name"],
        "unit": row["unit_id"],
        "status": row["status"],
        "version": row["version"],
        "updated_at": iso_datetime(row["updated_at"]),
    }


class SummaryListSerializer(serializers.ListSerializer):
    """Adds the page's caveats with one query."""

    def to_representation(self, data):
        rows = list(data)
        names = defaultdict(list)
        links = (
            Document.caveats.through.objects.filter(document_id__in=[r["id"] for r in rows])
            .order_by("document_id", "caveat__kind", "caveat__name")
            .values_list("document_id", "caveat__name")
        )
        for document_id, name in links:
            names[document_id].append(name)
        urls = DocumentUrls()
        return [document_summary(row, names[row["id"]], urls) for row in rows]


TITLE = "Title as printed in the edition."
STATUS = "Publication state; anonymous clients only ever see 'published'."


def public_reader(context) -> bool:
    """Whether the request is not a staff member's (relations to unpublished records
    are then hidden). No request in the context means an internal caller: staff."""
    request = context.get("request")
    if request is None:
        return False
    user = request.user
    return not (user.is_authenticated and user.is_staff)


class DocumentListSerializer(serializers.ListSerializer):
    """Many full records in one batch (a fixed number of queries)."""

    def to_representation(self, data):
        ids = [item.pk for item in data]
        found = dict(
            document_records(
                Document.objects.filter(pk__in=ids),
                unit_paths_from(self.context),
                public=public_reader(self.context),
            )
        )
        return [found[pk] for pk in ids if pk in found]


class DocumentShapeSerializer(serializers.Serializer):
    """The fields a list row and the full record share, declared once (type,
    nullability, help text) so the two shapes cannot drift apart. A subclass adds its
    own and names the order of all of them in ``Meta.fields``: OpenAPI lists the
    properties in that order, the order the records are built in."""

    id = serializers.IntegerField(help_text="Stable public identifier.")
    url = serializers.URLField(help_text="The public page.")
    title = serializers.CharField(help_text=TITLE)
    doc_type = serializers.CharField(help_text="Document type key, e.g. 'telegram'.")
    collection = serializers.CharField(help_text="The published collection.")
    sender = serializers.CharField(allow_null=True, help_text="Sender's authorised name.")
    sender_id = serializers.IntegerField(allow_null=True, help_text="Sender agent id.")
    recipient = serializers.CharField(allow_null=True, help_text="Addressee's authorised name.")
    recipient_id = serializers.IntegerField(allow_null=True, help_text="Addressee agent id.")
    place = serializers.CharField(help_text="Place of the dateline.")
    date = DocumentDateSerializer(help_text="Date with precision and certainty.")
    time = serializers.CharField(allow_null=True, help_text="Time of day, HH:MM.")
    message_number = serializers.CharField(help_text="Telegram number, e.g. '1581'.")
    classification = serializers.CharField(
        allow_null=True, help_text="Classification level at the time."
    )
    caveats = serializers.ListField(
        child=serializers.CharField(), help_text="Caveats and precedence indicators."
    )
    status = serializers.ChoiceField(choices=PublicationStatus.choices, help_text=STATUS)
    version = serializers.IntegerField(help_text="Edit version, for optimistic locking.")
    updated_at = serializers.DateTimeField(help_text="Last change (UTC).")

    class Meta:
        fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        order = self.Meta.fields
        if set(order) != set(fields) or len(order) != len(fields):
            raise ImproperlyConfigured(
                f"{type(self).__name__}.Meta.fields must name each declared field once; "
                f"unlisted: {sorted(set(fields) - set(order))}, "
                f"undeclared: {sorted(set(order) - set(fields))}"
            )
        return {name: fields[name] for name in order}


class DocumentSummarySerializer(DocumentShapeSerializer):
    """A row of the document list."""

    repository = serializers.CharField(allow_null=True, help_text="Holding institution.")
    unit = serializers.IntegerField(allow_null=True, help_text="Unit the original is filed in.")

    class Meta:
        list_serializer_class = SummaryListSerializer
        fields = (
            "id",
            "url",
            "title",
            "doc_type",
            "collection",
            "sender",
            "sender_id",
            "recipient",
            "recipient_id",
            "place",
            "date",
            "time",
            "message_number",
            "classification",
            "caveats",
            "repository",
            "unit",
            "status",
            "version",
            "updated_at",
        )


class DocumentSerializer(DocumentShapeSerializer):
    """The full document record (read only; writes use ``DocumentWriteSerializer``)."""

    id = serializers.IntegerField(help_text="Stable public identifier, kept by exports.")
    slug = serializers.CharField(help_text="URL key of the public page.")
    time_text = serializers.CharField(help_text="The time as written.")
    subject = serializers.CharField(help_text="The 'Subject:' line of the text.")
    subjects = serializers.ListField(
        child=serializers.CharField(), help_text="Subject headings assigned by archivists."
    )
    routing = serializers.ListField(
        child=serializers.CharField(), help_text="Addressing and routing lines."
    )
    source = SourceSerializer(help_text="Where the original is kept.")
    agents = DocumentAgentSerializer(many=True, help_text="Agents and their roles.")
    footnotes = FootnoteSerializer(many=True, help_text="Editorial footnotes.")
    relations = RelationSerializer(many=True, help_text="Links to other documents.")
    citations = CitationSerializer(many=True, help_text="Printed and archival citations.")
    events = EventShapeSerializer(many=True, help_text="The provenance chain, in order.")
    pages = PageSerializer(many=True, help_text="Page images.")
    received = serializers.CharField(help_text="The 'Received …' statement of the source note.")
    received_time = serializers.CharField(allow_null=True, help_text="Time received, HH:MM.")
    transmission_note = serializers.CharField(help_text="Sent to / repeated to.")
    editorial_note = serializers.CharField(help_text="Editorial remarks of the source note.")
    text = serializers.CharField(help_text="The body, with (n) footnote markers.")
    raw_text = serializers.CharField(help_text="The source text, verbatim.")
    source_file = SourceFileSerializer(help_text="The file the record was imported from.")
    identity_key = serializers.CharField(help_text="Content-independent key importers match on.")
    withdrawn_reason = serializers.CharField(help_text="Why a withdrawn record was withdrawn.")
    published_at = serializers.DateTimeField(allow_null=True, help_text="When published (UTC).")
    needs_review = serializers.BooleanField(help_text="Flagged for an archivist's review.")
    review_note = serializers.CharField(help_text="What needs review.")
    version = serializers.IntegerField(
        help_text="Edit version; send it back (or the ETag in If-Match) when updating."
    )
    import_run = serializers.IntegerField(allow_null=True, help_text="Import run that made it.")
    created_at = serializers.DateTimeField(help_text="Created (UTC).")

    class Meta:
        list_serializer_class = DocumentListSerializer
        fields = (
            "id",
            "url",
            "title",
            "slug",
            "doc_type",
            "collection",
            "sender",
            "sender_id",
            "recipient",
            "recipient_id",
            "place",
            "date",
            "time",
            "time_text",
            "message_number",
            "subject",
            "subjects",
            "routing",
            "classification",
            "caveats",
            "source",
            "agents",
            "footnotes",
            "relations",
            "citations",
            "events",
            "pages",
            "received",
            "received_time",
            "transmission_note",
            "editorial_note",
            "text",
            "raw_text",
            "source_file",
            "identity_key",
            "status",
            "withdrawn_reason",
            "published_at",
            "needs_review",
            "review_note",
            "version",
            "import_run",
            "created_at",
            "updated_at",
        )

    def to_representation(self, instance):
        return document_record(
            instance.pk, unit_paths_from(self.context), public=public_reader(self.context)
        )


class TermField(serializers.SlugRelatedField):
    """A vocabulary term by name or key. A NUL character is refused before the lookup:
    PostgreSQL cannot compare text holding one and fails the query (a 500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class DocumentWriteSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """What a client sends to create or update a document. Vocabulary terms are given
    as in the record shape: type by key, classification, caveats and subjects by name."""

    doc_type = TermField(
        slug_field="key", queryset=DocumentType.objects.all(), help_text="Document type key."
    )
    collection = TermField(
        slug_field="name", queryset=Collection.objects.all(), help_text="Collection name."
    )
    classification = TermField(
        slug_field="name",
        queryset=ClassificationLevel.objects.all(),
        allow_null=True,
        required=False,
        help_text="Classification level name, e.g. 'Top Secret'.",
    )
    caveats = TermField(
        slug_field="name",
        queryset=Caveat.objects.all(),
        many=True,
        required=False,
        help_text="Caveat names, e.g. ['Eyes Only', 'Niact'].",
    )
    subjects = TermField(
        slug_field="name",
        queryset=Subject.objects.all(),
        many=True,
        required=False,
        help_text="Subject heading names.",
    )
    subject = serializers.CharField(
        source="subject_line",
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="The 'Subject:' line.",
    )
    received = serializers.CharField(
        source="received_text",
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="The 'Received …' statement.",
    )
    date_precision = serializers.ChoiceField(
        choices=DatePrecision.choices, required=False, help_text="Precision of the date."
    )
    date_certainty = serializers.ChoiceField(
        choices=DateCertainty.choices, required=False, help_text="Certainty of the date."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="On update: the version you read (or send the ETag in If-Match).",
    )

    class Meta:
        model = Document
        fields = [
            "title",
            "doc_type",
            "collection",
            "sender",
            "recipient",
            "place",
            "date",
            "date_precision",
            "date_certainty",
            "date_text",
            "date_note",
            "time",
            "time_text",
            "message_number",
            "subject",
            "routing",
            "text",
            "raw_text",
            "source_note",
            "unit",
            "item_reference",
            "classification",
            "caveats",
            "subjects",
            "received",
            "received_time",
            "transmission_note",
            "editorial_note",
            "status",
            "withdrawn_reason",
            "needs_review",
            "review_note",
            "identity_key",
            "source_file",
            "source_checksum",
            "version",
        ]
        extra_kwargs = {
            "title": {"help_text": TITLE},
            "sender": {"help_text": "Sender agent id."},
            "recipient": {"help_text": "Recipient agent id."},
            "place": {"help_text": "Place of the dateline."},
            "date": {"help_text": "ISO date; 1st of the month/year for coarser precision."},
            "date_text": {"help_text": "The date as written."},
            "date_note": {"help_text": "How an uncertain date was arrived at."},
            "time": {"help_text": "Time of day."},
            "time_text": {"help_text": "The time as written."},
            "message_number": {"help_text": "Telegram number."},
            "routing": {"help_text": "Addressing and routing lines (list of strings)."},
            "text": {"help_text": "The body, with (n) footnote markers."},
            "raw_text": {"help_text": "The source text, verbatim."},
            "source_note": {"help_text": "The Source: paragraph, verbatim."},
            "unit": {"help_text": "Archival unit id the original is filed in."},
            "item_reference": {"help_text": "Reference of the item within its file."},
            "received_time": {"help_text": "Time received."},
            "transmission_note": {"help_text": "Sent to / repeated to."},
            "editorial_note": {"help_text": "Editorial remarks."},
            "status": {"help_text": STATUS},
            "withdrawn_reason": {"help_text": "Required when withdrawing."},
            "needs_review": {"help_text": "Flag for review."},
            "review_note": {"help_text": "What needs review."},
            "identity_key": {"help_text": "Content-independent key importers match on."},
            "source_file": {"help_text": "File the record came from."},
            "source_checksum": {"help_text": "SHA-256 of that file."},
        }

    def validate_routing(self, value):
        if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
            raise serializers.ValidationError("Give the routing as a list of strings.")
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        probe = Document() if self.instance is None else Document(pk=self.instance.pk)
        if self.instance is not None:
            for field in Document._meta.concrete_fields:
                setattr(probe, field.attname, getattr(self.instance, field.attname))
        for name, value in attrs.items():
            if name not in {"caveats", "subjects", "version"}:
                setattr(probe, name, value)
        self.run_model_clean(probe)
        return attrs
