"""The data-quality dashboard: what needs an archivist's eye, each count a link to the
filtered admin list that shows those records.

Counts come from three aggregate queries (documents, authority reviews, fixity), so the
page costs the same however large the catalogue grows.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse

from catalogue.models import AuthorityReview, Document, FixityCheck, PublicationStatus


def _link(model: str, **params) -> str:
    return f"{reverse(f'admin:catalogue_{model}_changelist')}?{urlencode(params)}"


def dashboard_sections():
    """(heading, [(label, count, url)]) for the dashboard, in three queries."""
    docs = Document.objects.aggregate(
        undated=Count("pk", filter=Q(date__isnull=True)),
        unclassified=Count("pk", filter=Q(classification__isnull=True)),
        unlocated=Count("pk", filter=Q(unit__isnull=True)),
        drafts=Count("pk", filter=Q(status=PublicationStatus.DRAFT)),
        in_review=Count("pk", filter=Q(status=PublicationStatus.IN_REVIEW)),
        flagged=Count("pk", filter=Q(needs_review=True)),
    )
    open_reviews = AuthorityReview.objects.filter(status=AuthorityReview.Status.OPEN)
    reviews = open_reviews.aggregate(
        unresolved=Count("pk", filter=Q(kind=AuthorityReview.Kind.UNRESOLVED)),
        ambiguous=Count("pk", filter=Q(kind=AuthorityReview.Kind.AMBIGUOUS)),
        merges=Count("pk", filter=Q(kind=AuthorityReview.Kind.PROPOSED_MERGE)),
    )
    fixity_failures = FixityCheck.objects.latest_per_file().failed().count()
    return [
        (
            "Descriptions",
            [
                (
                    "Documents without a date",
                    docs["undated"],
                    _link("document", date__isnull="True"),
                ),
                (
                    "Documents without a classification",
                    docs["unclassified"],
                    _link("document", classification__isnull="True"),
                ),
                (
                    "Documents without a source location (archival unit)",
                    docs["unlocated"],
                    _link("document", unit__isnull="True"),
                ),
                (
                    "Documents flagged for review by the importer",
                    docs["flagged"],
                    _link("document", needs_review__exact="1"),
                ),
            ],
        ),
        (
            "Workflow",
            [
                ("Drafts", docs["drafts"], _link("document", status__exact="draft")),
                (
                    "In review, awaiting a reviewer",
                    docs["in_review"],
                    _link("document", status__exact="in_review"),
                ),
            ],
        ),
        (
            "Authority control",
            [
                (
                    "Unresolved names from imports",
                    reviews["unresolved"],
                    _link("authorityreview", kind__exact="unresolved", status__exact="open"),
                ),
                (
                    "Ambiguous names from imports",
                    reviews["ambiguous"],
                    _link("authorityreview", kind__exact="ambiguous", status__exact="open"),
                ),
                (
                    "Proposed merges",
                    reviews["merges"],
                    _link("authorityreview", kind__exact="proposed_merge", status__exact="open"),
                ),
            ],
        ),
        (
            "Fixity",
            [
                (
                    "Stored files whose latest fixity check failed",
                    fixity_failures,
                    _link("fixitycheck", latest="yes", outcome__in="changed,missing"),
                ),
            ],
        ),
    ]


def dashboard_view(request):
    if not request.user.has_perm("catalogue.view_document"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "Data quality",
        "sections": dashboard_sections(),
    }
    return TemplateResponse(request, "admin/catalogue/dashboard.html", context)
