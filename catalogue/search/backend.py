"""The search interface every backend implements, and what they share.

A backend restricts a Document queryset to the matches of a visitor's query and
annotates ``rank`` (higher is better); it returns highlighted snippets for the rows a
page shows; and it can (re)index documents. The index itself is kept in sync by
database triggers (see ``schema.py``), so ``index_documents`` is a repair tool and a
guarantee for callers such as the importer, not the only path that keeps it current.
"""

import html
import json
import re

from django.db import connection
from django.db.models import FloatField, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from .query import ParsedQuery, parse_query

# Private-use characters mark highlights inside engine output; they never occur in the
# catalogue's texts, and are turned into <mark> only after the snippet is escaped.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_END = "\ue001"
ELLIPSIS = "…"
FOOTNOTE_MARKER = re.compile(r"\(\d{1,3}\)")


def render_highlight(fragment: str) -> SafeString:
    """Escape engine output, then turn the private markers into ``<mark>``."""
    fragment = FOOTNOTE_MARKER.sub("", fragment.replace("\n", " "))
    escaped = html.escape(fragment, quote=False)
    escaped = escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>")
    return mark_safe(escaped)  # noqa: S308 - escaped above


class SearchBackend:
    """One small interface, implemented for SQLite FTS5 and PostgreSQL tsvector."""

    name = "base"
    compacts = False  # ``optimize`` has something to do

    def filter(self, queryset, query: str):
        """Restrict ``queryset`` to documents matching ``query``; annotate ``rank``.

        A query with nothing searchable in it (only stop words or punctuation) matches
        nothing rather than everything.
        """
        parsed = parse_query(query)
        if not parsed:
            return queryset.none().annotate(rank=Value(0.0, output_field=FloatField()))
        return self._filter(queryset, parsed)

    def restrict(self, queryset, query: str, *, by_scan: bool = False):
        """Like ``filter`` but without ``rank``: for counts, facets and non-relevance
        sorts, where an uncorrelated ``pk IN (matches)`` is the cheapest plan.

        ``by_scan``: where most documents match (``matched_share``), test the rows the
        rest of the query reads against the matches, rather than look up every match
        by id. On SQLite that lets an index hold the order, the date range and the
        months (the admin's list: a word in 89 % of 100,000 documents took four
        ~0.1 s queries, nearly all of it reading each match's row); elsewhere it is
        the same restriction."""
        parsed = parse_query(query)
        if not parsed:
            return queryset.none()
        return self._restrict(queryset, parsed, by_scan=by_scan)

    def matched_share(self, query: str) -> float | None:
        """About what share of the catalogue's documents ``query`` matches (0–1), from
        the index alone; None where the backend cannot tell cheaply."""
        return None

    def scan_pays(self, query: str) -> bool:
        """Whether ``restrict(by_scan=True)`` is the cheaper plan for ``query`` over a
        list's queries (its count, page, date range and months)."""
        return False

    def within(self, queryset, ids: list[int]):
        """Restrict ``queryset`` to already-materialised match ids, passed as a single
        parameter (a JSON array on SQLite, an array on PostgreSQL) so a common word's
        tens of thousands of ids neither hit a parameter limit nor rerun the match."""
        ids = [int(i) for i in ids]
        if not ids:
            return queryset.none()
        if connection.vendor == "sqlite":
            matching = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
        elif connection.vendor == "postgresql":
            matching = RawSQL("SELECT unnest(%s::bigint[])", [ids])
        else:
            return queryset.filter(pk__in=ids)
        return queryset.filter(pk__in=matching)

    def snippets(self, document_ids, query: str) -> dict[int, SafeString]:
        """Highlighted excerpts for these documents, keyed by id, in one query."""
        parsed = parse_query(query)
        ids = [int(i) for i in document_ids]
        if not parsed or not ids:
            return {}
        return {pk: render_highlight(text) for pk, text in self._snippets(ids, parsed) if text}

    def index_documents(self, document_ids):
        """(Re)index these documents; the importer calls it after each file."""

    def rebuild(self) -> int:
        """Rebuild the whole index from the documents table; return the row count."""
        return 0

    def clear(self):
        """Empty the index (``rebuild`` and the management command start here)."""

    def optimize(self) -> bool:
        """Compact the index's storage without changing what it finds; False where the
        database keeps nothing to compact (PostgreSQL's indexes need no such step)."""
        return False

    def indexed_count(self) -> int:
        return 0

    def _filter(self, queryset, parsed: ParsedQuery):
        raise NotImplementedError

    def _restrict(self, queryset, parsed: ParsedQuery, *, by_scan: bool = False):
        return self._filter(queryset, parsed)

    def _snippets(self, ids: list[int], parsed: ParsedQuery):
        raise NotImplementedError


class SubstringBackend(SearchBackend):
    """For a database without a full-text engine: every term as a substring."""

    name = "substring"

    def _filter(self, queryset, parsed: ParsedQuery):
        condition = Q()
        for clause in parsed.clauses:
            alternatives = Q()
            for term in clause:
                alternatives |= (
                    Q(title__icontains=term.text)
                    | Q(text__icontains=term.text)
                    | Q(source_note__icontains=term.text)
                )
            condition &= alternatives
        return queryset.filter(condition).annotate(rank=Value(0.0, output_field=FloatField()))

    def _snippets(self, ids, parsed):
        return []
