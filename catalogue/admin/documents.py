from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import (
    Citation,
    DigitalObject,
    Document,
    DocumentAgent,
    DocumentRelation,
    Footnote,
    ProvenanceEvent,
)


class DocumentAgentInline(admin.TabularInline):
    model = DocumentAgent
    extra = 0
    autocomplete_fields = ["agent"]
    fields = ["agent", "role", "position_title", "name_as_written", "sequence"]


class FootnoteInline(admin.StackedInline):
    model = Footnote
    extra = 0
    fields = [("number", "kind"), "text", ("anchor_text", "marker_offset", "resolved_date")]


class ProvenanceEventInline(admin.StackedInline):
    model = ProvenanceEvent
    extra = 0
    autocomplete_fields = ["custodian_before", "custodian_after", "unit", "publication"]
    fields = [
        ("event_type", "sequence"),
        ("date", "date_precision", "date_certainty", "time"),
        ("date_text", "place"),
        "description",
        "evidence",
        ("custodian_before", "custodian_after"),
        ("unit", "publication"),
    ]


class DocumentRelationInline(admin.TabularInline):
    model = DocumentRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["relation_type", "target", "target_label", "target_document_number", "note"]


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["publication", "unit"]
    fields = ["kind", "publication", "unit", "document_number", "pages", "text", "url"]


class DigitalObjectInline(admin.TabularInline):
    model = DigitalObject
    extra = 0
    fields = ["page_number", "image", "caption", "width", "height", "format", "checksum_sha256"]
    readonly_fields = ["width", "height", "format", "checksum_sha256"]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = [
        "id",
        "title",
        "doc_type",
        "date",
        "time",
        "classification",
        "unit",
        "status",
        "needs_review",
    ]
    list_display_links = ["id", "title"]
    list_filter = [
        "status",
        "doc_type",
        "classification",
        "caveats",
        "unit__repository",
        "collection",
        "date_certainty",
        "needs_review",
        ("date", admin.DateFieldListFilter),
    ]
    search_fields = [
        "title",
        "message_number",
        "subject_line",
        "text",
        "source_note",
        "agent_roles__agent__authorised_name",
    ]
    date_hierarchy = "date"
    autocomplete_fields = ["sender", "recipient", "unit", "subjects"]
    filter_horizontal = ["caveats"]
    readonly_fields = ["created_at", "updated_at", "import_run", "source_checksum", "identity_key"]
    list_select_related = ["doc_type", "classification", "unit"]
    list_per_page = 50
    show_full_result_count = False
    inlines = [
        DocumentAgentInline,
        FootnoteInline,
        ProvenanceEventInline,
        DocumentRelationInline,
        CitationInline,
        DigitalObjectInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "collection", "doc_type", "status"]}),
        ("Parties", {"fields": [("sender", "recipient")]}),
        (
            "Dateline",
            {
                "fields": [
                    "place",
                    ("date", "date_precision", "date_certainty"),
                    ("date_text", "time", "time_text"),
                    "date_note",
                ]
            },
        ),
        (
            "Message",
            {"fields": [("message_number", "subject_line"), "routing", "text"]},
        ),
        (
            "Source and location",
            {"fields": ["source_note", ("unit", "item_reference"), "editorial_note"]},
        ),
        ("Classification", {"fields": [("classification",), "caveats"]}),
        (
            "Transmission",
            {"fields": [("received_text", "received_time"), "transmission_note"]},
        ),
        ("Subjects", {"fields": ["subjects"]}),
        ("Review", {"fields": [("needs_review", "review_note"), "withdrawn_reason"]}),
        (
            "Record keeping",
            {
                "classes": ["collapse"],
                "fields": [
                    "version",
                    "raw_text",
                    ("source_file", "source_checksum"),
                    "identity_key",
                    "import_run",
                    ("created_at", "updated_at", "published_at"),
                ],
            },
        ),
    ]
    prepopulated_fields = {"slug": ["title"]}
