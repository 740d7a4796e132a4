"""How the API answers a refusal, in one place (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

Services refuse with Django's ``ValidationError`` naming the field, so that pages and the API share
one vocabulary. Here that becomes the 400 the API describes: field -> list of messages, or
``non_field_errors`` for a refusal that names no field. Everything else is DRF's own answer
(403 and 404 with ``detail``, its own 400s)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler


def refusal_as_400(error: DjangoValidationError) -> ValidationError:
    """A service's refusal as the API's 400 naming the field (or ``non_field_errors``)."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def handle_api_exception(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, after turning a service's ``ValidationError`` into the described 400."""
    if isinstance(exc, DjangoValidationError):
        exc = refusal_as_400(exc)
    return exception_handler(exc, context)
