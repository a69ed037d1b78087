"""Document data entry: workflow actions, optimistic locking, page-image upload, history.

Status never changes through the form: publishing and withdrawing are actions that go
through ``catalogue.services.workflow``, so the same permission checks apply here as in
the API. Every save carries the version the editor opened; a save based on an older
version is refused with who changed the record and when, instead of overwriting it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import (
    DigitalObject,
    Document,
    PublicationStatus,
)
from catalogue.search import get_backend
from catalogue.services import workflow
from catalogue.services.locking import (
    StaleVersionError,
    current_version,
    save_versioned,
    stale_message,
)
from catalogue.services.media import ingest_page_image

from .dashboard import dashboard_view
from .document_inlines import (
    CitationInline,
    DigitalObjectInline,
    DocumentAgentInline,
    DocumentRelationInline,
    FootnoteInline,
    ProvenanceEventInline,
)


class HistoryChannelAdmin(SimpleHistoryAdmin):
    """History list with the channel of each change (admin, API, import run, command)
    beside simple-history's own who / when / field-by-field changes columns."""

    history_list_display = ["channel", "import_run_of_change"]

    def channel(self, record):
        return record.get_history_channel_display() or "—"

    def import_run_of_change(self, record):
        return f"Import run {record.history_import_run_id}" if record.history_import_run_id else ""


class VersionedAdminForm(forms.ModelForm):
    """Carries the record's version in a hidden field and refuses a stale save.

    The form opened at version N; if the stored record is no longer at N when the form
    is submitted, someone else saved in between, and saving would silently undo their
    change. The final compare-and-increment in ``save_versioned`` closes the gap
    between this check and the write.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("version")
        if field is not None:
            field.widget = forms.HiddenInput()
            field.required = False
            if self.instance.pk and not self.is_bound:
                # current, not the instance's: a revert form starts from an old record
                self.initial["version"] = current_version(self.instance) or self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "version" in self.fields:
            submitted = cleaned.get("version")
            current = current_version(self.instance)
            if submitted != current:
                raise ValidationError(
                    stale_message(
                        self.instance, expected_version=submitted, current_version=current
                    ),
                    code="stale",
                )
        return cleaned


class VersionedAdminMixin:
    """Admin half of optimistic locking: save through ``save_versioned``; turn the rare
    race that slips past the form check into the same clear message."""

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if change and obj.pk:
            expected = form.cleaned_data.get("version") or obj.version
            save_versioned(obj, expected_version=expected)
        else:
            obj.save()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersionError as error:
            self.message_user(request, error.user_message, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except StaleVersionError as error:
            self.message_user(request, error.user_message, messages.ERROR)
            return HttpResponseRedirect(request.path)


class WorkflowActionForm(helpers.ActionForm):
    reason = forms.CharField(
        required=False,
        label="Reason / note",
        help_text="Required to withdraw: the public tombstone page shows it.",
        widget=forms.TextInput(attrs={"size": 50}),
    )


class DocumentAdminForm(VersionedAdminForm):
    class Meta:
        model = Document
        # status moves only through the workflow actions, never through the form
        fields = [
            f.name
            for f in Document._meta.get_fields()
            if f.concrete
            and getattr(f, "editable", False)
            and not f.primary_key
            and f.name not in {"status", "published_at", "withdrawn_reason"}
        ]


def _workflow_action(name: str, description: str, permission: str):
    def action(modeladmin, request, queryset):
        try:
            result = workflow.apply_to_many(
                documents=list(queryset.order_by("pk")),
                transition=name,
                user=request.user,
                reason=request.POST.get("reason", ""),
            )
        except (workflow.WorkflowError, PermissionDenied) as error:
            message = error.messages[0] if hasattr(error, "messages") else str(error)
            modeladmin.message_user(request, message, messages.ERROR)
            return
        label = workflow.TRANSITIONS[name].label
        if result.done:
            modeladmin.message_user(
                request, f"{len(result.done)} document(s) {label}.", messages.SUCCESS
            )
        for _pk, why in result.skipped:
            modeladmin.message_user(request, f"Skipped: {why}", messages.WARNING)

    action.__name__ = name
    return admin.action(description=description, permissions=[permission])(action)


# A message number names one document, or a handful across volumes.
MESSAGE_NUMBER_MATCHES = 50


class PageIdsFirstPaginator(Paginator):
    """A page of the document list as two queries: the page's ids in the list's order
    (filters, search and all), then those rows by id alone. Ordered and cut in one
    query, SQLite sorted every matching row whole, reading each one's columns stored
    after its text through the text's overflow pages: a word in most of the catalogue
    took 0.40 s at 100,000 documents, against 0.11 s for the ids (the order's columns
    are stored before the text). The rows' query repeats none of the filters: the
    search would be evaluated again, and a filter's join could repeat a row."""

    def page(self, number):
        listed = self.object_list
        query = listed.query
        # The ids keep the list's ``distinct()`` (a filter across a many-to-many); the
        # rows by id need none. Annotations (the search's rank on PostgreSQL) are left
        # out of the rows: the list shows none. Where the order needs one, or other
        # state the rows' query would not carry over, the page is cut Django's way.
        plain_order = all(
            isinstance(term, str) and term.lstrip("-") not in query.annotations
            for term in query.order_by
        )
        if not plain_order or query.extra or listed._prefetch_related_lookups:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # One database for both (a router may pick a replica per query).
        listed = listed.using(listed.db)
        ids = list(listed.values_list("pk", flat=True)[bottom:top])
        rows = listed.model._default_manager.using(listed.db).filter(pk__in=ids)
        rows = rows.order_by(*query.order_by)
        rows.query.select_related = query.select_related
        rows.query.deferred_loading = query.deferred_loading
        return self._get_page(rows, number, self)


