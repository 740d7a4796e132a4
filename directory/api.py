"""Closeknit's own directory search API: the search page's answers, as JSON."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import TwentyPerPage

from . import selectors
from .forms import ListingSearchForm
from .timetable import next_session


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


class NextSessionSerializer(serializers.Serializer):
    starts = serializers.DateTimeField()
    ends = serializers.DateTimeField(allow_null=True)


class ListingResultSerializer(serializers.Serializer):
    """What `_listing` sends for one listing (describes the answer; the view builds the dict)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    provider = serializers.CharField()
    description = serializers.CharField()
    cost = serializers.CharField()
    status = serializers.CharField()
    distance_miles = serializers.FloatField(allow_null=True, help_text="Null without a postcode.")
    covers_area = serializers.BooleanField(help_text="Serves the postcode's area (no venue to measure to).")
    next_session = NextSessionSerializer(allow_null=True)
    last_checked = serializers.DateField()
    stale = serializers.BooleanField()
    url = serializers.URLField()


class SearchErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Field name to messages."
    )


class ListingSearchView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = TwentyPerPage  # describes the envelope the view sends

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
        ],
        responses={
            200: ListingResultSerializer(many=True),
            400: OpenApiResponse(SearchErrorsSerializer, description="A field is wrong: `errors` says how."),
        },
    )
    def get(self, request):
        form = ListingSearchForm(request.query_params)
        if not form.is_valid():
            return Response(
                {"errors": {field: list(errors) for field, errors in form.errors.items()}}, status=400
            )
        pages = self.pagination_class()
        page = selectors.search_page(form.search(), request.query_params.get("page"), pages.page_size)
        now = timezone.now()
        return Response(pages.envelope(page, [_listing(listing, request, now) for listing in page]))
