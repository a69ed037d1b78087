"""The exchange formats over HTTP. Each view asks its format module for the records and
the serialisation; only published records are ever served."""

import json

from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from catalogue.downloads import document_response, download_response
from catalogue.formats import csv as csv_format
from catalogue.formats import eac, ead, iiif, oai, prov, request_base_url, url_for
from catalogue.formats.dumps import DUMPS
from catalogue.models import Agent, ArchivalUnit, Document

XML = "application/xml; charset=utf-8"


class DataFormatsView(TemplateView):
    """The "Data and formats" page: every format, what it is for, and where it lives."""

    template_name = "catalogue/formats/data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documents = Document.objects.published().order_by("pk")
        context["example_document"] = documents.first()
        context["example_unit"] = ArchivalUnit.objects.public().order_by("tree_path").first()
        context["example_agent"] = Agent.objects.public().order_by("pk").first()
        context["example_manifest_document"] = documents.filter(
            digital_objects__isnull=False
        ).first()
        context["oai_url"] = url_for(request_base_url(self.request), "oai")
        context["document_columns"] = csv_format.DOCUMENT_COLUMNS
        context["agent_columns"] = csv_format.AGENT_COLUMNS
        return context


class UnitEADView(View):
    """Kept as a file until the catalogue changes: a large unit's finding aid reads
    tens of thousands of rows (~2 s at 100,000 documents). What it shows is read
    inside ``produce``, after the change stamp, on the primary."""

    def get(self, request, pk):
        get_object_or_404(ArchivalUnit.objects.public(), pk=pk)
        base_url = request_base_url(request)

        def produce():
            units = ArchivalUnit.objects.public().select_related("repository", "creator")
            unit = get_object_or_404(units, pk=pk)
            return ead.to_bytes(ead.unit_finding_aid(unit, base_url, max_items=ead.WEB_MAX_ITEMS))

        return document_response(
            request,
            name=f"unit-{pk}-ead.xml",
            base_url=base_url,
            produce=produce,
            content_type=XML,
            disposition=f'inline; filename="unit-{pk}-ead.xml"',
        )


class AgentEACView(View):
    """Kept as a file until the catalogue changes, like the finding aids: a prolific
    agent's record lists a thousand documents."""

    def get(self, request, pk):
        agent = get_object_or_404(Agent.objects.public().only("pk", "merged_into"), pk=pk)
        if agent.merged_into_id:
            return HttpResponseRedirect(url_for("", "agent-eac", pk=agent.merged_into_id))
        base_url = request_base_url(request)

        def produce():
            record = eac.agent_record(get_object_or_404(eac.agents_for_eac(), pk=pk), base_url)
            return eac.to_bytes(record)

        return document_response(
            request,
            name=f"agent-{pk}-eac.xml",
            base_url=base_url,
            produce=produce,
            content_type=XML,
        )


@method_decorator(csrf_exempt, name="dispatch")
class OAIView(View):
    """OAI-PMH accepts GET and (form-encoded) POST alike."""

    def get(self, request):
        return self.respond(request, request.GET)

    def post(self, request):
        return self.respond(request, request.POST)

    def respond(self, request, params):
        base_url = request_base_url(request)
        body = oai.handle(params, base_url, url_for(base_url, "oai"))
        return HttpResponse(body, content_type="text/xml; charset=utf-8")


RDF_TYPES = {"turtle": "text/turtle; charset=utf-8", "json-ld": "application/ld+json"}


class DocumentProvView(View):
    rdf_format = "turtle"

    def get(self, request, pk):
        document = get_object_or_404(prov.documents_for_prov(), pk=pk)
        graph = prov.build_graph([document], request_base_url(request))
        return HttpResponse(
            prov.serialize(graph, self.rdf_format), content_type=RDF_TYPES[self.rdf_format]
        )


class CatalogueProvView(View):
    """The whole published catalogue's provenance as one dump."""

    rdf_format = "turtle"

    def get(self, request):
        extension = "ttl" if self.rdf_format == "turtle" else "jsonld"
        return dump_response(request, DUMPS[f"catalogue-prov.{extension}"])


def dump_response(request, dump):
    """A whole-catalogue file, streamed as it is read and kept until the catalogue
    changes (``catalogue.downloads``)."""
    base_url = request_base_url(request)
    return download_response(
        request,
        name=dump.filename,
        base_url=base_url,
        produce=lambda: dump.chunks(base_url),
        content_type=dump.content_type,
        disposition=dump.disposition,
        make_here=dump.makeable_in_a_request,
    )


def _json(data):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type='application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"',
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


class IIIFManifestView(View):
    def get(self, request, pk):
        document = get_object_or_404(iiif.documents_for_manifest(), pk=pk)
        if not document.digital_objects.all():
            raise Http404("This document has no page images.")
        return _json(iiif.manifest(document, request_base_url(request)))


class IIIFImageBaseView(View):
    def get(self, request, pk):
        digital_object = get_object_or_404(iiif.digital_objects_for_images(), pk=pk)
        target = url_for(request_base_url(request), "iiif-image-info", pk=digital_object.pk)
        return HttpResponseRedirect(target, status=303)


class IIIFImageInfoView(View):
    def get(self, request, pk):
        digital_object = get_object_or_404(iiif.digital_objects_for_images(), pk=pk)
        response = _json(iiif.image_info(digital_object, request_base_url(request)))
        response["Content-Type"] = (
            'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
        )
        return response


class IIIFImageView(View):
    def get(self, request, pk):
        digital_object = get_object_or_404(iiif.digital_objects_for_images(), pk=pk)
        try:
            converted = iiif.jpeg_bytes(digital_object)
            if converted is None:
                response = FileResponse(digital_object.image.open("rb"), content_type="image/jpeg")
            else:
                response = HttpResponse(converted, content_type="image/jpeg")
        except (FileNotFoundError, OSError):
            raise Http404("The image file is missing.") from None
        response["Access-Control-Allow-Origin"] = "*"
        return response


class DocumentsCSVView(View):
    def get(self, request):
        return dump_response(request, DUMPS["documents.csv"])


class AgentsCSVView(View):
    def get(self, request):
        return dump_response(request, DUMPS["agents.csv"])
