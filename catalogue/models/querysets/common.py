"""What every queryset module shares."""

from django.db import models

PUBLISHED = "published"


class Unindexed(models.Func):
    """The same value, which SQLite's planner cannot look up in an index (``+column``,
    SQLite's documented way to steer a plan: it keeps no statistics here, and chose
    indexes that made some reads hundreds of times slower). Plain elsewhere."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)
