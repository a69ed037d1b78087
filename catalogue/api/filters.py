"""FilterSets for the API lists other than documents (documents use the shared
``catalogue.filters.DocumentFilterSet``). Each filter delegates to a named QuerySet
method where one exists."""

import django_filters

from catalogue.models import (
    Agent,
    AgentKind,
    AgentRole,
    ArchivalUnit,
    Document,
    EventType,
    ImportRun,
    ProvenanceEvent,
    Repository,
    UnitLevel,
)


class AgentFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AgentKind.choices, help_text="Person, organisation…")
    name = django_filters.CharFilter(
        method="filter_name", help_text="Agents recorded under this name in any form."
    )
    needs_review = django_filters.BooleanFilter(help_text="Flagged for review.")
    merged = django_filters.BooleanFilter(
        method="filter_merged", help_text="true: only merged-away records; false: only active."
    )

    class Meta:
        model = Agent
        fields = ["kind", "name", "needs_review", "merged"]

    def filter_name(self, queryset, name, value):
        return queryset.named(value)

    def filter_merged(self, queryset, name, value):
        return queryset.exclude(merged_into__isnull=value)


class RepositoryFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = Repository
        fields = ["name"]


class UnitFilterSet(django_filters.FilterSet):
    repository = django_filters.ModelChoiceFilter(
        queryset=Repository.objects.all(), help_text="Holding repository id."
    )
    parent = django_filters.ModelChoiceFilter(
        queryset=ArchivalUnit.objects.all(), help_text="Direct children of this unit id."
    )
    root = django_filters.BooleanFilter(
        method="filter_root", help_text="true: only top-level units."
    )
    within = django_filters.ModelChoiceFilter(
        queryset=ArchivalUnit.objects.all(),
        method="filter_within",
        help_text="Every unit below this unit id, at any depth.",
    )
    level = django_filters.ChoiceFilter(choices=UnitLevel.choices, help_text="Level.")
    identifier = django_filters.CharFilter(help_text="Exact reference code.")

    class Meta:
        model = ArchivalUnit
        fields = ["repository", "parent", "root", "within", "level", "identifier"]

    def filter_root(self, queryset, name, value):
        return queryset.roots() if value else queryset.exclude(parent__isnull=True)

    def filter_within(self, queryset, name, value):
        return queryset.descendants_of(value)


class EventFilterSet(django_filters.FilterSet):
    document = django_filters.ModelChoiceFilter(
        queryset=Document.objects.all(), help_text="Events of this document id."
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="event_type", choices=EventType.choices, help_text="Event type(s)."
    )
    agent = django_filters.ModelChoiceFilter(
        field_name="agents",
        queryset=Agent.objects.all(),
        distinct=True,
        help_text="Events this agent took part in.",
    )
    role = django_filters.ChoiceFilter(
        field_name="event_agents__role",
        choices=AgentRole.choices,
        distinct=True,
        help_text="Role of an agent in the event.",
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text="On or after."
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text="On or before."
    )

    class Meta:
        model = ProvenanceEvent
        fields = ["document", "type", "agent", "role", "date_from", "date_to"]


class ImportRunFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ImportRun.Status.choices, help_text="Outcome.")
    channel = django_filters.ChoiceFilter(choices=ImportRun.Channel.choices, help_text="Channel.")

    class Meta:
        model = ImportRun
        fields = ["status", "channel"]
