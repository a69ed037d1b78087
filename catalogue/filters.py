"""One FilterSet per list, shared by the public search page and the API.

Nothing here parses the query string by hand; every filter delegates to a named
QuerySet method so the HTML facets and the API agree on what a filter means.
"""

import functools
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef
from django.db.models.lookups import IsNull

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
from catalogue.models.querysets import Unindexed
from catalogue.search import get_backend
from catalogue.search.facet_arrays import ArrayFacetEngine

SORT_CHOICES = [
    ("relevance", "Relevance"),
    ("date", "Date (earliest first)"),
    ("-date", "Date (latest first)"),
    ("title", "Title"),
]

# Filters whose matches an index finds (document_type_status, document_class_status,
# document_status_date): sorted by title, their matches are sorted rather than walked.
FOUND_BY_INDEX = ("type", "classification", "date_from", "date_to")


class DocumentSearchForm(forms.Form):
    """The search form's checks across fields: a range whose end precedes its start
    would match nothing, which reads as "no documents" rather than as a mistake."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                f"The end of the date range ({end.isoformat()}) is before its start "
                f"({start.isoformat()}).",
            )
        return cleaned


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    type = django_filters.ModelMultipleChoiceFilter(
        field_name="doc_type__key",
        to_field_name="key",
        queryset=DocumentType.objects.all(),
        label="Document type",
        distinct=False,
    )
    classification = django_filters.ModelMultipleChoiceFilter(
        field_name="classification__slug",
        to_field_name="slug",
        queryset=ClassificationLevel.objects.all(),
        label="Classification",
        distinct=False,
    )
    caveat = django_filters.ModelMultipleChoiceFilter(
        field_name="caveats__slug",
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
        field_name="subjects__slug",
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
        form = DocumentSearchForm

    def __init__(self, *args, public: bool = False, **kwargs):
        """``public=True`` (the public site, anonymous API use): the choices that name
        something (agents, units, repositories, subjects) are only those a published
        document refers to, so a filter value can never echo a draft's data back."""
        super().__init__(*args, **kwargs)
        self.public = public
        if public:
            for name, queryset in _public_choices().items():
                self.filters[name].queryset = queryset.all()

    def get_form_class(self):
        """One form class per process for each kind (public or not): django-filter builds
        a class and a field per filter on every request, though the fields depend only
        on the filter definitions and ``public``. Each form deep-copies its class's
        fields (choice querysets cloned unevaluated), so requests still share no data."""
        key = (type(self), self.public)
        if key not in _FORM_CLASSES:
            _FORM_CLASSES[key] = super().get_form_class()
        return _FORM_CLASSES[key]

    def filter_q(self, queryset, name, value):
        """Rank only when sorting by relevance: ranking every match costs more than
        restricting to them, and the other sorts do not need it."""
        if (self.form.cleaned_data.get("sort") or "relevance") == "relevance":
            return queryset.search(value)
        return get_backend().restrict(queryset, value)

    def filter_unit(self, queryset, name, value):
        return queryset.in_unit(value)

    def filter_agent(self, queryset, name, value):
        return queryset.with_agent(value, role=self.form.cleaned_data.get("role") or None)

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_sort(self, queryset, name, value):
        if value == "relevance":
            if "rank" in queryset.query.annotations:
                return queryset.order_by("-rank", "date", "time", "pk")
            return queryset
        # Undated documents and unstated times last on every database, in the form the
        # date indexes hold (SQLite cannot index NULLS LAST): "date" walks
        # document_date_order, "-date" walks document_date_seek_desc backwards, as the
        # API's cursor does ("IS NOT NULL" descending is "IS NULL" ascending).
        if value == "date":
            return queryset.in_date_order()
        if value == "-date":
            dated, timed = IsNull(F("date"), False).desc(), IsNull(F("time"), False).desc()
            return queryset.order_by(dated, "-date", timed, "-time", "-pk")
        if value == "title":
            return self._in_title_order(queryset)
        return queryset

    def _in_title_order(self, queryset):
        """Title order, read from ``document_status_title`` (the view cuts a page's ids,
        then reads their rows), unless a filter in force has an index that finds its
        matches. Then, on SQLite, those matches are sorted: keeping no statistics, SQLite
        walks any index that holds the order, testing each document's row until a page
        of matches turns up: all of them for a rare type whose titles sort late (~0.25 s
        at 100,000 documents, against ~7 ms sorting its matches). The other filters are
        tested from an index (``q``, caveats, subjects, agents) or have none to start
        from (units and repositories read every published row either way), so they walk.
        """
        data = self.form.cleaned_data
        if any(data.get(name) for name in FOUND_BY_INDEX):
            return queryset.order_by(Unindexed(F("title")), "pk")
        return queryset.order_by("title", "pk")

    # --- facets -----------------------------------------------------------------------

    def queryset_without(self, *names: str):
        """The filtered queryset with the named filters (and sorting) left out.

        A facet's counts come from every *other* active filter, so a reader sees how
        many documents each alternative value would give (disjunctive faceting).
        """
        if not self.is_valid():
            return self.queryset.none()
        query = self.form.cleaned_data.get("q")
        if query and "q" not in names and _reuse_matches():
            matched = self._matches().get(self._active(names))
            if matched is not None:
                return get_backend().within(self.queryset.all(), matched)
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name in names or name == "sort":
                continue
            if name == "q":
                if value:
                    queryset = get_backend().restrict(queryset, value)
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def engine(self):
        """The narrow-table facet engine (SQLite or PostgreSQL; public search), or None:
        it assumes the queryset is the published documents, which ``public=True`` callers
        pass."""
        if not hasattr(self, "_engine"):
            self._engine = ArrayFacetEngine.for_filterset(self) if self.public else None
        return self._engine

    def _engine_counts(self, limit: int = 12):
        engine = self.engine()
        if engine is None:
            return None
        if getattr(self, "_counts_limit", None) != limit:
            self._counts = engine.counts(FACETS, limit)
            self._counts_limit = limit
        return self._counts

    def count(self) -> int:
        """How many documents every filter together gives, without ranking."""
        counts = self._engine_counts()
        if counts is not None:
            return counts["total"]
        if self.is_valid() and self.form.cleaned_data.get("q") and _reuse_matches():
            return len(self._matches()[()])
        return self.queryset_without().count()

    def _active(self, names) -> tuple[str, ...]:
        """Of these filter names, those the request gives a value (q and sort aside)."""
        getlist = getattr(self.data, "getlist", lambda name: [self.data.get(name)])
        return tuple(
            sorted(n for n in set(names) - {"q", "sort"} if any(v for v in getlist(n) if v))
        )

    def _matches(self) -> dict[tuple[str, ...], list[int]]:
        """The query's matches, evaluated once per request, as the ids passing every
        other filter except each facet's own (key: those left-out filters; ``()`` is
        the result count). The count and the facets then group these ids instead of
        each re-running the full-text match and the other filters."""
        if not hasattr(self, "_match_cache"):
            keys = sorted({()} | {self._active(spec.params) for spec in FACETS})
            flags = {
                f"hit{i}": Exists(
                    self.queryset_without("q", *key).order_by().filter(pk=OuterRef("pk"))
                )
                for i, key in enumerate(keys)
            }
            rows = (
                get_backend()
                .restrict(self.queryset.order_by(), self.form.cleaned_data["q"])
                .annotate(**flags)
                .values_list("pk", *flags)
            )
            cache = {key: [] for key in keys}
            for pk, *hits in rows:
                for key, hit in zip(keys, hits, strict=True):
                    if hit:
                        cache[key].append(pk)
            self._match_cache = cache
        return self._match_cache

    def facets(self, limit: int = 12) -> list["Facet"]:
        """Every facet with live counts: one grouped query per facet."""
        return [spec.count(self, limit) for spec in FACETS]


