"""Keep the index's triggers in place after every ``migrate``.

SQLite rebuilds a table (dropping its triggers) when a migration alters it in ways
``ALTER TABLE`` cannot; re-installing after each migrate, and rebuilding when the row
counts disagree, keeps search correct whatever later migrations do.
"""

from django.db import connections


def ensure_search_index(sender, using="default", **kwargs):
    from catalogue.models import Document

    from . import get_backend, schema

    connection = connections[using]
    if using != "default" or not schema.is_installed(connection):
        return
    schema.install(connection)
    backend = get_backend()
    if backend.indexed_count() != Document.objects.count():
        backend.rebuild()
