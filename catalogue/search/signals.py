"""Keep the index's triggers out of the way of migrations, and in place afterwards.

``pre_migrate`` drops the triggers (SQLite rebuilds tables to alter them and cannot
rename a table while a trigger refers to the dropped original); ``post_migrate`` creates
the index table if needed and re-creates the triggers. It rebuilds the index only when
its shape is new or changed, a migration that ran may have written rows while the
triggers were away, or the row counts disagree (see ``install.py``): a deploy with an
unrelated migration no longer re-indexes the whole catalogue.
"""

from django.db import connections


def drop_search_triggers(sender, using="default", **kwargs):
    from . import schema

    if using == "default":
        schema.drop_triggers(connections[using])


def ensure_search_index(sender, using="default", plan=None, **kwargs):
    from catalogue.models import Agent, Document

    from . import get_backend, install, schema

    connection = connections[using]
    if using != "default" or connection.vendor not in ("sqlite", "postgresql"):
        return
    version = schema.shape_version(connection)
    reshaped = install.recorded_version(connection, schema.VERSION_NAME) != version
    if reshaped and schema.is_installed(connection):
        schema.uninstall(connection)
    schema.install(connection)
    backend = get_backend()
    if (
        reshaped
        or install.plan_may_write(plan)
        or _indexed_documents(connection, backend) != Document.objects.count()
        or schema.indexed_agents(connection) != Agent.objects.count()
    ):
        backend.rebuild()
    if reshaped:
        install.record_version(connection, schema.VERSION_NAME, version)


def _indexed_documents(connection, backend) -> int:
    """Rows of the document index. On SQLite from FTS5's ``_docsize`` shadow table (one
    narrow row per document): ``count(*)`` on the FTS5 table itself reads every stored
    text (2 s of the 2.4 s a no-op ``migrate`` spent at 100,000 documents)."""
    from . import schema

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {schema.FTS_TABLE}_docsize")
            return cursor.fetchone()[0]
    return backend.indexed_count()
