"""One FilterSet per list, shared by the public search page and the API.

Nothing here parses the query string by hand; every filter delegates to a named
QuerySet method so the HTML facets and the API agree on what a filter means.
"""

import django_filters
from django import forms

from catalogue.models import (
    Agent,
    AgentRole,
    ArchivalUnit,
    Caveat,
    ClassificationLevel,
    Document,
    DocumentType,
    PublicationStatus,
    Repository,
    Subject,
)

SORT_CHOICES = [
    ("relevance", "Relevance"),
    ("date", "Date (earliest first)"),
    ("-date", "Date (latest first)"),
    ("title", "Title"),
]


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    type = django_filters.ModelMultipleChoiceFilter(
        field_name="doc_type",
        to_field_name="key",
        queryset=DocumentType.objects.all(),
        label="Document type",
    )
    classification = django_filters.ModelMultipleChoiceFilter(
        field_name="classification",
        to_field_name="slug",
        queryset=ClassificationLevel.objects.all(),
        label="Classification",
    )
    caveat = django_filters.ModelMultipleChoiceFilter(
        field_name="caveats",
        to_field_name="slug",
        queryset=Caveat.objects.all(),
        label="Caveat or precedence",
    )
    repository = django_filters.ModelChoiceFilter(
        field_name="unit__repository",
        to_field_name="slug",
        queryset=Repository.objects.all(),
        label="Repository",
    )
    unit = django_filters.ModelChoiceFilter(
        method="filter_unit", queryset=ArchivalUnit.objects.all(), label="Archival unit"
    )
    agent = django_filters.ModelChoiceFilter(
        method="filter_agent", queryset=Agent.objects.all(), label="Agent"
    )
    role = django_filters.ChoiceFilter(
        method="filter_noop", choices=AgentRole.choices, label="Agent's role"
    )
    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    subject = django_filters.ModelMultipleChoiceFilter(
        field_name="subjects",
        to_field_name="slug",
        queryset=Subject.objects.all(),
        label="Subject",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=PublicationStatus.choices, label="Status (staff only)"
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort", choices=SORT_CHOICES, label="Sort by", empty_label=None
    )

    class Meta:
        model = Document
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_unit(self, queryset, name, value):
        return queryset.in_unit(value)

    def filter_agent(self, queryset, name, value):
        return queryset.with_agent(value, role=self.form.cleaned_data.get("role") or None)

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_sort(self, queryset, name, value):
        if value == "date":
            return queryset.order_by("date", "time", "pk")
        if value == "-date":
            return queryset.order_by("-date", "-time", "-pk")
        if value == "title":
            return queryset.order_by("title", "pk")
        return queryset
