"""The rows a document's admin page edits inline: its agents, footnotes, provenance
events, relations, citations and page images (with the upload checks)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from catalogue.models import (
    Citation,
    DigitalObject,
    DocumentAgent,
    DocumentRelation,
    Footnote,
    ProvenanceEvent,
)
from catalogue.services.media import ImageRejected, prepare_image

from .fields import HTTPS_URLS


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
    formfield_overrides = HTTPS_URLS
    autocomplete_fields = ["publication", "unit"]
    fields = ["kind", "publication", "unit", "document_number", "pages", "text", "url"]


class PageImageForm(forms.ModelForm):
    """A page row: new pages are uploaded files, checked by content before anything is
    saved, then stored by the media service (cleaned, derived, checksummed)."""

    upload = forms.FileField(
        required=False,
        label="Image file",
        help_text="TIFF, JPEG, PNG or WebP. Location metadata is removed on upload.",
    )

    class Meta:
        model = DigitalObject
        fields = ["page_number", "caption"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page_number"].required = False
        self.fields["page_number"].help_text = "Empty: after the last page."
        if self.instance.pk:
            # a stored page is never replaced in place: remove it and upload a new one
            self.fields["upload"].disabled = True
            self.fields["upload"].help_text = ""
        self.prepared = None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            if cleaned.get("page_number") is None:
                self.add_error("page_number", "An existing page needs its number.")
            return cleaned
        upload = cleaned.get("upload")
        if not upload:
            raise ValidationError("Choose an image file for the new page.")
        try:
            self.prepared = prepare_image(upload)
        except ImageRejected as error:
            self.add_error("upload", error)
        number = cleaned.get("page_number")
        if number and self.instance.document_id:
            taken = DigitalObject.objects.filter(
                document_id=self.instance.document_id, page_number=number
            )
            if taken.exists():
                self.add_error("page_number", f"Page {number} already exists.")
        return cleaned

    def validate_unique(self):
        if self.instance.pk:
            super().validate_unique()


class DigitalObjectInline(admin.TabularInline):
    model = DigitalObject
    form = PageImageForm
    extra = 0
    fields = [
        "preview",
        "page_number",
        "upload",
        "caption",
        "width",
        "height",
        "format",
        "file_size",
        "checksum_sha256",
    ]
    readonly_fields = ["preview", "width", "height", "format", "file_size", "checksum_sha256"]

    @admin.display(description="Page")
    def preview(self, obj):
        if not obj or not obj.pk or not obj.thumbnail:
            return "—"
        return format_html(
            '<a href="{}"><img src="{}" alt="Page {}" style="max-height:120px"></a>',
            obj.web_image.url if obj.web_image else obj.image.url,
            obj.thumbnail.url,
            obj.page_number,
        )
