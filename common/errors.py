"""The one error vocabulary: how a business rule says no.

A service refuses with a :class:`Refusal` naming the field it is about (or none, for the action as a
whole). Two kinds say more than "no":

- :class:`NotPermitted`: the requester may not do this (the page answers 403, the API 403);
- :class:`NotVisible`: the requester may not even know the thing exists (404 on both);
- :class:`TooOften`: tried more often than a person would in a while (429 on both; a page shows
  the message on its form).

Every other refusal is a 400 in the API and a message on the form (or the page) in the browser.

``Refusal`` is a Django ``ValidationError``, so a form's ``add_error``, a model's ``clean()`` and
the admin understand it, and code catching ``ValidationError`` still catches it. Catch the two
subclasses first where the difference matters; :func:`refusals_as_http` and
:class:`RefusalMiddleware` do that for views.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest


class Refusal(ValidationError):
    """A business rule said no. ``Refusal("message")`` refuses the action as a whole;
    ``Refusal("message", field="name")`` names the field; ``Refusal({"a": "...", "b": "..."})``
    names several, as ``ValidationError`` does."""

    def __init__(self, message: Any, field: str | None = None, **kwargs: Any) -> None:
        if field is not None:
            message = {field: [ValidationError(message, **kwargs)]}
            kwargs = {}
        super().__init__(message, **kwargs)

    def __str__(self) -> str:
        return message_of(self)


class NotPermitted(Refusal):
    """The requester may not do this: 403. Say what they may not do, never what the thing holds."""


class NotVisible(Refusal):
    """The requester may not know this exists: 404, answered exactly as for something missing."""

    def __init__(self, message: Any = "Not found.", field: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, field=field, **kwargs)


class TooOften(Refusal):
    """Tried more often than a person would in a while (a limit of ``common.limits`` used up): 429.
    Say what to do instead (wait, or phone), never how the limit is counted."""


def message_of(error: ValidationError) -> str:
    """A refusal (or any ``ValidationError``) as one sentence for a page's message: its messages
    joined, in order, field names left out (each message already says what it is about)."""
    return " ".join(str(message) for message in error.messages)


def as_http(error: Exception) -> Exception:
    """The page's answer to a refusal that is not about the input: 403 or 404, else the error."""
    if isinstance(error, NotVisible):
        return Http404(message_of(error))
    if isinstance(error, NotPermitted):
        return PermissionDenied(message_of(error))
    return error


@contextmanager
def refusals_as_http() -> Iterator[None]:
    """Inside this block a :class:`NotPermitted` becomes Django's 403 and a :class:`NotVisible` its
    404; every other refusal passes through to be shown with the form."""
    try:
        yield
    except (NotPermitted, NotVisible) as error:
        raise as_http(error) from error


class RefusalMiddleware:
    """A safety net for views: a :class:`NotPermitted` or :class:`NotVisible` that escapes a view is
    answered 403 or 404, never a 500. (The API's exception handler does the same for DRF views.)"""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        answer = as_http(exception)
        if answer is not exception:
            raise answer from exception
