"""What django-axes counts failed sign-ins against."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .models import normalise_email


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The normalised email address an attempt names (AXES_USERNAME_CALLABLE).

    Signing in finds the account by this same form, so ``Name@Example.org``, ``NAME@…`` and
    `` name@…`` all count against one account's five guesses and are all refused once it is locked.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field) if request is not None else None
    return normalise_email(value) if value else value
