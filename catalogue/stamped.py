"""Figures kept until the catalogue changes.

Some public pages count over every published document: the front page's figures, the
chronology's documents per day, the agent index's and agent pages' document counts,
OAI-PMH's earliest datestamp (withdrawn records included, as deleted records), the
sitemap's latest change. A fraction of a second each at 100,000 documents, on every
request. They are cached under the catalogue's change stamp, which database triggers
renew on any write to the tables counted, so the first request after a change
recounts and the rest read the cache. The stamp is the primary's, so a figure is
computed there too: from a replica that has not yet replayed the write, a stale count
would be kept under the new stamp."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from archive_site.db_router import reads_from_primary
from catalogue.search.facets import change_stamp

CACHE_SECONDS = 600

T = TypeVar("T")


def cached_until_change(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, or its value from the cache if the catalogue has not changed
    since (one query: the stamp). Without the stamp's table (a database before the
    search migrations) it is computed every time."""
    stamp = change_stamp()
    key = f"{name}:{stamp}"
    value = cache.get(key) if stamp is not None else None
    if value is None:
        with reads_from_primary():
            value = compute()
        if stamp is not None:
            cache.set(key, value, CACHE_SECONDS)
    return value
