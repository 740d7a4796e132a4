"""The Open Referral UK API (profile of HSDS 3.0) at /oruk/: public, no key, CORS open."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC

from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import fulltext, kept, selectors
from directory.models import Provider, ServiceAtLocation, Taxonomy, TaxonomyTerm
from places.geo import Point
from places.selectors import PostcodeError, find_postcode, within_miles

from . import openapi, params, serialise
from .paging import paginate

METRES_PER_MILE = 1609.344
# With a postcode but no proximity, /service_at_locations looks this far (metres).
DEFAULT_PROXIMITY = 8047
# More than a listing's age can hold (a PositiveSmallIntegerField).
BEYOND_ANY_AGE = 32768


BAD_PARAMETER = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string"},
        "parameter": {"type": "string", "description": "The query parameter that is wrong."},
    },
}


def oruk_schema(operation_id: str, shape: str, summary: str = "", parameters=()):
    """OpenAPI for one endpoint: the body follows the profile's compiled schema ``shape``."""
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        parameters=list(parameters),
        tags=["Open Referral UK"],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=(f"Follows the Open Referral UK 3.0 compiled schema {shape}."),
            ),
            400: OpenApiResponse(BAD_PARAMETER, description="A parameter is wrong: `detail` says how."),
        },
    )


PAGING = [OpenApiParameter("page", int), OpenApiParameter("per_page", int)]


class OrukView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def handle_exception(self, exc):
        if isinstance(exc, params.BadParameter):
            return Response({"detail": str(exc), "parameter": exc.name}, status=400)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        return response


class UnknownPathView(OrukView):
    """Any other address under /oruk/ (a trailing slash, an id that is not a UUID, a typing slip):
    a JSON 404 in the profile's error shape, open to any origin, rather than the site's HTML page."""

    @extend_schema(exclude=True)
    def get(self, request, rest=""):
        raise NotFound(_unknown_path_message(request.path))

    post = put = patch = delete = head = options = get


def _unknown_path_message(path: str) -> str:
    stripped = path.rstrip("/")
    if stripped != path:
        try:
            served = resolve(stripped).url_name != "unknown"
        except Resolver404:
            served = False
        if served:
            return f"Nothing is at {path}. Leave off the final slash: {stripped}"
    return f"Nothing is at {path}. Ids are UUIDs; every address is in {reverse('oruk:openapi')}"


SEARCH_PARAMETERS = [
    OpenApiParameter("search", str, description="Full text search."),
    OpenApiParameter("page", int),
    OpenApiParameter("per_page", int),
    OpenApiParameter("taxonomy_term_id", OpenApiTypes.UUID),
    OpenApiParameter("taxonomy_id", OpenApiTypes.UUID),
    OpenApiParameter("organization_id", OpenApiTypes.UUID),
    OpenApiParameter("modified_after", OpenApiTypes.DATETIME),
    OpenApiParameter("minimum_age", float),
    OpenApiParameter("maximum_age", float),
    OpenApiParameter("start_time", str, description="HH:MM: sessions opening at or after."),
    OpenApiParameter("end_time", str, description="HH:MM: sessions closing at or before."),
    OpenApiParameter("day", str, description="MO, TU, WE, TH, FR, SA or SU."),
]


def listing_search(query) -> selectors.ListingSearch:
    term_id = params.identifier(query, "taxonomy_term_id")
    taxonomy_id = params.identifier(query, "taxonomy_id")
    terms = []
    if term_id:
        terms += list(TaxonomyTerm.objects.filter(pk=term_id))
        if not terms:
            raise params.BadParameter("taxonomy_term_id", "no taxonomy term has this id")
    if taxonomy_id:
        taxonomy_terms = list(TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_id))
        if not taxonomy_terms:
            raise params.BadParameter("taxonomy_id", "no taxonomy with terms has this id")
        terms += taxonomy_terms
    minimum_age = params.number(query, "minimum_age")
    maximum_age = params.number(query, "maximum_age")
    # Ages are whole numbers of years here: a service's minimum of at least 17.5 is 18 or more, its
    # maximum of at most 17.5 is 17 or less. Beyond any age a listing can hold, the bound is kept
    # just past it (still matching nothing) rather than sent to the database as a huge number.
    return selectors.ListingSearch(
        text=query.get("search", ""),
        terms=tuple(terms),
        day=params.weekday(query, "day"),
        starts_after=params.clock_time(query, "start_time"),
        ends_before=params.clock_time(query, "end_time"),
        minimum_age=math.ceil(min(minimum_age, BEYOND_ANY_AGE)) if minimum_age is not None else None,
        maximum_age=math.floor(min(maximum_age, BEYOND_ANY_AGE)) if maximum_age is not None else None,
        provider_id=params.identifier(query, "organization_id"),
    )


def _modified_after(listings, query):
    after = params.moment(query, "modified_after")
    if after is not None:
        if timezone.is_naive(after):
            after = timezone.make_aware(after, UTC)
        listings = listings.filter(last_modified__gte=after)
    return listings


class RootView(OrukView):
    @oruk_schema("oruk_root", "(version, profile, openapi_url)", "API version and profile")
    def get(self, request):
        return Response(
            {
                "version": "HSDS-UK-3.0",
                "profile": "https://openreferraluk.org/",
                "openapi_url": request.build_absolute_uri(reverse("oruk:openapi")),
            }
        )


class OpenApiView(OrukView):
    """The OpenAPI 3.1 description of this API (directory.oruk.openapi), built from the profile's."""

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(openapi.oruk_openapi(request.build_absolute_uri(reverse("oruk:root"))))


