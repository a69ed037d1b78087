"""Querysets compiled to SQL once and run many times, each time for another key.

Why: the public document page runs eleven small queries whose SQL takes about 1 ms
in SQLite at 100,000 documents, while Django spent about 8 ms compiling them on each
request (the row's eight joins alone 2.4 ms): the compiler walks every selected field,
join and deferred-field mask again each time (docs/performance.md, "Document page, cold
(session 4)"). Their SQL depends only on the database, so it is compiled once per
database alias and reused with the key's value put in its parameters. Rows become model
instances as ``ModelIterable`` makes them (``from_db``, the ``select_related``
populators, annotations), so callers get what the queryset itself would give.

Only for querysets that filter on the key with a plain equality (``filter(pk=key)``,
``filter(document=key)``): the key must reach the parameters as the integer given.
"""

from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models.query import get_related_populators
from django.dispatch import receiver

# Stands for the key while compiling; found again among the compiled parameters.
KEY_MARKER = -1_962_102_816

_ALL: list["PreparedQuery"] = []


class PreparedQuery:
    """``build(key)`` returns the queryset for one key; ``rows(key)`` its model
    instances, from SQL compiled on first use for each database alias."""

    def __init__(self, model, build):
        self.model = model
        self.build = build
        self._compiled: dict[str, _Compiled] = {}
        _ALL.append(self)

    def rows(self, key: int) -> list:
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = _Compiled(self.build(KEY_MARKER), alias)
        return compiled.run(int(key))

    def queryset(self, key: int):
        """The queryset ``build(key)`` with its results already read through ``rows``:
        what a prefetch cache holds, and still a queryset if a caller chains on it."""
        queryset = self.build(key)
        queryset._result_cache = self.rows(key)
        queryset._prefetch_done = True
        return queryset

    def forget(self) -> None:
        self._compiled.clear()


class _Compiled:
    def __init__(self, queryset, alias: str):
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("a prepared query cannot prefetch or carry known objects")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        self.slots = [i for i, p in enumerate(params) if type(p) is int and p == KEY_MARKER]
        if not self.slots:
            raise ValueError("the prepared queryset does not filter on its key")
        self.sql, self.params, self.alias = sql, list(params), alias
        select, klass_info = compiler.select, compiler.klass_info
        if compiler.has_composite_fields([s[0] for s in select[: compiler.col_count]]):
            raise ValueError("a prepared query cannot read composite fields")
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model = klass_info["model"]
        self.start, self.end = start, end
        self.init_list = [s[0].target.attname for s in select[start:end]]
        self.populators = get_related_populators(klass_info, select, alias)
        self.annotations = list(compiler.annotation_col_map.items())
        self.converters = list(
            compiler.get_converters([s[0] for s in select[: compiler.col_count]]).items()
        )

    def run(self, key: int) -> list:
        params = self.params.copy()
        for slot in self.slots:
            params[slot] = key
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        objects = []
        for row in fetched:
            if self.converters:
                row = list(row)
                for position, (functions, expression) in self.converters:
                    value = row[position]
                    for convert in functions:
                        value = convert(value, expression, connection)
                    row[position] = value
            obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


@receiver(setting_changed)
def _forget_compiled(**kwargs):
    # Converters and SQL can depend on settings (DATABASES, USE_TZ, TIME_ZONE).
    for prepared in _ALL:
        prepared.forget()
