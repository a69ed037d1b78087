"""Cursor pagination: stable under inserts, no COUNT(*), constant cost at any depth
when ordered by id (the default)."""

from rest_framework.pagination import CursorPagination


class CataloguePagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = "Records per page (1–500, default 50)."
    max_page_size = 500
    ordering = ("id",)
