"""The document page, its tombstone when withdrawn, and its public history."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import DetailView, View

from catalogue.formats import dc, request_base_url
from catalogue.models import Document, EventType
from catalogue.models.common import PublicationStatus
from catalogue.models.querysets import load_public_page, public_page_row, unit_ancestors

from . import presentation


def tombstone(request, document_id: int, reason: str):
    """A withdrawn record keeps its URL (so citations resolve) but shows nothing else."""
    return TemplateResponse(
        request,
        "catalogue/document_withdrawn.html",
        {"document_id": document_id, "reason": reason},
        status=410,
    )


# ``with_page_stamp``'s annotation (or, off SQLite and PostgreSQL, the history stamps).
PAGE_STAMPS = ("page_stamp", "stamp_document", "stamp_agent", "stamp_unit", "stamp_repository")


def page_cache_seconds() -> int:
    return int(getattr(settings, "CATALOGUE_PAGE_CACHE_SECONDS", 300))


def withdrawn_reason_or_404(pk) -> str:
    withdrawn = (
        Document.objects.withdrawn().filter(pk=pk).values_list("withdrawn_reason", flat=True)
    )
    for reason in withdrawn:
        return reason
    raise Http404("No published document with this number.")


class DocumentDetailView(DetailView):
    """The public document page.

    Anonymous visitors' pages are kept rendered in the process's cache
    (``CATALOGUE_PAGE_CACHE_SECONDS``), keyed by everything they are made from: the
    document's version and last change, the change stamp the database renews on every
    write to a table the page shows (``with_page_stamp``: a linked document withdrawn,
    an agent renamed, an event agent added by ``bulk_create`` are all seen at once), the
    site's address, the language and the day (the citation's "accessed" date). The
    document's own row and status are read on every request first, so a withdrawn or
    unpublished document is never served from the cache. Signed-in users
    always get a fresh page.
    """

    template_name = "catalogue/document_detail.html"
    context_object_name = "document"

    def get(self, request, *args, **kwargs):
        self.object = public_page_row(kwargs["pk"])
        if self.object is None:
            return tombstone(request, kwargs["pk"], withdrawn_reason_or_404(kwargs["pk"]))
        if self.object.slug != kwargs.get("slug"):
            return redirect(self.object, permanent=True)
        key = self.cache_key()
        if key is not None:
            content = cache.get(key)
            if content is not None:
                return HttpResponse(content)
        load_public_page(self.object)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if key is not None:
            response.render()
            cache.set(key, response.content, page_cache_seconds())
        return response

    def cache_key(self) -> str | None:
        request, document = self.request, self.object
        if not page_cache_seconds() or request.GET or request.user.is_authenticated:
            return None
        parts = [
            document.pk,
            document.version,
            document.updated_at.isoformat() if document.updated_at else "",
            *(getattr(document, name, "") for name in PAGE_STAMPS),
            request_base_url(request),
            get_language(),
            timezone.localdate().isoformat(),
        ]
        digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
        return f"catalogue:document-page:{document.pk}:{digest}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.object
        unit = document.unit
        ancestors = unit_ancestors(unit) if unit else []
        base_url = request_base_url(self.request)
        path = presentation.record_url("catalogue:document-detail")(document.pk, document.slug)
        url = self.request.build_absolute_uri(path)
        location = presentation.location_label(unit, ancestors)
        footnotes = list(document.footnotes.all())
        body = presentation.render_body(document.text, [f.number for f in footnotes])
        roles = {}
        linked_agents = set()
        for role in document.agent_roles.all():
            linked_agents.add(role.agent_id)
            roles.setdefault(presentation.choice_label(role, "role"), []).append(role)
        events = list(document.events.all())
        related = [
            relation
            for relation in document.relations.all()
            if (relation.target and relation.target.status == PublicationStatus.PUBLISHED)
            or relation.target_label
        ]
        catalogued = next((e for e in events if e.event_type == EventType.CATALOGUED), None)
        cited_by = list(document.incoming_relations.all())
        presentation.attach_urls(
            unit=unit,
            ancestors=ancestors,
            agents=[
                *(role.agent for role in document.agent_roles.all()),
                *(link.agent for event in events for link in event.event_agents.all()),
                *(a for a in (document.sender, document.recipient) if a is not None),
            ],
            documents=[
                *(r.target for r in related if r.target is not None),
                *(r.source for r in cited_by),
            ],
        )
        context.update(
            unit=unit,
            ancestors=ancestors,
            linked_agents=linked_agents,
            absolute_url=url,
            body=body.html,
            footnotes=[(f, body.referenced.get(f.number)) for f in footnotes],
            agents_by_role=roles,
            events=events,
            related=related,
            cited_by=cited_by,
            search_url=reverse("catalogue:search"),
            source_note=presentation.link_phrases(
                document.source_note, presentation.location_links(unit, ancestors)
            ),
            citation=presentation.chicago_citation(
                document, location=location, url=url, today=timezone.localdate()
            ),
            json_ld=presentation.script_json(dc.schema_org(document, base_url)),
            dublin_core=dc.dc_meta_tags(document, base_url),
            display_time=presentation.display_time(document),
            catalogued_event=catalogued,
            source_file_name=(document.source_file or "").rsplit("/", 1)[-1],
            pages=list(document.digital_objects.all()),
        )
        return context


class DocumentRedirectView(View):
    """``/documents/<pk>/`` — the short form of a stable URL."""

    def get(self, request, pk):
        document = Document.objects.published().only("pk", "slug").filter(pk=pk).first()
        if document is None:
            return tombstone(request, pk, withdrawn_reason_or_404(pk))
        return redirect(document, permanent=True)


# Fields whose changes the public history names; internal bookkeeping is left out.
HISTORY_FIELDS = [
    "title",
    "doc_type",
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
    "subject_line",
    "routing",
    "text",
    "source_note",
    "unit",
    "item_reference",
    "classification",
    "received_text",
    "received_time",
    "transmission_note",
    "editorial_note",
]


class DocumentHistoryView(View):
    """The public part of a record's history: when it was published and revised, and
    which described fields changed — never the content of unpublished states, never a
    member of staff's name."""

    def get(self, request, pk):
        document = Document.objects.published().filter(pk=pk).first()
        if document is None:
            return tombstone(request, pk, withdrawn_reason_or_404(pk))
        records = list(document.history.order_by("history_date", "history_id"))
        labels = {name: Document._meta.get_field(name).verbose_name for name in HISTORY_FIELDS}
        revisions, previous_public = [], None
        for record in records:
            if record.status != PublicationStatus.PUBLISHED:
                continue
            if previous_public is None:
                revisions.append({"date": record.history_date, "kind": "published", "fields": []})
            else:
                changed = [
                    labels[name]
                    for name in HISTORY_FIELDS
                    if getattr(record, _attname(name)) != getattr(previous_public, _attname(name))
                ]
                if changed:
                    revisions.append(
                        {"date": record.history_date, "kind": "revised", "fields": changed}
                    )
            previous_public = record
        return TemplateResponse(
            request,
            "catalogue/document_history.html",
            {"document": document, "revisions": list(reversed(revisions))},
        )


def _attname(name: str) -> str:
    return Document._meta.get_field(name).attname
