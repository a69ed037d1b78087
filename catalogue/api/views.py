"""API viewsets: thin hooks over named QuerySets, shared FilterSets and services."""

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, ProtectedError, RestrictedError
from django.http import Http404, StreamingHttpResponse
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.filters import DocumentFilterSet
from catalogue.formats import ndjson
from catalogue.models import (
    Agent,
    ArchivalUnit,
    Caveat,
    ClassificationLevel,
    Document,
    EventAgent,
    ImportRun,
    ProvenanceEvent,
    Repository,
    Subject,
)
from catalogue.services.editing import create_document, delete_document, update_document
from catalogue.services.locking import StaleVersionError

from . import filters, serializers
from .conditional import ConditionalGetMixin, version_from_if_match
from .ordering import NamedOrdering
from .pagination import CataloguePagination
from .permissions import AnonThrottle, ModelPermissionsOrAnonReadOnly, StaffOnly
from .schema import CatalogueAutoSchema
from .serializers import UnitPaths, document_record

BY_ID = {"id": ("id",), "-id": ("-id",)}


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the record's current state."
    default_code = "conflict"


# Token first, so an unauthenticated write gets 401 with a WWW-Authenticate challenge.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class CatalogueViewSet(ConditionalGetMixin, viewsets.ModelViewSet):
    lookup_value_regex = r"\d+"
    authentication_classes = AUTHENTICATION
    schema = CatalogueAutoSchema()
    pagination_class = CataloguePagination
    permission_classes = [ModelPermissionsOrAnonReadOnly]
    throttle_classes = [AnonThrottle]
    filter_backends = [DjangoFilterBackend, NamedOrdering]
    ordering_choices = BY_ID
    default_ordering = "id"

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.note_last_modified([instance])
        return Response(self.get_serializer(instance).data)

    def perform_create(self, serializer):
        self.save_or_conflict(serializer)

    def perform_update(self, serializer):
        self.save_or_conflict(serializer)

    @staticmethod
    def save_or_conflict(serializer):
        """Uniqueness is validated first (DRF's UniqueValidator gives a field-level 400);
        a clash that still reaches the database (a concurrent write, or a derived
        value such as a slug) is a 409, never a 500."""
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError as exc:
            raise Conflict(
                "The record clashes with an existing one (a name, key or slug already "
                "in use); change it and try again."
            ) from exc

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise still_referred_to(instance, exc) from exc


def still_referred_to(instance, exc) -> "Conflict":
    """409 for a delete the database refuses because other records point at ``instance``."""
    referring = getattr(exc, "protected_objects", None) or exc.restricted_objects
    return Conflict(
        f"{instance} is still referred to by {len(referring)} "
        "other record(s); reassign or delete those first (or withdraw it instead)."
    )


ID_PARAMS = {
    "agent": "Documents this agent id takes part in (with `role`, in that role).",
    "unit": "Documents filed in this unit id or anywhere below it.",
    "within": "Every unit below this unit id, at any depth.",
}


def id_params(*names):
    return [OpenApiParameter(name, OpenApiTypes.INT, description=ID_PARAMS[name]) for name in names]


