from django.urls import path, re_path

from . import api

app_name = "oruk"
urlpatterns = [
    path("", api.RootView.as_view(), name="root"),
    path("openapi.json", api.OpenApiView.as_view(), name="openapi"),
    path("services", api.ServiceListView.as_view(), name="services"),
    path("services/<uuid:pk>", api.ServiceDetailView.as_view(), name="service"),
    path("service_at_locations", api.ServiceAtLocationListView.as_view(), name="service_at_locations"),
    path(
        "service_at_locations/<uuid:pk>",
        api.ServiceAtLocationDetailView.as_view(),
        name="service_at_location",
    ),
    path("organizations", api.OrganizationListView.as_view(), name="organizations"),
    path("organizations/<uuid:pk>", api.OrganizationDetailView.as_view(), name="organization"),
    path("taxonomies", api.TaxonomyListView.as_view(), name="taxonomies"),
    path("taxonomies/<uuid:pk>", api.TaxonomyDetailView.as_view(), name="taxonomy"),
    path("taxonomy_terms", api.TaxonomyTermListView.as_view(), name="taxonomy_terms"),
    path("taxonomy_terms/<uuid:pk>", api.TaxonomyTermDetailView.as_view(), name="taxonomy_term"),
    # Last: any other address under /oruk/ is a JSON 404, open to any origin.
    re_path(r"^(?P<rest>.*)$", api.UnknownPathView.as_view(), name="unknown"),
]