class ServiceListView(OrukView):
    @oruk_schema(
        "oruk_services_list",
        "service_list.json (service.json with full=true)",
        "Search services",
        [*SEARCH_PARAMETERS, OpenApiParameter("minimal", bool), OpenApiParameter("full", bool)],
    )
    def get(self, request):
        # Public listings, the same for everyone: each page is kept until the directory changes
        # (directory.kept). A bad parameter raises before anything is kept.
        asked = tuple(sorted(request.query_params.lists()))
        return Response(kept.kept("oruk-services", asked, lambda: self._page(request)))

    @staticmethod
    def _page(request) -> dict:
        query = request.query_params
        listings = _modified_after(selectors.search_listings(listing_search(query)), query)
        minimal, full = params.boolean(query, "minimal"), params.boolean(query, "full")
        # Every page of one list shares its pages' first rows (directory.oruk.paging).
        listed = tuple(sorted((name, values) for name, values in query.lists() if name != "page"))
        if minimal:
            return paginate(request, listings, serialise.service_minimal, listed)
        if full:
            listings = selectors.with_full_details(listings)
            return paginate(request, listings, serialise.service_full, listed)
        return paginate(request, listings.select_related("provider"), serialise.service_brief, listed)


class ServiceDetailView(OrukView):
    @oruk_schema("oruk_service", "service.json", "A fully nested service")
    def get(self, request, pk):
        listing = get_object_or_404(
            selectors.with_full_details(selectors.public_listings()),
            pk=pk,
        )
        return Response(serialise.service_full(listing))


class ServiceAtLocationListView(OrukView):
    @oruk_schema(
        "oruk_service_at_locations_list",
        "service_at_location_list.json",
        "Search services at locations",
        [
            *SEARCH_PARAMETERS,
            OpenApiParameter("postcode", str),
            OpenApiParameter("proximity", float, description="Metres from the postcode."),
        ],
    )
    def get(self, request):
        query = request.query_params
        search = listing_search(query)
        # The words are matched on their own: inside this subquery the full-text join would lose its
        # table names (fulltext.ids_matching).
        listings = _modified_after(selectors.search_listings(replace(search, text="")), query)
        rows = ServiceAtLocation.objects.filter(service__in=listings.values("pk")).select_related(
            "location", "service__provider"
        )
        matching = fulltext.ids_matching(search.text)
        if matching is not None:
            rows = rows.filter(service_id__in=matching)
        postcode_text = query.get("postcode", "")
        proximity = params.number(query, "proximity")
        if postcode_text:
            try:
                postcode = find_postcode(postcode_text)
            except PostcodeError as error:
                raise params.BadParameter("postcode", str(error)) from None

            miles = (proximity if proximity is not None else DEFAULT_PROXIMITY) / METRES_PER_MILE
            rows = within_miles(
                rows,
                Point(postcode.latitude, postcode.longitude),
                miles,
                latitude_field="location__latitude",
                longitude_field="location__longitude",
            ).order_by("distance_miles", "service__name", "pk")  # ties (a shared venue) by name, then id
        elif proximity is not None:
            raise params.BadParameter("proximity", "needs a postcode to measure from")
        else:
            rows = rows.order_by("service__name", "pk")
        return Response(paginate(request, rows, serialise.service_at_location_brief))


class ServiceAtLocationDetailView(OrukView):
    @oruk_schema("oruk_service_at_location", "service_at_location.json", "A service at a location")
    def get(self, request, pk):
        row = get_object_or_404(
            ServiceAtLocation.objects.select_related(
                "location__postcode__local_authority", "service__provider"
            ).filter(service__in=selectors.public_listings().values("pk")),
            pk=pk,
        )
        return Response(serialise.service_at_location_full(row))


class OrganizationListView(OrukView):
    @oruk_schema("oruk_organizations_list", "organization_list.json", "Organizations", PAGING)
    def get(self, request):
        providers = (
            Provider.objects.filter(services__in=selectors.public_listings())
            .distinct()
            .order_by("name", "pk")
            .prefetch_related("organization_identifiers")
        )
        return Response(paginate(request, providers, serialise.organization))


class OrganizationDetailView(OrukView):
    @oruk_schema("oruk_organization", "organization.json", "An organization with its services")
    def get(self, request, pk):
        provider = get_object_or_404(Provider, pk=pk)
        listings = selectors.with_full_details(selectors.public_listings().filter(provider=provider))
        return Response(
            serialise.organization(provider) | {"services": [serialise.service_full(s) for s in listings]}
        )


class TaxonomyListView(OrukView):
    @oruk_schema("oruk_taxonomies_list", "taxonomy.json", "Taxonomies", PAGING)
    def get(self, request):
        return Response(paginate(request, Taxonomy.objects.order_by("name", "pk"), serialise.taxonomy))


class TaxonomyDetailView(OrukView):
    @oruk_schema("oruk_taxonomy", "taxonomy.json", "A taxonomy")
    def get(self, request, pk):
        return Response(serialise.taxonomy(get_object_or_404(Taxonomy, pk=pk)))


class TaxonomyTermListView(OrukView):
    @oruk_schema(
        "oruk_taxonomy_terms_list",
        "taxonomy_term.json",
        "Taxonomy terms",
        [*PAGING, OpenApiParameter("taxonomy_id", OpenApiTypes.UUID)],
    )
    def get(self, request):
        terms = TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "pk")
        taxonomy_id = params.identifier(request.query_params, "taxonomy_id")
        if taxonomy_id:
            terms = terms.filter(taxonomy_id=taxonomy_id)
        return Response(paginate(request, terms, serialise.taxonomy_term))


class TaxonomyTermDetailView(OrukView):
    @oruk_schema("oruk_taxonomy_term", "taxonomy_term.json", "A taxonomy term")
    def get(self, request, pk):
        return Response(
            serialise.taxonomy_term(get_object_or_404(TaxonomyTerm.objects.select_related("taxonomy"), pk=pk))
        )
