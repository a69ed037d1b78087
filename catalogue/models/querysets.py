"""Named, chainable reads. Views, serializers and formats call these; they do not
rebuild the same filters themselves."""

import functools
import typing

from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

PUBLISHED = "published"


class DocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def unpublished(self):
        return self.exclude(status=PUBLISHED)

    def withdrawn(self):
        return self.filter(status="withdrawn")

    def visible_to(self, user):
        """Staff see every record; everyone else only what is published."""
        if user is not None and user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def in_unit(self, unit):
        """Documents filed in ``unit`` or anywhere below it (one indexed prefix match)."""
        return self.filter(unit__tree_path__startswith=unit.tree_path)

    def in_repository(self, repository):
        return self.filter(unit__repository=repository)

    def dated_between(self, start=None, end=None):
        qs = self
        if start:
            qs = qs.filter(date__gte=start)
        if end:
            qs = qs.filter(date__lte=end)
        return qs

    def with_agent(self, agent, role: str | None = None):
        from .provenance import DocumentAgent

        roles = DocumentAgent.objects.filter(document=OuterRef("pk"), agent=agent)
        if role:
            roles = roles.filter(role=role)
        return self.filter(Exists(roles))

    def with_card(self):
        """What a result card or list row shows, without a query per row."""
        return self.select_related(
            "doc_type", "classification", "collection", "sender", "recipient", "unit__repository"
        )

    def with_result_row(self):
        """What a search result row shows (``_document_row.html``), and only that: the
        texts stay unread (20 rows × ~28 KB decoded per page otherwise) and the three
        relations the row does not show are not joined."""
        return self.select_related("doc_type", "classification", "unit__repository").only(
            "title",
            "slug",
            "place",
            "date",
            "date_precision",
            "time_text",
            "status",
            "doc_type__label",
            "classification__name",
            "unit__title",
            "unit__repository__name",
        )

    def with_detail(self):
        """Everything a document page or detail serializer shows, in a fixed number of
        queries however many footnotes, agents and events the document has."""
        from .provenance import DocumentAgent, EventAgent, ProvenanceEvent
        from .relations import Citation, DocumentRelation

        return self.with_card().prefetch_related(
            "caveats",
            "subjects",
            "footnotes",
            "digital_objects",
            Prefetch(
                "agent_roles",
                queryset=DocumentAgent.objects.select_related("agent").order_by("sequence", "id"),
            ),
            Prefetch(
                "events",
                queryset=ProvenanceEvent.objects.select_related(
                    "custodian_before", "custodian_after", "unit", "publication"
                )
                .prefetch_related(
                    Prefetch("event_agents", queryset=EventAgent.objects.select_related("agent"))
                )
                .order_by("sequence", "id"),
            ),
            Prefetch(
                "relations",
                queryset=DocumentRelation.objects.select_related("target", "target__doc_type"),
            ),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("publication", "unit", "footnote"),
            ),
        )

    def harvestable(self):
        """What OAI-PMH exposes: published records, and withdrawn ones (as deleted
        records, so harvesters learn to drop them). Drafts are never announced."""
        return self.filter(status__in=[PUBLISHED, "withdrawn"])

    def with_description(self):
        """What a description row shows (finding-aid component, Dublin Core record,
        CSV row): the card plus caveats, subjects, agents and page images, in a fixed
        number of queries."""
        from .provenance import DocumentAgent

        return self.with_card().prefetch_related(
            "caveats",
            "subjects",
            "digital_objects",
            Prefetch(
                "agent_roles",
                queryset=DocumentAgent.objects.select_related("agent").order_by("sequence", "id"),
            ),
        )

    def with_public_page(self):
        """The public document page: ``with_detail`` plus the published documents that
        point at this one (a draft's links must not show)."""
        from .relations import DocumentRelation

        return self.with_detail().prefetch_related(
            Prefetch(
                "incoming_relations",
                queryset=DocumentRelation.objects.filter(source__status=PUBLISHED)
                .select_related("source", "source__doc_type")
                .order_by("source__date", "source_id"),
            )
        )

    def for_public_page(self, *, related: bool = True):
        """The public document page, lean: what it shows and no more, in a fixed number
        of queries. Unlike ``with_public_page`` it skips citations (not shown), the
        verbatim source text and related documents' full rows, and orders each prefetch
        on its own table (the models' default ``document`` orderings join the documents
        table back in for nothing). ``related=False``: the row and its card only, for a
        caller that may not need the rest (``public_page_prefetches()``)."""
        qs = (
            self.with_card()
            .select_related("import_run")
            .defer(
                "raw_text",
                "review_note",
                "withdrawn_reason",
                "source_checksum",
                "sender__biographical_note",
                "recipient__biographical_note",
                "unit__scope_note",
            )
        )
        return qs.prefetch_related(*public_page_prefetches()) if related else qs

    def with_change_stamps(self):
        """The newest history record of documents, agents, units and repositories
        (``stamp_*``): changes anywhere in what a page shows (a linked document
        withdrawn, an agent renamed) move one of them. Each is a max of a primary key,
        one index probe, inside the same query (SQL built once per database vendor:
        four ORM subqueries cost more to compile than the rest of the query)."""
        from django.db.models.expressions import RawSQL

        sql = _change_stamp_sql(connection.vendor)
        return self.annotate(
            **{
                name: RawSQL(statement, (), output_field=models.IntegerField())  # noqa: S611
                for name, statement in sql.items()
            }
        )

    def with_page_stamp(self):
        """``page_stamp``: the search's change stamp (``catalogue_search_stamp``), which
        database triggers renew on every write to a table a document page shows
        (``facets_pg.STAMPED_TABLES``), ``update()``, ``bulk_create`` and raw SQL
        included, read inside the same query. Why not the history stamps of
        ``with_change_stamps``: only ``save()`` writes history, so a page changed
        without it stayed cached. Off SQLite and PostgreSQL (no triggers) those remain."""
        from django.db.models.expressions import RawSQL

        from catalogue.search.facets import STAMP_TABLE

        if connection.vendor not in ("sqlite", "postgresql"):
            return self.with_change_stamps()
        sql = f"SELECT value FROM {STAMP_TABLE} WHERE id = 1"
        stamp = RawSQL(sql, (), output_field=models.BigIntegerField())  # noqa: S611
        return self.annotate(page_stamp=stamp)

    def search(self, query: str):
        """Full-text search through the configured backend (FTS5 or PostgreSQL)."""
        from catalogue.search import get_backend

        return get_backend().filter(self, query)


