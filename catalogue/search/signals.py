"""Keep the index's triggers out of the way of migrations, and in place afterwards.

``pre_migrate`` drops the triggers (SQLite rebuilds tables to alter them and cannot
rename a table while a trigger refers to the dropped original); ``post_migrate`` creates
the index table if needed, re-creates the triggers, and rebuilds the index when any
migration ran or the row counts disagree, so writes made while the triggers were away
are never lost.
"""

from django.db import connections


def drop_search_triggers(sender, using="default", **kwargs):
    from . import schema

    if using == "default":
        schema.drop_triggers(connections[using])


def ensure_search_index(sender, using="default", plan=None, **kwargs):
    from catalogue.models import Agent, Document

    from . import get_backend, schema

    connection = connections[using]
    if using != "default" or not schema.install(connection):
        return
    backend = get_backend()
    if (
        plan
        or backend.indexed_count() != Document.objects.count()
        or schema.indexed_agents(connection) != Agent.objects.count()
    ):
        backend.rebuild()
