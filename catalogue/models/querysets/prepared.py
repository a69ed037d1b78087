"""Querysets compiled to SQL once and run many times, each time for other keys.

Why: the public document page runs eleven small queries whose SQL takes about 1 ms
in SQLite at 100,000 documents, while Django spent about 8 ms building and compiling
them on each request (the row's eight joins alone 2.4 ms): the compiler walks every
selected field, join and deferred-field mask again each time (docs/performance.md,
"Document page, cold (session 4)"). Their SQL depends only on the database and the
number of keys, so it is compiled once per database alias and number of keys, and
reused with the keys' values put in its parameters. Rows become model instances as
``ModelIterable`` makes them (``from_db``, the ``select_related`` populators,
annotations), so callers get what the queryset itself would give.

Only for querysets that filter on their keys by plain equality or ``__in``
(``filter(pk=key)``, ``filter(document=key)``, ``filter(pk__in=keys)``): each key must
reach the parameters as the integer given. Every other parameter is frozen when the
SQL is first compiled: never prepare a queryset whose filters depend on the time, the
user or the request (an embargo date, a permission); those would keep their first value.
"""

import copy

from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models.query import get_related_populators
from django.dispatch import receiver

# Stand for the keys while compiling (the first key, the second, …); found again
# among the compiled parameters and in the queryset's filters.
KEY_MARKER = -1_962_102_816

_ALL: list["PreparedQuery"] = []


def _markers(count: int) -> list[int]:
    return [KEY_MARKER - n for n in range(count)]


class PreparedQuery:
    """``build(*keys)`` returns the queryset for some keys; ``rows(*keys)`` its model
    instances, from SQL compiled on first use for each database alias and number of
    keys; ``queryset(key)`` the queryset holding them."""

    def __init__(self, model, build):
        self.model = model
        self.build = build
        self._compiled: dict[tuple[str, int], _Compiled] = {}
        self._templates: dict[int, object] = {}
        _ALL.append(self)

    def rows(self, *keys: int) -> list:
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get((alias, len(keys)))
        if compiled is None:
            compiled = _Compiled(self.build(*_markers(len(keys))), alias, len(keys))
            self._compiled[alias, len(keys)] = compiled
        return compiled.run([int(key) for key in keys])

    def queryset(self, key: int):
        """``build(key)`` with its results already read through ``rows``: what a
        prefetch cache holds, and still a queryset filtered on ``key`` if a caller
        chains on it (a copy of one built for the marker, with ``key`` put in its
        filter: building a queryset anew costs ~0.1 ms)."""
        template = self._templates.get(1)
        if template is None:
            template = self._templates[1] = self.build(KEY_MARKER)
        queryset = template._chain()
        if not _put_key(queryset.query.where, KEY_MARKER, int(key)):
            queryset = self.build(key)
        queryset._result_cache = self.rows(key)
        queryset._prefetch_done = True
        return queryset

    def forget(self) -> None:
        self._compiled.clear()
        self._templates.clear()


def _put_key(node, marker: int, key: int) -> bool:
    """Replace ``marker`` by ``key`` in the filters of a cloned where-node (whose
    lookups are still shared with the template's, so they are copied, not changed);
    whether it was found."""
    found = False
    for position, child in enumerate(node.children):
        if hasattr(child, "children"):
            found = _put_key(child, marker, key) or found
        elif type(getattr(child, "rhs", None)) is int and child.rhs == marker:
            child = copy.copy(child)
            child.rhs = key
            node.children[position] = child
            found = True
    return found


class _Compiled:
    def __init__(self, queryset, alias: str, count: int):
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("a prepared query cannot prefetch or carry known objects")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        markers = {marker: n for n, marker in enumerate(_markers(count))}
        self.slots = [
            (i, markers[p]) for i, p in enumerate(params) if type(p) is int and p in markers
        ]
        if {n for _, n in self.slots} != set(markers.values()):
            raise ValueError("the prepared queryset does not filter on each of its keys")
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

    def run(self, keys: list[int]) -> list:
        params = self.params.copy()
        for slot, n in self.slots:
            params[slot] = keys[n]
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
