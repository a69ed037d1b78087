"""IIIF Presentation 3 manifests and a level-0 Image API for page images.

A manifest lets any IIIF viewer (Mirador, Universal Viewer) show a document's pages
side by side with other archives' holdings. One canvas per page, the full image
painted on it. Images are served whole at ``full/max/0/default.jpg`` — the Image
API's level 0, which needs no image server.
"""

import io

from django.urls import reverse
from PIL import Image

from catalogue.models import DigitalObject, Document

from . import absolute, iso_date, site_name, url_for

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"


def documents_for_manifest():
    return Document.objects.published().with_description()


def digital_objects_for_images():
    """Page images the public may see: those of published documents."""
    return DigitalObject.objects.public()


def image_service_id(base_url: str, digital_object) -> str:
    return absolute(
        base_url, reverse("catalogue:iiif-image-base", kwargs={"pk": digital_object.pk})
    )


def _size(digital_object):
    return digital_object.width or 1000, digital_object.height or 1000


def image_info(digital_object, base_url: str) -> dict:
    width, height = _size(digital_object)
    return {
        "@context": IMAGE_CONTEXT,
        "id": image_service_id(base_url, digital_object),
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": [{"width": width, "height": height}],
    }


def manifest(document, base_url: str) -> dict:
    """The Presentation 3 manifest of ``document`` (which must have page images)."""
    manifest_id = url_for(base_url, "document-iiif-manifest", pk=document.pk)
    page = url_for(base_url, "document-detail", pk=document.pk, slug=document.slug)
    metadata = [
        {"label": {"en": ["Type"]}, "value": {"en": [document.doc_type.label]}},
        {"label": {"en": ["Date"]}, "value": {"en": [document.date_text or document.display_date]}},
    ]
    if document.classification_id:
        metadata.append(
            {
                "label": {"en": ["Classification"]},
                "value": {"en": [document.classification.name]},
            }
        )
    if document.unit_id:
        metadata.append(
            {
                "label": {"en": ["Held by"]},
                "value": {"en": [f"{document.unit}, {document.unit.repository.name}"]},
            }
        )
    canvases = []
    for digital_object in document.digital_objects.all():
        width, height = _size(digital_object)
        canvas_id = f"{manifest_id}/canvas/p{digital_object.page_number}"
        service = image_service_id(base_url, digital_object)
        label = digital_object.caption or f"Page {digital_object.page_number}"
        canvases.append(
            {
                "id": canvas_id,
                "type": "Canvas",
                "label": {"en": [label]},
                "width": width,
                "height": height,
                "items": [
                    {
                        "id": f"{canvas_id}/page",
                        "type": "AnnotationPage",
                        "items": [
                            {
                                "id": f"{canvas_id}/page/image",
                                "type": "Annotation",
                                "motivation": "painting",
                                "body": {
                                    "id": f"{service}/full/max/0/default.jpg",
                                    "type": "Image",
                                    "format": "image/jpeg",
                                    "width": width,
                                    "height": height,
                                    "service": [
                                        {
                                            "id": service,
                                            "type": "ImageService3",
                                            "profile": "level0",
                                        }
                                    ],
                                },
                                "target": canvas_id,
                            }
                        ],
                    }
                ],
            }
        )
    data = {
        "@context": PRESENTATION_CONTEXT,
        "id": manifest_id,
        "type": "Manifest",
        "label": {"en": [document.title]},
        "metadata": metadata,
        "requiredStatement": {
            "label": {"en": ["Provided by"]},
            "value": {"en": [site_name()]},
        },
        "homepage": [
            {"id": page, "type": "Text", "label": {"en": [document.title]}, "format": "text/html"}
        ],
        "seeAlso": [
            {
                "id": url_for(base_url, "document-prov-jsonld", pk=document.pk),
                "type": "Dataset",
                "format": "application/ld+json",
                "profile": "http://www.w3.org/ns/prov#",
            }
        ],
        "items": canvases,
    }
    if document.date:
        data["navDate"] = f"{iso_date(document.date, 'day')}T00:00:00Z"
    return data


def jpeg_bytes(digital_object) -> bytes | None:
    """The stored image as JPEG, converted if it was stored in another format;
    ``None`` when it is already JPEG (serve the file as it is)."""
    with digital_object.image.open("rb") as handle:
        image = Image.open(handle)
        if image.format == "JPEG":
            return None
        image.load()
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()
