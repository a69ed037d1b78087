"""What the public document page loads with a document, and its cache stamp."""

import functools

from django.db import connection
from django.db.models import Prefetch

from .common import PUBLISHED
from .prepared import PreparedQuery


def _public_page_list_querysets() -> dict:
    """``name -> (queryset, lookup)``: each list the public document page shows besides
    its row and card (see ``DocumentQuerySet.for_public_page``), for all documents, and
    the lookup that narrows it to one document. The one definition behind both
    ``public_page_prefetches()`` and the per-document queries of ``load_public_page``.
    ``event_agents`` belongs to ``events``."""
    from ..classification import Caveat
    from ..documents import Footnote, Subject
    from ..media import DigitalObject
    from ..provenance import DocumentAgent, EventAgent, ProvenanceEvent
    from ..relations import DocumentRelation

    agent = ["agent__id", "agent__authorised_name", "agent__slug", "agent__kind"]
    linked = ["id", "title", "slug", "status"]
    return {
        "caveats": (Caveat.objects.all(), "documents"),
        "subjects": (Subject.objects.all(), "documents"),
        "footnotes": (Footnote.objects.order_by("number"), "document"),
        "digital_objects": (DigitalObject.objects.order_by("page_number"), "document"),
        "agent_roles": (
            DocumentAgent.objects.select_related("agent")
            .only("document_id", "role", "position_title", "name_as_written", *agent)
            .order_by("sequence", "id"),
            "document",
        ),
        "events": (
            ProvenanceEvent.objects.select_related(
                "custodian_before", "custodian_after", "publication"
            )
            .defer("import_run")
            .order_by("sequence", "id"),
            "document",
        ),
        "event_agents": (
            EventAgent.objects.select_related("agent")
            .only("event_id", "role", *agent)
            .order_by("event_id", "id"),
            "event__document",
        ),
        "relations": (
            DocumentRelation.objects.select_related("target")
            .only("source_id", "relation_type", "target_label", *(f"target__{n}" for n in linked))
            .order_by("id"),
            "source",
        ),
        "incoming_relations": (
            DocumentRelation.objects.filter(source__status=PUBLISHED)
            .select_related("source")
            .only("target_id", *(f"source__{n}" for n in linked))
            .order_by("source__date", "source_id"),
            "target",
        ),
    }


def public_page_prefetches() -> list:
    """What the public document page shows besides its row and card, for
    ``prefetch_related`` or ``prefetch_related_objects``."""
    lists = _public_page_list_querysets()
    event_agents, _ = lists.pop("event_agents")
    events, _ = lists.pop("events")
    return [
        *(Prefetch(name, queryset=queryset) for name, (queryset, _) in lists.items()),
        Prefetch(
            "events", queryset=events.prefetch_related(Prefetch("event_agents", event_agents))
        ),
    ]


@functools.cache
def _change_stamp_sql(vendor: str) -> dict[str, str]:
    """``SELECT MAX(history_id)`` of each history table (built once: looking up a
    model's history manager builds a manager class every time)."""
    from ..agents import Agent
    from ..documents import Document
    from ..repositories import Repository
    from ..units import ArchivalUnit

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


def _public_page_lists() -> dict:
    """``name -> PreparedQuery`` of the lists ``load_public_page`` fills, plus the
    event agents (``"event_agents"``), each filtered on one document's key."""

    def narrowed(queryset, lookup):
        return lambda pk: queryset.filter(**{lookup: pk})

    return {
        name: PreparedQuery(queryset.model, narrowed(queryset, lookup))
        for name, (queryset, lookup) in _public_page_list_querysets().items()
    }


@functools.cache
def _page_queries() -> tuple:
    from ..documents import Document
    from ..units import ArchivalUnit

    row = PreparedQuery(
        Document,
        lambda pk: (
            Document.objects.published()
            .for_public_page(related=False)
            .with_page_stamp()
            .filter(pk=pk)
            .order_by()
        ),
    )
    ancestors = PreparedQuery(ArchivalUnit, lambda *pks: ArchivalUnit.objects.filter(pk__in=pks))
    return row, _public_page_lists(), ancestors


def public_page_row(pk: int):
    """The published document ``pk`` as the public page shows it
    (``published().for_public_page(related=False).with_page_stamp()``), or ``None``:
    compiled once (``prepared.PreparedQuery``), where compiling its eight joins cost
    more than running them."""
    for document in _page_queries()[0].rows(pk):
        return document
    return None


def unit_ancestors(unit) -> list:
    """``unit.ancestors()`` (top-down, one query, none for a top-level unit) with its
    SQL compiled once per depth: compiling it cost the document page more than
    running it."""
    ids = unit.ancestor_ids
    if not ids:
        return []
    by_id = {node.pk: node for node in _page_queries()[2].rows(*ids)}
    return [by_id[i] for i in ids if i in by_id]


def load_public_page(document) -> None:
    """Load what ``public_page_prefetches()`` names into ``document``'s prefetch
    cache (so ``document.footnotes.all()`` and the rest read it), one query per list
    filtered on this one document: ``prefetch_related`` builds each query for a list of
    objects and joins the results back, which costs more than the query itself. The
    queries are compiled once (``prepared.PreparedQuery``)."""
    from ..provenance import EventAgent

    lists = dict(_page_queries()[1])
    pk = document.pk
    event_agents = lists.pop("event_agents")
    cache = document.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, prepared in lists.items():
        cache[name] = prepared.queryset(pk)
    by_event: dict[int, list] = {}
    for link in event_agents.rows(pk):
        by_event.setdefault(link.event_id, []).append(link)
    for event in cache["events"]:
        rows = EventAgent.objects.none()
        rows._result_cache = by_event.get(event.pk, [])
        event.__dict__.setdefault("_prefetched_objects_cache", {})["event_agents"] = rows