class AgentQuerySet(models.QuerySet):
    def active(self):
        """Not merged away into another record."""
        return self.filter(merged_into__isnull=True)

    def public(self):
        """Agents that appear in at least one published document."""
        from .provenance import DocumentAgent

        return self.filter(
            Exists(DocumentAgent.objects.filter(agent=OuterRef("pk"), document__status=PUBLISHED))
        )

    def named(self, name: str):
        """Agents recorded under this name in any form (authorised or variant)."""
        from catalogue.normalise import normalise_name

        key = normalise_name(name)
        return self.filter(Q(normalised_name=key) | Q(names__normalised=key)).distinct()

    def with_public_document_counts(self):
        from .provenance import DocumentAgent

        counts = (
            DocumentAgent.objects.filter(agent=OuterRef("pk"), document__status=PUBLISHED)
            .order_by()
            .values("agent")
            .annotate(n=Count("document", distinct=True))
            .values("n")
        )
        return self.annotate(public_document_count=Coalesce(Subquery(counts), 0))


class AgentNameQuerySet(models.QuerySet):
    def matching(self, normalised: str):
        return self.filter(normalised=normalised).select_related("agent")


class RepositoryQuerySet(models.QuerySet):
    def public(self):
        """Repositories holding at least one published document (stops at the first)."""
        from .documents import Document

        return self.filter(
            Exists(Document.objects.published().filter(unit__repository=OuterRef("pk")))
        )

    def with_public_document_counts(self):
        from .documents import Document

        counts = (
            Document.objects.published()
            .filter(unit__repository=OuterRef("pk"))
            .order_by()
            .values("unit__repository")
            .annotate(n=Count("*"))
            .values("n")
        )
        return self.annotate(public_document_count=Coalesce(Subquery(counts), 0))


class PublicDocumentTally(typing.NamedTuple):
    """Published documents filed in each unit (``direct``) and in its whole subtree
    (``total``), keyed by unit id; a unit without any is absent."""

    direct: dict[int, int]
    total: dict[int, int]


class ArchivalUnitQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)

    def active(self):
        return self.filter(merged_into__isnull=True)

    def descendants_of(self, unit, include_self: bool = False):
        """A ``tree_path`` range rather than ``startswith``: SQLite's case-blind
        ``LIKE`` cannot use the index; the range uses it on both databases."""
        start = BinaryCollation(models.Value(unit.tree_path), output_field=models.CharField())
        end = BinaryCollation(
            models.Value(unit.tree_path + "\uffff"), output_field=models.CharField()
        )
        qs = self.filter(tree_path__gte=start, tree_path__lt=end)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def in_repository(self, repository):
        return self.filter(repository=repository)

    def with_public_document_counts(self):
        """Published documents in each unit's whole subtree, in one query.

        Driven from the units: the subtree is a ``tree_path`` range (index-friendly,
        unlike a correlated ``LIKE``), then documents come through the
        ``(unit_id, status)`` index, so the cost follows the subtree, not the corpus."""
        from .documents import Document

        counts = (
            Document.objects.published()
            .filter(_in_subtree_of_outer_unit())
            .order_by()
            .annotate(g=models.Value(1))
            .values("g")
            .annotate(n=Count("*"))
            .values("n")
        )
        return self.annotate(public_document_count=Coalesce(Subquery(counts), 0))

    def public_document_tally(self) -> "PublicDocumentTally":
        """Published documents per unit of this queryset, in one query, rolled up the
        ``tree_path`` in Python into subtree totals.

        The tree pages use this rather than ``with_public_document_counts()`` with
        ``public()``: those run two subtree-range subqueries per listed unit, which
        PostgreSQL planned as a scan of every unit (or a join filter over every
        published document) per row: 0.6-1.5 s for 204 children at 100,000 documents.
        Here each unit's own documents are counted from the ``(unit_id, status)`` index
        alone. Scope the queryset to a whole subtree
        (``descendants_of(unit, include_self=True)``) or a repository: an ancestor
        outside it only gets the documents of the units inside it."""
        from .documents import Document

        counts = (
            Document.objects.published()
            .filter(unit=OuterRef("pk"))
            .order_by()
            .values("unit")
            .annotate(n=Count("*"))
            .values("n")
        )
        rows = self.order_by().annotate(n=Subquery(counts)).values_list("pk", "tree_path", "n")
        direct, total = {}, {}
        for unit_id, path, n in rows:
            if not n:
                continue
            direct[unit_id] = n
            for part in path.strip("/").split("/"):
                total[int(part)] = total.get(int(part), 0) + n
        return PublicDocumentTally(direct=direct, total=total)

    def public(self):
        """Units with at least one published document somewhere below them."""
        from .documents import Document

        return self.filter(Exists(Document.objects.published().filter(_in_subtree_of_outer_unit())))


class BinaryCollation(models.Func):
    """Compare strings byte by byte: SQLite's default, ``COLLATE "C"`` on PostgreSQL,
    whose locale collations ignore the slashes of a ``tree_path``."""

    template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template='(%(expressions)s) COLLATE "C"', **extra_context
        )


def _in_subtree_of_outer_unit():
    """Documents whose unit's ``tree_path`` starts with the outer unit's: the units
    first, as a ``tree_path`` range the index answers (``\uffff`` sorts after every
    path), then their documents through ``(unit_id, status)``. An explicit collation
    on one side of a comparison governs it on PostgreSQL."""
    from django.db.models.functions import Concat

    from .units import ArchivalUnit

    path = OuterRef(OuterRef("tree_path"))
    start = BinaryCollation(path, output_field=models.CharField())
    end = BinaryCollation(Concat(path, models.Value("\uffff")), output_field=models.CharField())
    if connection.vendor != "sqlite":
        # PostgreSQL runs a correlated IN once per document; as a join it plans well.
        outer = OuterRef("tree_path")
        start = BinaryCollation(outer, output_field=models.CharField())
        end = BinaryCollation(
            Concat(outer, models.Value("\uffff")), output_field=models.CharField()
        )
        return Q(unit__tree_path__gte=start, unit__tree_path__lt=end)
    units = ArchivalUnit.objects.filter(tree_path__gte=start, tree_path__lt=end).values("pk")
    return Q(unit__in=units)


class DocumentAgentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(document__status=PUBLISHED)


class ProvenanceEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(document__status=PUBLISHED)

    def in_order(self):
        return self.order_by("document", "sequence", "id")


class SubjectQuerySet(models.QuerySet):
    def public(self):
        """Subjects of at least one published document (stops at the first)."""
        from .documents import Document

        return self.filter(
            Exists(
                Document.subjects.through.objects.filter(
                    subject=OuterRef("pk"), document__status=PUBLISHED
                )
            )
        )


class DigitalObjectQuerySet(models.QuerySet):
    def public(self):
        """Page images of published documents."""
        return self.filter(document__status=PUBLISHED)


