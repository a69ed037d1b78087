"""Ordering by named keys that map to a deterministic column tuple, so cursor
pagination never splits ties inconsistently between pages."""

from rest_framework.filters import OrderingFilter


class NamedOrdering(OrderingFilter):
    """``?ordering=<key>`` where the view's ``ordering_choices`` maps each key to columns.

    The last column is unique (the id), so the order is total and a keyset cursor
    (``pagination.CataloguePagination``) never skips or repeats a row.
    """

    def get_ordering(self, request, queryset, view):
        choices = view.ordering_choices
        key = request.query_params.get(self.ordering_param)
        if key not in choices:
            key = view.default_ordering
        return list(choices[key])

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Sort order; default '{view.default_ordering}'.",
                "schema": {"type": "string", "enum": list(view.ordering_choices)},
            }
        ]
