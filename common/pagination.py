"""The API's page envelope: ``count``, ``page``, ``pages`` and ``results``.

One class does the paging and describes it, so /api/schema/ shows the envelope the views send.
A page number that is not a number, or past the end, gives the last page (as the pages do)
rather than an error."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class NumberedPages(BasePagination):
    """Pages of ``page_size`` items, chosen with the ``page`` query parameter."""

    page_size = 50

    def page_of(self, request: Request, items: QuerySet[Any] | Sequence[Any]) -> Page[Any]:
        """The page of ``items`` that ``?page=`` asks for (the last one when out of range)."""
        return Paginator(items, self.page_size).get_page(request.query_params.get("page"))

    def envelope(self, page: Page[Any], results: Any) -> dict[str, Any]:
        """The page's results wrapped in what the description promises."""
        return {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": results,
        }

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        self.page = self.page_of(request, queryset)
        return list(self.page.object_list)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(self.envelope(self.page, data))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "page", "pages", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "description": "How many there are in all."},
                "page": {"type": "integer", "minimum": 1, "description": "This page's number."},
                "pages": {"type": "integer", "minimum": 1, "description": "How many pages there are."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": f"Which page of {self.page_size} (the last page when past the end).",
                "schema": {"type": "integer"},
            }
        ]


class TwentyPerPage(NumberedPages):
    page_size = 20
