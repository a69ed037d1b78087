"""Keyset ("cursor") pagination over a named ordering of several columns.

DRF's CursorPagination positions on the first ordering column only and cannot take a
NULL there, so ordering documents by their (nullable) date needed an expression,
which no index serves: a date-ordered page cost seconds at 100,000 documents. Here
the cursor carries the whole key of the last row, NULLs included, so each page walks
an index in order: stable under inserts, no COUNT(*).

A nullable column sorts its NULLs last in either direction (undated documents after
the dated ones, oldest or newest first, as on the public site). That order is not a
plain column order on any database (SQLite puts NULLs first, PostgreSQL last, and
SQLite cannot index ``NULLS LAST``), so a nullable column is ordered by the key
``(column IS NULL, column)``, which an expression index serves on both (see the
document indexes ``document_date_order``/``document_date_order_desc``).

"Rows after the cursor" is one row-value comparison over that key, ``(date IS NULL,
date, time IS NULL, time, id) > (…)``, not an OR of (a = x AND b > y) terms: SQLite
(3.15+) and PostgreSQL seek an index to a row-value bound, while the OR made both
scan the index from its start (a page at the 45,000th document cost ~20 ms of CPU per
thousand rows skipped). A row value needs one direction throughout, so a flag is
written ``IS NULL`` or ``IS NOT NULL`` to run the way its column does (``-date`` walks
``(date IS NOT NULL, date, time IS NOT NULL, time, id)`` downwards: index
``document_date_seek_desc``, migration 0010). NULL never compares equal, so a NULL in
the cursor leaves its column out of the row value (rows tied on the flag before it
are NULL there too); a flag at the start of the key that no later row can change
becomes an equality (``date IS NULL`` going forwards from an undated document, the
date set going back from a dated one).
"""

import base64
import datetime
import json

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import BooleanField, Expression, F, Q, Value
from django.db.models.lookups import IsNull
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

NOTHING = Q(pk__in=[])


def _after(key):
    """Rows strictly after ``key``, a list of ``(field, value, descending,
    nulls_first)`` in walking order; ``nulls_first`` is ``None`` for a NOT NULL column."""
    if not key:
        return NOTHING
    (field, value, descending, nulls_first), rest = key[0], key[1:]
    tail = _after(rest)
    beyond = Q(**{f"{field}__{'lt' if descending else 'gt'}": value})
    if nulls_first is None:
        return beyond | (Q(**{field: value}) & tail)
    null, not_null = Q(**{f"{field}__isnull": True}), Q(**{f"{field}__isnull": False})
    if nulls_first:
        if value is None:
            return not_null | (null & tail)
        return beyond | (Q(**{field: value}) & tail)
    if value is None:
        return null & tail
    return beyond | null | (Q(**{field: value}) & tail)


