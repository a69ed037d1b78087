"""``citation_publication_number`` covers the importer's lookup of the first document
printed as each FRUS number.

Why: an import asks, per batch, ``MIN(document_id)`` of the ``published_in`` citations
of hundreds of document numbers. At 100,000 documents each number is printed by ~140
generated records, and with ``(publication_id, document_number)`` every one of those
citations was read from the table to test ``kind`` and take ``document_id``: ~20 ms per
300 numbers, ~0.09 s of a 1,000-text import. With ``kind`` and ``document_id`` in the
index the lookup reads the index alone (~5 ms per 300 numbers). Same name, so every
lookup the narrower index served (it is a prefix) is served as before. An index change
only: no search re-index (``catalogue.search.install``). On PostgreSQL the drop and the
build share one transaction, so ``catalogue_citation`` is locked (reads included) while
the index builds over its ~2.6 rows per document (seconds at 1,000,000 documents): run
it in a deploy window, as the other index migrations.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0015_login_failures")]

    operations = [
        migrations.RemoveIndex(model_name="citation", name="citation_publication_number"),
        migrations.AddIndex(
            model_name="citation",
            index=models.Index(
                fields=["publication", "document_number", "kind", "document"],
                name="citation_publication_number",
            ),
        ),
    ]