_FORM_CLASSES: dict = {}


@functools.cache
def _public_choices() -> dict:
    """The public filters' choice querysets, built once per process and cloned per
    request: building their ``Exists`` subqueries cost ~2 ms of every search. Unevaluated
    querysets, so they hold no data (each clone queries afresh)."""
    return {
        "agent": Agent.objects.public(),
        "unit": ArchivalUnit.objects.public(),
        "repository": Repository.objects.public(),
        "subject": Subject.objects.public(),
    }


def _reuse_matches() -> bool:
    """SQLite reruns an FTS5 match in every count and facet query, so matching once
    pays there; PostgreSQL's GIN index answers each cheaply, while the flag subqueries
    and id arrays measured slower (docs/performance.md)."""
    return connection.vendor == "sqlite"


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    params: dict = field(default_factory=dict)
    note: str = ""


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]
    params: tuple[str, ...]


@dataclass(frozen=True)
class FacetSpec:
    """``group`` are the grouped columns: the value first, then its label (and extras)."""

    name: str
    label: str
    group: tuple[str, ...]
    params: tuple[str, ...]
    order: tuple[str, ...] = ("-n",)

    def rows(self, filterset: DocumentFilterSet, limit: int):
        counts = filterset._engine_counts(limit)
        if counts is not None:
            return counts[self.name]
        queryset = filterset.queryset_without(*self.params)
        return (
            queryset.order_by()
            .filter(**{f"{self.group[0]}__isnull": False})
            .values(*self.group)
            .annotate(n=Count("pk", distinct=True))
            # Ties as the engine breaks them (``search.facet_sql``): by the value's key.
            .order_by(*self.order, self.group[0])[:limit]
        )

    def count(self, filterset: DocumentFilterSet, limit: int) -> Facet:
        data = filterset.data
        chosen = set(data.getlist(self.params[0])) if hasattr(data, "getlist") else set()
        values = []
        for row in self.rows(filterset, limit):
            value = str(row[self.group[0]])
            values.append(
                FacetValue(
                    value=value,
                    label=str(row[self.group[1]]),
                    count=row["n"],
                    selected=value in chosen,
                    params={self.params[0]: value},
                )
            )
        return Facet(self.name, self.label, values, self.params)


