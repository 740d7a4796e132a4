"""URLs for test_errors: views that let a refusal escape, as a careless view might."""

from django.urls import include, path

from common.errors import NotPermitted, NotVisible


def not_permitted(request):
    raise NotPermitted("Only brokers may see this.")


def not_visible(request):
    raise NotVisible("Person 12 is on another team.")


urlpatterns = [
    path("not-permitted/", not_permitted),
    path("not-visible/", not_visible),
    path("", include("closeknit.urls")),  # the error pages' navigation links to the real pages
]