def public_page_prefetches() -> list:
    """What the public document page shows besides its row and card (see
    ``DocumentQuerySet.for_public_page``), for ``prefetch_related`` or
    ``prefetch_related_objects``."""
    from .documents import Footnote
    from .media import DigitalObject
    from .provenance import DocumentAgent, EventAgent, ProvenanceEvent
    from .relations import DocumentRelation

    agent = ["agent__id", "agent__authorised_name", "agent__slug", "agent__kind"]
    linked = ["id", "title", "slug", "status"]
    return [
        "caveats",
        "subjects",
        Prefetch("footnotes", queryset=Footnote.objects.order_by("number")),
        Prefetch("digital_objects", queryset=DigitalObject.objects.order_by("page_number")),
        Prefetch(
            "agent_roles",
            queryset=DocumentAgent.objects.select_related("agent")
            .only("document_id", "role", "position_title", "name_as_written", *agent)
            .order_by("sequence", "id"),
        ),
        Prefetch(
            "events",
            queryset=ProvenanceEvent.objects.select_related(
                "custodian_before", "custodian_after", "publication"
            )
            .defer("import_run")
            .prefetch_related(
                Prefetch(
                    "event_agents",
                    queryset=EventAgent.objects.select_related("agent")
                    .only("event_id", "role", *agent)
                    .order_by("event_id", "id"),
                )
            )
            .order_by("sequence", "id"),
        ),
        Prefetch(
            "relations",
            queryset=DocumentRelation.objects.select_related("target")
            .only("source_id", "relation_type", "target_label", *(f"target__{n}" for n in linked))
            .order_by("id"),
        ),
        Prefetch(
            "incoming_relations",
            queryset=DocumentRelation.objects.filter(source__status=PUBLISHED)
            .select_related("source")
            .only("target_id", *(f"source__{n}" for n in linked))
            .order_by("source__date", "source_id"),
        ),
    ]


@functools.cache
def _change_stamp_sql(vendor: str) -> dict[str, str]:
    """``SELECT MAX(history_id)`` of each history table (built once: looking up a
    model's history manager builds a manager class every time)."""
    from .agents import Agent
    from .documents import Document
    from .repositories import Repository
    from .units import ArchivalUnit

    quote = connection.ops.quote_name
    statements = {}
    for name, model in [
        ("stamp_document", Document),
        ("stamp_agent", Agent),
        ("stamp_unit", ArchivalUnit),
        ("stamp_repository", Repository),
    ]:
        history = model.history.model._meta
        statements[name] = f"SELECT MAX({quote(history.pk.column)}) FROM {quote(history.db_table)}"
    return statements


def load_public_page(document) -> None:
    """Load what ``public_page_prefetches()`` names into ``document``'s prefetch
    cache (so ``document.footnotes.all()`` and the rest read it), one query per list
    filtered on this one document: ``prefetch_related`` builds each query for a list of
    objects and joins the results back, which costs more than the query itself."""
    from .classification import Caveat
    from .documents import Footnote, Subject
    from .media import DigitalObject
    from .provenance import DocumentAgent, EventAgent, ProvenanceEvent
    from .relations import DocumentRelation

    pk = document.pk
    agent = ["agent__id", "agent__authorised_name", "agent__slug", "agent__kind"]
    linked = ["id", "title", "slug", "status"]
    lists = {
        "caveats": Caveat.objects.filter(documents=pk),
        "subjects": Subject.objects.filter(documents=pk),
        "footnotes": Footnote.objects.filter(document=pk).order_by("number"),
        "digital_objects": DigitalObject.objects.filter(document=pk).order_by("page_number"),
        "agent_roles": DocumentAgent.objects.filter(document=pk)
        .select_related("agent")
        .only("document_id", "role", "position_title", "name_as_written", *agent)
        .order_by("sequence", "id"),
        "events": ProvenanceEvent.objects.filter(document=pk)
        .select_related("custodian_before", "custodian_after", "publication")
        .defer("import_run")
        .order_by("sequence", "id"),
        "relations": DocumentRelation.objects.filter(source=pk)
        .select_related("target")
        .only("source_id", "relation_type", "target_label", *(f"target__{n}" for n in linked))
        .order_by("id"),
        "incoming_relations": DocumentRelation.objects.filter(target=pk, source__status=PUBLISHED)
        .select_related("source")
        .only("target_id", *(f"source__{n}" for n in linked))
        .order_by("source__date", "source_id"),
    }
    cache = document.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, queryset in lists.items():
        queryset._fetch_all()
        cache[name] = queryset
    by_event: dict[int, list] = {}
    event_agents = (
        EventAgent.objects.filter(event__document=pk)
        .select_related("agent")
        .only("event_id", "role", *agent)
        .order_by("event_id", "id")
    )
    for link in event_agents:
        by_event.setdefault(link.event_id, []).append(link)
    for event in cache["events"]:
        rows = EventAgent.objects.none()
        rows._result_cache = by_event.get(event.pk, [])
        event.__dict__.setdefault("_prefetched_objects_cache", {})["event_agents"] = rows
