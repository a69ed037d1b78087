"""The list row and the full record declare their shared fields once
(``DocumentShapeSerializer``), and each lists its properties in the order its records
are built in, so the OpenAPI schema and the responses agree key for key."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers

from catalogue.api.serializers.documents import (
    DocumentSerializer,
    DocumentShapeSerializer,
    DocumentSummarySerializer,
)

from .conftest import build_tree, rich_document


def described(field) -> tuple:
    return type(field).__name__, field.allow_null, field.help_text


def test_shared_fields_are_one_declaration():
    summary, detail = DocumentSummarySerializer().fields, DocumentSerializer().fields
    shared = DocumentShapeSerializer._declared_fields
    for name in shared:
        if name in {"id", "version"}:  # the full record says more about them
            continue
        assert described(summary[name]) == described(detail[name]) == described(shared[name])
    assert detail["id"].help_text != summary["id"].help_text


@pytest.mark.django_db
def test_properties_are_listed_in_the_order_of_the_responses(client, django_assert_num_queries):
    _, _, folder = build_tree()
    document = rich_document(unit=folder)
    with django_assert_num_queries(2):
        listed = client.get("/api/v1/documents/").json()["results"][0]
    detail = client.get(f"/api/v1/documents/{document.pk}/").json()
    assert list(listed) == list(DocumentSummarySerializer().fields)
    assert list(detail) == list(DocumentSerializer().fields)


def test_a_field_left_out_of_the_order_is_an_error():
    class Broken(DocumentShapeSerializer):
        extra = serializers.CharField()

        class Meta:
            fields = DocumentSummarySerializer.Meta.fields

    with pytest.raises(ImproperlyConfigured, match="unlisted: \\['extra'\\]"):
        Broken().get_fields()
