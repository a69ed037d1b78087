"""An index for the admin's search by message number (a telegram's "1581").

The document list's search box also finds the documents sent as a number it is given;
with no index that read every document's row: ~0.1 s a search at 100,000 documents
(more at a million: not measured). Partial: only the documents with a number are in
it (two in five of the generated catalogue), so an import writes an entry for those
alone. An index change only: no search re-index. On PostgreSQL the build locks the
document table while it runs: run it in a deploy window, as the other index migrations.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0017_title_order_agent_documents")]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=~models.Q(message_number=""),
                fields=["message_number"],
                name="document_message_number",
            ),
        ),
    ]
