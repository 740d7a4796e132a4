"""Closeknit's own directory search API: the search page's answers, as JSON."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .forms import ListingSearchForm
from .timetable import next_session

PER_PAGE = 20


def _listing(listing, request, now) -> dict:
    session = next_session(listing, now)
    return {
        "id": str(listing.pk),
        "name": listing.name,
        "provider": listing.provider.name,
        "description": listing.description,
        "cost": listing.cost,
        "status": listing.status,
        "distance_miles": round(listing.distance_miles, 2)
        if getattr(listing, "distance_miles", None) is not None
        else None,
        "covers_area": getattr(listing, "distance_miles", None) is None
        and bool(request.query_params.get("postcode")),
        "next_session": {
            "starts": session.starts.isoformat(),
            "ends": session.ends.isoformat() if session.ends else None,
        }
        if session
        else None,
        "last_checked": listing.last_checked.isoformat(),
        "stale": listing.is_stale(),
        "url": request.build_absolute_uri(reverse("directory:listing", args=[listing.pk])),
    }


class ListingSearchView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="directory_listings_search",
        tags=["Directory"],
        summary="Search published listings (the same search as the Find local support page)",
        parameters=[
            OpenApiParameter("q", str, description="Words to find, each as a prefix."),
            OpenApiParameter("postcode", str, description="Measure distance from this postcode."),
            OpenApiParameter("miles", float, description="0.5, 1, 2, 3, 5 or 10 (default 3)."),
            OpenApiParameter("category", str, description="A category's slug."),
            OpenApiParameter("day", int, description="0 (Monday) to 6 (Sunday)."),
            OpenApiParameter("time", str, enum=["morning", "afternoon", "evening"]),
            OpenApiParameter("free", bool),
            OpenApiParameter("wheelchair", bool),
            OpenApiParameter("order", str, enum=["relevance", "distance", "name"]),
            OpenApiParameter("page", int),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="count, page, pages, results"),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="errors: field name to messages"),
        },
    )
    def get(self, request):
        form = ListingSearchForm(request.query_params)
        if not form.is_valid():
            return Response(
                {"errors": {field: list(errors) for field, errors in form.errors.items()}}, status=400
            )
        page = selectors.search_page(form.search(), request.query_params.get("page"), PER_PAGE)
        now = timezone.now()
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": [_listing(listing, request, now) for listing in page],
            }
        )