class AgentFacetSpec(FacetSpec):
    def count(self, filterset, limit):
        data = filterset.data
        agent, role = data.get("agent", ""), data.get("role", "")
        roles = dict(AgentRole.choices)
        values = [
            FacetValue(
                value=f"{row['agent_roles__agent_id']}:{row['agent_roles__role']}",
                label=row["agent_roles__agent__authorised_name"],
                note=roles.get(row["agent_roles__role"], row["agent_roles__role"]),
                count=row["n"],
                selected=str(row["agent_roles__agent_id"]) == agent
                and row["agent_roles__role"] == role,
                params={
                    "agent": str(row["agent_roles__agent_id"]),
                    "role": row["agent_roles__role"],
                },
            )
            for row in self.rows(filterset, limit)
        ]
        return Facet(self.name, self.label, values, self.params)


class DayFacetSpec(FacetSpec):
    def count(self, filterset, limit):
        data = filterset.data
        chosen = data.get("date_from") if data.get("date_from") == data.get("date_to") else None
        values = []
        for row in self.rows(filterset, limit):
            day = row["date"].isoformat()
            values.append(
                FacetValue(
                    value=day,
                    label=f"{row['date']:%a} {row['date'].day} {row['date']:%b %Y}",
                    count=row["n"],
                    selected=day == chosen,
                    params={"date_from": day, "date_to": day},
                )
            )
        return Facet(self.name, self.label, values, self.params)


FACETS = [
    FacetSpec("type", "Document type", ("doc_type__key", "doc_type__label"), ("type",)),
    FacetSpec(
        "classification",
        "Classification",
        ("classification__slug", "classification__name", "classification__rank"),
        ("classification",),
        order=("-classification__rank",),
    ),
    FacetSpec("caveat", "Caveat or precedence", ("caveats__slug", "caveats__name"), ("caveat",)),
    FacetSpec(
        "repository",
        "Repository",
        ("unit__repository__slug", "unit__repository__name"),
        ("repository",),
    ),
    FacetSpec("unit", "File or series", ("unit_id", "unit__title"), ("unit",)),
    AgentFacetSpec(
        "agent",
        "Person or office (role)",
        ("agent_roles__agent_id", "agent_roles__agent__authorised_name", "agent_roles__role"),
        ("agent", "role"),
        order=("-n", "agent_roles__agent__authorised_name", "agent_roles__role"),
    ),
    DayFacetSpec("date", "Day", ("date",), ("date_from", "date_to"), order=("date",)),
    FacetSpec("subject", "Subject", ("subjects__slug", "subjects__name"), ("subject",)),
]
