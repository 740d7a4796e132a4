"""The residents' suggestions page, under the public directory (``/directory/suggestions/``)."""

from django.urls import path

from . import public_views

app_name = "suggestions"

urlpatterns = [
    path("", public_views.suggestions, name="find"),
]