@admin.register(Document)
class DocumentAdmin(VersionedAdminMixin, HistoryChannelAdmin):
    form = DocumentAdminForm
    action_form = WorkflowActionForm
    actions = [
        _workflow_action("submit", "Submit selected documents for review", "submit"),
        _workflow_action("publish", "Publish selected documents", "publish"),
        _workflow_action("withdraw", "Withdraw selected documents (give a reason)", "withdraw"),
        _workflow_action("return_to_draft", "Return selected documents to draft", "publish"),
    ]
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
    # Searched through the full-text index, see get_search_results (Django shows the
    # box when search_fields is set).
    search_fields = ["title"]
    search_help_text = (
        'Words, "a phrase", a prefix*, or OR between words, over titles, texts, notes '
        "and agents under any recorded name, as on the public search (the last word as a "
        "prefix); or a document's id or message number."
    )
    date_hierarchy = "date"
    autocomplete_fields = ["sender", "recipient", "unit", "subjects"]
    filter_horizontal = ["caveats"]
    readonly_fields = [
        "status",
        "published_at",
        "withdrawn_reason",
        "created_at",
        "updated_at",
        "import_run",
        "source_checksum",
        "identity_key",
    ]
    list_select_related = ["doc_type", "classification", "unit"]
    list_per_page = 50
    show_full_result_count = False
    paginator = PageIdsFirstPaginator

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
        (
            "Review",
            {"fields": [("needs_review", "review_note"), ("published_at", "withdrawn_reason")]},
        ),
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
                    ("created_at", "updated_at"),
                ],
            },
        ),
    ]
    prepopulated_fields = {"slug": ["title"]}

    def get_search_results(self, request, queryset, search_term):
        """Through the search index, drafts included, rather than ``LIKE '%term%'``
        over every text (7 s a search at 100,000 documents). The last word is a prefix,
        as people type (the autocomplete widgets of related documents send this search
        too). A number also finds the document with that id, and a term with a digit
        the documents with that message number."""
        term = search_term.strip()
        if not term:
            return queryset, False
        words = f"{term}*" if term[-1].isalnum() else term
        backend = get_backend()
        matched = backend.restrict(queryset, words, by_scan=backend.scan_pays(words))
        if term.isascii() and term.isdigit():
            matched |= queryset.filter(pk=int(term))
        if " " not in term and any(ch.isdigit() for ch in term):
            numbered = queryset.numbered(term).values_list("pk", flat=True)
            matched |= queryset.filter(pk__in=list(numbered[:MESSAGE_NUMBER_MATCHES]))
        return matched, False

    def has_submit_permission(self, request):
        return workflow.can(request.user, "submit")

    def has_publish_permission(self, request):
        return workflow.can(request.user, "publish")

    def has_withdraw_permission(self, request):
        return workflow.can(request.user, "withdraw")

    def has_change_permission(self, request, obj=None):
        """Cataloguers edit drafts; once a record is in review or public, only those
        who may publish it may change it."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or obj.status == PublicationStatus.DRAFT:
            return True
        return workflow.can(request.user, "publish")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        custom = [
            path(
                "dashboard/",
                self.admin_site.admin_view(dashboard_view),
                name="catalogue_dashboard",
            ),
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
        ]
        return custom + super().get_urls()

    def transition_view(self, request, object_id, name):
        """One record's workflow button (POST only), same service as the bulk actions."""
        document = self.get_object(request, object_id)
        change_url = reverse("admin:catalogue_document_change", args=[object_id])
        if request.method != "POST" or document is None or name not in workflow.SERVICES:
            return HttpResponseRedirect(change_url)
        try:
            result = workflow.apply_to_many(
                documents=[document],
                transition=name,
                user=request.user,
                reason=request.POST.get("reason", ""),
            )
        except (workflow.WorkflowError, PermissionDenied) as error:
            message = error.messages[0] if hasattr(error, "messages") else str(error)
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(change_url)
        for _pk, why in result.skipped:
            self.message_user(request, why, messages.ERROR)
        if result.done:
            label = workflow.TRANSITIONS[name].label
            self.message_user(request, f"“{document}” {label}.", messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["workflow_buttons"] = [
                (name, spec.verb)
                for name, spec in workflow.TRANSITIONS.items()
                if obj.status in spec.sources and workflow.can(request.user, name)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    change_form_template = "admin/catalogue/document/change_form.html"

    def save_formset(self, request, form, formset, change):
        if formset.model is not DigitalObject:
            return super().save_formset(request, form, formset, change)
        for page_form in formset.forms:
            if not page_form.has_changed() and not page_form.instance.pk:
                continue
            if formset._should_delete_form(page_form):
                if page_form.instance.pk:
                    _delete_page(page_form.instance)
                continue
            if page_form.instance.pk:
                if page_form.has_changed():
                    page_form.save()
                continue
            upload = page_form.cleaned_data.get("upload")
            ingest_page_image(
                document=form.instance,
                prepared=page_form.prepared,
                page_number=page_form.cleaned_data.get("page_number"),
                caption=page_form.cleaned_data.get("caption", ""),
                original_name=getattr(upload, "name", ""),
            )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


def _delete_page(page: DigitalObject):
    files = [(f.storage, f.name) for f in (page.image, page.thumbnail, page.web_image) if f]
    page.delete()

    def remove_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
