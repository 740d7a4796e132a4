from django.urls import path, re_path

from common.replicas import stale_reads_ok

from . import api

app_name = "oruk"
urlpatterns = [
    path("", stale_reads_ok(api.RootView.as_view()), name="root"),
    path("openapi.json", stale_reads_ok(api.OpenApiView.as_view()), name="openapi"),
    path("services", stale_reads_ok(api.ServiceListView.as_view()), name="services"),
    path("services/<uuid:pk>", stale_reads_ok(api.ServiceDetailView.as_view()), name="service"),
    path(
        "service_at_locations",
        stale_reads_ok(api.ServiceAtLocationListView.as_view()),
        name="service_at_locations",
    ),
    path(
        "service_at_locations/<uuid:pk>",
        stale_reads_ok(api.ServiceAtLocationDetailView.as_view()),
        name="service_at_location",
    ),
    path("organizations", stale_reads_ok(api.OrganizationListView.as_view()), name="organizations"),
    path(
        "organizations/<uuid:pk>", stale_reads_ok(api.OrganizationDetailView.as_view()), name="organization"
    ),
    path("taxonomies", stale_reads_ok(api.TaxonomyListView.as_view()), name="taxonomies"),
    path("taxonomies/<uuid:pk>", stale_reads_ok(api.TaxonomyDetailView.as_view()), name="taxonomy"),
    path("taxonomy_terms", stale_reads_ok(api.TaxonomyTermListView.as_view()), name="taxonomy_terms"),
    path(
        "taxonomy_terms/<uuid:pk>", stale_reads_ok(api.TaxonomyTermDetailView.as_view()), name="taxonomy_term"
    ),
    # Last: any other address under /oruk/ is a JSON 404, open to any origin.
    re_path(r"^(?P<rest>.*)$", stale_reads_ok(api.UnknownPathView.as_view()), name="unknown"),
]