@extend_schema_view(list=extend_schema(parameters=id_params("agent", "unit")))
@extend_schema(tags=["documents"])
class DocumentViewSet(CatalogueViewSet):
    """Catalogued documents. Anonymous clients see published records only."""

    filterset_class = DocumentFilterSet
    ordering_choices = {
        **BY_ID,
        "date": ("date", "time", "id"),
        "-date": ("-date", "-time", "-id"),
        "title": ("title", "id"),
        "-title": ("-title", "-id"),
        "updated": ("updated_at", "id"),
        "-updated": ("-updated_at", "-id"),
    }

    def get_queryset(self):
        documents = Document.objects.visible_to(self.request.user)
        if self.action == "list":
            return documents.values(*serializers.SUMMARY_COLUMNS)
        return documents

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.DocumentSummarySerializer
        if self.action in ("create", "update", "partial_update"):
            return serializers.DocumentWriteSerializer
        return serializers.DocumentSerializer

    def retrieve(self, request, *args, **kwargs):
        visible = self.filter_queryset(self.get_queryset())
        public = not is_staff(request.user)
        record = document_record(self.kwargs["pk"], UnitPaths(), queryset=visible, public=public)
        if record is None:
            raise Http404
        self.etag_prefix = f"v{record['version']}-"
        self.last_modified = parse_datetime(record["updated_at"])
        return Response(record)

    def detail_response(self, pk, status_code=status.HTTP_200_OK):
        return Response(document_record(pk, UnitPaths()), status=status_code)

    @staticmethod
    def split(validated: dict):
        fields = dict(validated)
        return (
            fields,
            fields.pop("caveats", None),
            fields.pop("subjects", None),
            fields.pop("version", None),
        )

    @extend_schema(responses={201: serializers.DocumentSerializer})
    def create(self, request, *args, **kwargs):
        write = self.get_serializer(data=request.data)
        write.is_valid(raise_exception=True)
        fields, caveats, subjects, _ = self.split(write.validated_data)
        try:
            document = create_document(fields=fields, caveats=caveats, subjects=subjects)
        except IntegrityError as exc:
            raise Conflict(f"The document conflicts with an existing record: {exc}") from exc
        return self.detail_response(document.pk, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="The ETag you read; alternative to the body field 'version'.",
            )
        ],
        responses={
            200: serializers.DocumentSerializer,
            409: OpenApiResponse(description="Someone else saved the document first."),
        },
    )
    def update(self, request, *args, partial=False, **kwargs):
        document = self.get_object()
        write = self.get_serializer(document, data=request.data, partial=partial)
        write.is_valid(raise_exception=True)
        fields, caveats, subjects, expected = self.split(write.validated_data)
        expected = expected or version_from_if_match(request)
        if expected is None:
            raise ValidationError(
                {"version": ["Send the version you read, or its ETag in an If-Match header."]}
            )
        try:
            update_document(
                document=document,
                fields=fields,
                expected_version=expected,
                caveats=caveats,
                subjects=subjects,
            )
        except StaleVersionError as exc:
            return self.stale(exc)
        return self.detail_response(document.pk)

    @extend_schema(responses={200: serializers.DocumentSerializer})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        document = self.get_object()
        try:
            delete_document(document=document, expected_version=version_from_if_match(request))
        except StaleVersionError as exc:
            return self.stale(exc)
        except (ProtectedError, RestrictedError) as exc:
            raise still_referred_to(document, exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def stale(exc: StaleVersionError) -> Response:
        return Response(
            {"detail": str(exc), "current_version": exc.current_version},
            status=status.HTTP_409_CONFLICT,
        )


@extend_schema(tags=["agents"])
class AgentViewSet(CatalogueViewSet):
    """Authority records for persons and organisations, with their variant names."""

    serializer_class = serializers.AgentSerializer
    filterset_class = filters.AgentFilterSet
    ordering_choices = {**BY_ID, "name": ("sort_name", "id"), "-name": ("-sort_name", "-id")}

    def get_queryset(self):
        agents = Agent.objects.prefetch_related("names", "positions", "identifiers")
        return agents if is_staff(self.request.user) else agents.public()


@extend_schema(tags=["holdings"])
class RepositoryViewSet(CatalogueViewSet):
    """Holding institutions."""

    serializer_class = serializers.RepositorySerializer
    filterset_class = filters.RepositoryFilterSet
    ordering_choices = {**BY_ID, "name": ("name",), "-name": ("-name",)}
    queryset = Repository.objects.all()


@extend_schema_view(list=extend_schema(parameters=id_params("within")))
@extend_schema(tags=["holdings"])
class ArchivalUnitViewSet(CatalogueViewSet):
    """Archival units (record groups … files), with their place in the tree."""

    serializer_class = serializers.ArchivalUnitSerializer
    filterset_class = filters.UnitFilterSet
    ordering_choices = {**BY_ID, "tree": ("tree_path", "id"), "title": ("title", "id")}

    def get_queryset(self):
        units = ArchivalUnit.objects.all()
        return units if is_staff(self.request.user) else units.public()

    @extend_schema(responses=serializers.ArchivalUnitSerializer(many=True))
    @action(detail=True)
    def children(self, request, pk=None, format=None):
        """The units directly below this one (paginated)."""
        unit = self.get_object()
        children = self.filter_queryset(self.get_queryset().filter(parent=unit))
        page = self.paginate_queryset(children)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=serializers.ArchivalUnitSerializer(many=True), filters=False)
    @action(detail=True, pagination_class=None, filter_backends=[])
    def ancestors(self, request, pk=None, format=None):
        """The units above this one, from the top down (not paginated: a short chain)."""
        unit = self.get_object()
        ids = unit.ancestor_ids
        by_id = {u.pk: u for u in self.get_queryset().filter(pk__in=ids)}
        chain = [by_id[i] for i in ids if i in by_id]
        self.note_last_modified(chain)
        return Response(self.get_serializer(chain, many=True).data)


