"""bench/pages.py's URLconf: the product's every address, and beside them a bare Django view (the
floor: a tiny response, no template, no database). Never part of the product's own URLs."""

from django.http import HttpResponse
from django.urls import path

from closeknit.urls import handler400, handler403, handler404, handler500
from closeknit.urls import urlpatterns as product_urls

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *product_urls]
