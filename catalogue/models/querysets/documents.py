"""Reads of documents and the rows that hang off them."""

from django.db import connection, connections, models
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.lookups import IsNull

from .common import PUBLISHED, Unindexed
from .pages import _change_stamp_sql, public_page_prefetches

# The document's own columns in a CSV row (``sheet_rows``).
SHEET_FIELDS = (
    "version",
    "title",
    "slug",
    "date",
    "date_precision",
    "date_text",
    "date_certainty",
    "date_note",
    "time",
    "place",
    "unit_id",
    "message_number",
    "subject_line",
    "item_reference",
    "source_note",
    "transmission_note",
    "editorial_note",
    "status",
)


def date_order(prefix: str = "", *, descending: bool = False) -> list:
    """The catalogue's date order of documents (``prefix``: the path to the document,
    as ``"document__"``): earliest first, undated and untimed last, whichever database
    (SQLite puts NULLs first, PostgreSQL last). ``descending``: the same order read
    backwards."""
    order = [
        IsNull(F(f"{prefix}date"), True),
        F(f"{prefix}date"),
        IsNull(F(f"{prefix}time"), True),
        F(f"{prefix}time"),
        F(f"{prefix}id" if prefix else "pk"),
    ]
    return [term.desc() if descending else term.asc() for term in order]


# SQLite's own date functions' modifiers for ``QuerySet.dates`` kinds (``dates`` below).
_SQLITE_DATE_START = {"year": ("start of year",), "month": ("start of month",), "day": ()}


class DocumentQuerySet(models.QuerySet):
    def dates(self, field_name, kind, order="ASC"):
        """``QuerySet.dates`` with SQLite's own ``date(value, 'start of month')``:
        Django truncates a date on SQLite by calling back into Python for every row
        (``django_date_trunc``), which was most of the admin's date hierarchy (0.26 s of
        a 0.34 s list at 100,000 documents). Same dates, same order. Date columns only:
        a date-time is truncated in the active time zone, which SQLite's ``date()``
        ignores; other databases, fields and kinds are Django's."""
        field = self.model._meta.get_field(field_name)
        if (
            connections[self.db].vendor != "sqlite"
            or kind not in _SQLITE_DATE_START
            or field.get_internal_type() != "DateField"
        ):
            return super().dates(field_name, kind, order)
        if order not in ("ASC", "DESC"):
            raise ValueError("'order' must be either 'ASC' or 'DESC'.")
        start = [Value(modifier) for modifier in _SQLITE_DATE_START[kind]]
        return (
            self.annotate(
                datefield=Func(F(field_name), *start, function="date", output_field=DateField()),
                plain_field=F(field_name),
            )
            .values_list("datefield", flat=True)
            .distinct()
            .filter(plain_field__isnull=False)
            .order_by(("-" if order == "DESC" else "") + "datefield")
        )

    def published(self):
        return self.filter(status=PUBLISHED)

    def unpublished(self):
        return self.exclude(status=PUBLISHED)

    def undated(self):
        """Documents without a date (their precision is ``unknown``)."""
        return self.filter(date=None)

    def dated_in_order(self, *, descending: bool = False):
        """The dated documents in the date order (``date_order``), or read backwards:
        the undated are left out, so a walk of a ``(…, date, time)`` index needs to
        sort only the documents of one day among themselves (the untimed last)."""
        return self.exclude(date=None).order_by(*date_order(descending=descending)[1:])

    def undated_in_order(self):
        """The undated documents in the date order: the timed by time, then the
        untimed, each by id."""
        return self.undated().order_by(*date_order()[2:])

    def withdrawn(self):
        return self.filter(status="withdrawn")

    def numbered(self, message_number: str):
        """Documents sent as this message (a telegram's number), looked up in
        ``document_message_number``, which holds only the numbered documents: the
        condition that they have a number is the index's own, written out so that
        both databases see the index serves the lookup."""
        return self.exclude(message_number="").filter(message_number=message_number)

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

    def linked_to(self, agent):
        """Documents naming ``agent`` in any role, as an id subquery over
        ``documentagent_agent_role`` (index only), not a join: a page walking a date
        index keeps the rows whose id is in it."""
        from ..provenance import DocumentAgent

        return self.filter(pk__in=DocumentAgent.objects.for_agent(agent).values("document_id"))

    def in_date_order(self):
        """Earliest first, undated and untimed last, in the form the
        ``document_date_order`` index holds (SQLite cannot index ``NULLS LAST``), so a
        date range is read in order from the index rather than sorted."""
        return self.order_by(*date_order())

    def dated_between(self, start=None, end=None):
        qs = self
        if start:
            qs = qs.filter(date__gte=start)
        if end:
            qs = qs.filter(date__lte=end)
        return qs

    def with_agent(self, agent, role: str | None = None):
        from ..provenance import DocumentAgent

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

    def with_chronology_row(self):
        """What a chronology row shows, and only that: a page of the month is sorted by
        time within its days, and full rows (texts included) made that sort ~13 KB a
        document."""
        return self.select_related("doc_type").only(
            "title", "slug", "place", "date", "time", "doc_type__label"
        )

    def with_detail(self):
        """Everything a document page or detail serializer shows, in a fixed number of
        queries however many footnotes, agents and events the document has."""
        from ..provenance import DocumentAgent, EventAgent, ProvenanceEvent
        from ..relations import Citation, DocumentRelation

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
        from ..provenance import DocumentAgent

        return self.with_card().prefetch_related(
            "caveats",
            "subjects",
            "digital_objects",
            Prefetch(
                "agent_roles",
                queryset=DocumentAgent.objects.select_related("agent").order_by("sequence", "id"),
            ),
        )

    def sheet_rows(self):
        """What a CSV row shows (``formats.csv.DOCUMENT_COLUMNS``) as plain values; the
        caveats and subjects come per chunk (``formats.csv.document_rows``). The
        whole-catalogue sheet reads every document: model instances with their agents,
        page images and texts (``with_description``) took ~0.7 ms a row at 100,000."""
        return self.values(
            "id",
            *SHEET_FIELDS,
            "doc_type__key",
            "collection__name",
            "sender__authorised_name",
            "recipient__authorised_name",
            "classification__name",
        )

    def with_public_page(self):
        """The public document page: ``with_detail`` plus the published documents that
        point at this one (a draft's links must not show)."""
        from ..relations import DocumentRelation

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


class DocumentAgentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(document__status=PUBLISHED)

    def for_agent(self, agent):
        return self.filter(agent=agent)

    def page_counts(self, roles) -> dict:
        """For an agent's page (``.public().for_agent(a)``), in one query: ``total``,
        its documents; ``role_<i>``, those in which it has the ``i``-th of ``roles``;
        ``published``, the catalogue's (which way a page's ids are found)."""
        from ..documents import Document

        published = Document.objects.published().order_by().values("status")
        published = published.annotate(n=Count("pk")).values("n")
        counts = self.aggregate(
            total=Count("document", distinct=True),
            published=Max(Subquery(published)),
            **{
                f"role_{i}": Count("document", distinct=True, filter=Q(role=role))
                for i, role in enumerate(roles)
            },
        )
        return {**counts, "published": counts["published"] or 0}

    def in_document_date_order(self, *then):
        """The links in their documents' date order (``date_order``), then by ``then``."""
        return self.order_by(*date_order("document__"), *then)

    def document_ids_by_date(self):
        """The linked documents' ids in the date order (``date_order``), each once: a
        document row read per link, which suits an agent in few documents."""
        return self.in_document_date_order().values_list("document_id", flat=True).distinct()

    def published_counts_by_agent(self, agent_ids=None) -> dict[int, int]:
        """Published documents per agent (of ``agent_ids``, or every agent), each
        document once, in one grouped query.

        Every agent: one scan of the role rows (0.22 s at 100,000 documents on SQLite,
        0.76 s on PostgreSQL). A page of agents: their index entries only (0.17 s on
        SQLite, 45 ms on PostgreSQL). On SQLite the document column is wrapped
        (``+document_id``) so that the planner cannot drive the query from the
        published documents instead: with 726 agents it chose to probe the
        (document, agent) index once per published document per agent (15.7 s)."""
        from ..documents import Document

        published = Document.objects.published().order_by().values("pk")
        if agent_ids is None:
            rows = self.filter(document__in=published)
        else:
            rows = (
                self.filter(agent__in=list(agent_ids))
                .alias(linked=Unindexed(F("document"), output_field=IntegerField()))
                .filter(linked__in=published)
            )
        rows = rows.order_by().values("agent").annotate(n=Count("document", distinct=True))
        return dict(rows.values_list("agent", "n"))


class ProvenanceEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(document__status=PUBLISHED)

    def in_order(self):
        return self.order_by("document", "sequence", "id")


class SubjectQuerySet(models.QuerySet):
    def public(self):
        """Subjects of at least one published document (stops at the first)."""
        from ..documents import Document

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
