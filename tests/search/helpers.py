"""Reading the search index's own storage, for tests of how it is kept."""

from django.db import connection


def index_segments() -> int:
    """How many segments FTS5's document index is stored in (its ``_idx`` table has
    rows for each segment's leaf pages)."""
    from catalogue.search.schema.texts import FTS_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(DISTINCT segid) FROM {FTS_TABLE}_idx")
        return cursor.fetchone()[0]
