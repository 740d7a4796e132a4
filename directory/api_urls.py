"""The directory's REST API, included under ``/api/`` by the project's URLs (the ORUK API is
``directory.oruk.urls``). Names are not namespaced: ``reverse("api_listing_search")``."""

from django.urls import path

from .api import ListingSearchView

urlpatterns = [
    path("directory/listings/", ListingSearchView.as_view(), name="api_listing_search"),
]