class RowCompare(Expression):
    """``(a, b, …) <op> (x, y, …)``: a row-value comparison, which Django cannot write."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, lhs, op, rhs):
        super().__init__()
        self.lhs, self.op, self.rhs = list(lhs), op, list(rhs)

    def get_source_expressions(self):
        return [*self.lhs, *self.rhs]

    def set_source_expressions(self, exprs):
        self.lhs, self.rhs = exprs[: len(self.lhs)], exprs[len(self.lhs) :]

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for side in (self.lhs, self.rhs):
            parts = []
            for expr in side:
                sql, p = compiler.compile(expr)
                parts.append(f"({sql})")  # "a IS NULL = 0" must not parse as "a IS (NULL = 0)"
                params.extend(p)
            sides.append(parts[0] if len(parts) == 1 else f"({', '.join(parts)})")
        return f"{sides[0]} {self.op} {sides[1]}", params


def _seek(model, walk, values, vendor):
    """Rows strictly after the cursor as one index-seekable condition, or ``None`` when
    the walk mixes directions (then the OR form of ``_after`` is used)."""
    if len({desc for _, desc, _ in walk}) != 1:
        return None
    descending = walk[0][1]
    eq, lhs, rhs = Q(), [], []
    leading = True
    for (name, desc, nulls_first), value in zip(walk, values, strict=True):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None  # an annotation
        if nulls_first is None:
            leading = False
            lhs.append(F(name))
            rhs.append(Value(field.to_python(value), output_field=field))
            continue
        # The flag runs the way the column does: IS NULL rises when NULLs come last
        # ascending or first descending.
        flag_is_null = nulls_first == desc
        flag = IsNull(F(name), flag_is_null)
        flag_value = (value is None) == flag_is_null
        # At the start of the key a cursor on the last flag value of the walk (NULL
        # going forwards, set going back) has every later row on it too: an equality.
        # Going back, only PostgreSQL gains: it estimates a row value from its first
        # element, and "flag < false" looks empty (then it joins and sorts every row
        # before the cursor); SQLite, given the equality, prefers the status index
        # and a sort (~350 ms at 100k) to the order index (~17 ms).
        last_flag = (value is None) != nulls_first
        if leading and last_flag and (value is None or vendor == "postgresql"):
            eq &= RowCompare([flag], "=", [Value(flag_value)])
            if value is None:
                eq &= Q(**{f"{name}__isnull": True})
                continue
        else:
            lhs.append(flag)
            rhs.append(Value(flag_value))
        leading = False
        if value is not None:
            lhs.append(F(name))
            rhs.append(Value(field.to_python(value), output_field=field))
    if not lhs:
        return NOTHING
    return eq & RowCompare(lhs, "<" if descending else ">", rhs)


def _order_by(name, descending, nulls_first):
    """ORDER BY terms of one column: plain for a NOT NULL column, else its IS NULL
    flag first, in the form the indexes are built on."""
    column = F(name).desc() if descending else F(name).asc()
    if nulls_first is None:
        return [column]
    flag = IsNull(F(name), nulls_first == descending)
    return [flag.desc() if descending else flag.asc(), column]


def _nullable(model, name) -> bool:
    try:
        return model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True  # an annotation: assume the worst


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


class CataloguePagination(BasePagination):
    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        from .ordering import NamedOrdering

        self.request = request
        self.page_size = self._page_size(request)
        columns = NamedOrdering().get_ordering(request, queryset, view)
        self.fields = [(c.lstrip("-"), c.startswith("-")) for c in columns]
        cursor = self._decode(request.query_params.get(self.cursor_query_param))
        backwards = bool(cursor and cursor["r"])
        # (name, descending, nulls_first) in walking order: NULLs come last going
        # forwards in either direction, so first when walking back.
        walk = [
            (name, desc != backwards, backwards if _nullable(queryset.model, name) else None)
            for name, desc in self.fields
        ]
        queryset = queryset.order_by(*(term for column in walk for term in _order_by(*column)))
        if cursor is not None:
            try:
                after = _seek(queryset.model, walk, cursor["k"], connections[queryset.db].vendor)
            except (ValidationError, TypeError, ValueError) as exc:
                raise NotFound("Invalid cursor.") from exc
            if after is None:
                key = [
                    (name, value, desc, nulls_first)
                    for (name, desc, nulls_first), value in zip(walk, cursor["k"], strict=True)
                ]
                after = _after(key)
            queryset = queryset.filter(after)
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        self.has_next = more if not backwards else True
        self.has_previous = (cursor is not None) if not backwards else more
        self.rows = rows
        return rows

    def _page_size(self, request):
        try:
            size = int(request.query_params[self.page_size_query_param])
        except (KeyError, ValueError):
            return self.page_size
        return max(1, min(size, self.max_page_size))

    def _key(self, row):
        if isinstance(row, dict):
            return [_plain(row[name]) for name, _ in self.fields]
        return [_plain(getattr(row, name)) for name, _ in self.fields]

    def _decode(self, token):
        if not token:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
            if len(data["k"]) != len(self.fields):
                raise ValueError("wrong key length")
            return {"k": data["k"], "r": bool(data.get("r"))}
        except (ValueError, KeyError, TypeError) as exc:
            raise NotFound("Invalid cursor.") from exc

    def _link(self, row, backwards):
        token = json.dumps({"k": self._key(row), "r": int(backwards)}, separators=(",", ":"))
        cursor = base64.urlsafe_b64encode(token.encode()).decode()
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self):
        if not self.has_next or not self.rows:
            return None
        return self._link(self.rows[-1], backwards=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if not self.rows:
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self._link(self.rows[0], backwards=True)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {**link, "description": "The following page, if any."},
                "previous": {**link, "description": "The preceding page, if any."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a 'next' or 'previous' link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page (1–{self.max_page_size}, default {self.page_size}).",
                "schema": {"type": "integer"},
            },
        ]
