"""Two indexes for pages that sorted tens of thousands of rows to show one page.

``document_status_title`` serves search sorted by title (and the API's ``title``
ordering for anonymous clients): the published documents in title order read from the
index, where SQLite sorted every published row to cut one page (~1.2 s for page 200,
~8 s for the last page at 100,000 documents).

``documentagent_agent_role`` gains ``document``: an agent's documents are read from
the index alone (an agent page's ids, its role counts, the agent index's counts), not
from a table row per link (~38,000 for the Department of State at 100,000 documents).
Same name, so every lookup the narrower index served (it is a prefix) is served as
before. Index changes only: no search re-index. On PostgreSQL the drop and the builds
share one transaction, locking both tables while the indexes build: run it in a deploy
window, as the other index migrations.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0016_citation_number_covering")]

    operations = [
        migrations.RemoveIndex(model_name="documentagent", name="documentagent_agent_role"),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["status", "title", "id"], name="document_status_title"),
        ),
        migrations.AddIndex(
            model_name="documentagent",
            index=models.Index(
                fields=["agent", "role", "document"], name="documentagent_agent_role"
            ),
        ),
    ]