@extend_schema(tags=["vocabulary"])
class ClassificationViewSet(CatalogueViewSet):
    serializer_class = serializers.ClassificationSerializer
    queryset = ClassificationLevel.objects.all()
    ordering_choices = {**BY_ID, "rank": ("rank",), "-rank": ("-rank",)}
    default_ordering = "rank"


@extend_schema(tags=["vocabulary"])
class CaveatViewSet(CatalogueViewSet):
    serializer_class = serializers.CaveatSerializer
    queryset = Caveat.objects.all()


@extend_schema(tags=["vocabulary"])
class SubjectViewSet(CatalogueViewSet):
    serializer_class = serializers.SubjectSerializer
    queryset = Subject.objects.all()
    ordering_choices = {**BY_ID, "name": ("name",)}


@extend_schema(tags=["provenance"])
class ProvenanceEventViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Links of documents' provenance chains (written by the importer and curation)."""

    serializer_class = serializers.ProvenanceEventSerializer
    lookup_value_regex = r"\d+"
    authentication_classes = AUTHENTICATION
    schema = CatalogueAutoSchema()
    filterset_class = filters.EventFilterSet
    pagination_class = CataloguePagination
    throttle_classes = [AnonThrottle]
    filter_backends = [DjangoFilterBackend, NamedOrdering]
    ordering_choices = {**BY_ID, "document": ("document_id", "sequence", "id")}
    default_ordering = "id"

    def get_queryset(self):
        events = ProvenanceEvent.objects.select_related("publication").prefetch_related(
            Prefetch("event_agents", queryset=EventAgent.objects.select_related("agent"))
        )
        return events if is_staff(self.request.user) else events.public()


@extend_schema(tags=["provenance"])
class ImportRunViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Import runs (staff only)."""

    serializer_class = serializers.ImportRunSerializer
    lookup_value_regex = r"\d+"
    authentication_classes = AUTHENTICATION
    schema = CatalogueAutoSchema()
    filterset_class = filters.ImportRunFilterSet
    permission_classes = [StaffOnly]
    pagination_class = CataloguePagination
    filter_backends = [DjangoFilterBackend, NamedOrdering]
    ordering_choices = BY_ID
    default_ordering = "-id"
    queryset = ImportRun.objects.all()


@extend_schema(
    tags=["export"],
    parameters=[
        OpenApiParameter(
            "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(ndjson.PUBLIC_KINDS)
        )
    ],
    responses={
        (200, "application/x-ndjson"): OpenApiResponse(
            OpenApiTypes.STR,
            description="One JSON record per line, in the same shape as the detail endpoint.",
        )
    },
)
class ExportView(APIView):
    """The whole catalogue as newline-delimited JSON, streamed (published only for
    anonymous clients)."""

    authentication_classes = AUTHENTICATION
    schema = CatalogueAutoSchema()
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle]

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    def get(self, request, kind):
        if kind not in ndjson.PUBLIC_KINDS:
            return Response({"detail": f"Unknown export '{kind}'."}, status=404)
        response = StreamingHttpResponse(
            ndjson.stream(kind, user=request.user), content_type=ndjson.CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}.ndjson"'
        return response
