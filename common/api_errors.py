"""How the API answers a refusal, in one place (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

Services refuse with :class:`common.errors.Refusal` (a Django ``ValidationError``) naming the field,
so that pages and the API share one vocabulary. Here a :class:`~common.errors.NotVisible` becomes
the API's 404, a :class:`~common.errors.NotPermitted` its 403 and a :class:`~common.errors.TooOften`
its 429, each with ``detail``; any other
refusal becomes the 400 the API describes: field -> list of messages, or ``non_field_errors`` for a
refusal that names no field. Everything else is DRF's own answer (its 403, 404 and 400s)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import NotPermitted, NotVisible, TooOften, message_of


def refusal_as_400(error: DjangoValidationError) -> ValidationError:
    """A service's refusal as the API's 400 naming the field (or ``non_field_errors``)."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def as_api_error(error: Exception) -> Exception:
    """The DRF exception that answers a service's refusal; any other exception unchanged."""
    if isinstance(error, NotVisible):
        return NotFound()
    if isinstance(error, NotPermitted):
        return PermissionDenied(message_of(error))
    if isinstance(error, TooOften):
        return Throttled(detail=message_of(error))
    if isinstance(error, DjangoValidationError):
        return refusal_as_400(error)
    return error


def handle_api_exception(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, after turning a service's refusal into the described 403, 404, 429 or 400."""
    return exception_handler(as_api_error(exc), context)
