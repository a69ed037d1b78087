"""The search interface every backend implements."""

from django.db.models import Q


class SearchBackend:
    def filter(self, queryset, query: str):
        """Restrict ``queryset`` to documents matching ``query``; annotate ``rank``."""
        raise NotImplementedError

    def index_documents(self, document_ids):
        """(Re)index these documents; called after saves and imports."""

    def rebuild(self):
        """Rebuild the whole index from the documents table."""


class SubstringBackend(SearchBackend):
    def filter(self, queryset, query: str):
        query = (query or "").strip()
        if not query:
            return queryset
        return queryset.filter(
            Q(title__icontains=query) | Q(text__icontains=query) | Q(source_note__icontains=query)
        )
