"""Links people can follow: a stored address is kept only when it is http, https, mailto or tel.

A stored address ends up in an ``href``, so a ``javascript:``, ``data:`` or ``vbscript:`` one
would run script in a reader's browser. ``url_problem`` is the one check; everything else uses it:

- ``SafeURLField`` for models: model validation, ModelForms, the admin and DRF ModelSerializers
  (which copy a model field's validators) all refuse an unsafe address;
- ``SafeURLFormField`` for forms, and ``SafeURLSerializerField`` for hand-written serializers;
- the Open Referral UK importer, which calls ``url_problem`` on every address in a record;
- the ``safe_url`` template filter (``closeknit_links``) and the ORUK output, so an address stored
  before these checks existed, or written straight to the database, never becomes a link.

Browsers ignore leading spaces and control characters and drop tabs and newlines anywhere in a
URL before reading its scheme (`` JaVaScRiPt:``, ``java\\tscript:``), so the scheme is read the
same way here, and an address holding any space or control character is refused outright.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from typing import Any, TypeGuard

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils.deconstruct import deconstructible
from rest_framework import serializers

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")
ALLOWED_TEXT = "https://, http://, mailto: or tel:"

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# What a browser strips from the ends of a URL, and what it removes anywhere in it (WHATWG URL).
_ENDS = "".join(chr(c) for c in range(0x21))
_REMOVED = str.maketrans("", "", "\t\n\r")
# tel: a global number (+44...) or a local one, with the visual separators RFC 3966 allows.
_TEL = re.compile(r"\+?[0-9().\-]*[0-9][0-9().\-]*")
_WEB = URLValidator(schemes=["http", "https"])


def url_scheme(value: str) -> str:
    """The scheme a browser would read from ``value``, in lower case ("" when it has none)."""
    match = _SCHEME.match(value.strip(_ENDS).translate(_REMOVED))
    return match[1].lower() if match else ""


def _has_space_or_control(value: str) -> bool:
    return any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in value)


def url_problem(value: object) -> tuple[str, str] | None:
    """Why ``value`` may not be stored or shown as a link, as (code, message); None when it may.

    The code is ``unsafe_scheme`` for a scheme other than http, https, mailto or tel, else
    ``invalid_url``; neither is ``invalid``, which a form field would replace with its own vaguer
    text.
    """
    if not isinstance(value, str) or not value:
        return ("invalid_url", f"Enter an address starting {ALLOWED_TEXT}")
    scheme = url_scheme(value)
    if scheme and scheme not in ALLOWED_SCHEMES:
        return (
            "unsafe_scheme",
            f"‘{scheme}:’ addresses are not allowed: enter an address starting {ALLOWED_TEXT}",
        )
    if not scheme:
        # Relative and scheme-relative (//host) addresses would point wherever the page is.
        return ("invalid_url", f"Enter an address starting {ALLOWED_TEXT}")
    if _has_space_or_control(value):
        return ("invalid_url", "Enter the address without spaces, tabs or line breaks")
    rest = value[len(scheme) + 1 :]
    if scheme in ("http", "https"):
        try:
            _WEB(value)
        except ValidationError:
            return ("invalid_url", "Enter a website address like https://example.org")
    elif scheme == "mailto":
        addresses, _, _query = rest.partition("?")
        try:
            if not addresses:
                raise ValidationError("no address")
            for address in addresses.split(","):
                validate_email(urllib.parse.unquote(address))
        except ValidationError:
            return ("invalid_url", "Enter an email link like mailto:name@example.org")
    elif scheme == "tel" and not _TEL.fullmatch(rest.split(";", 1)[0]):
        return ("invalid_url", "Enter a phone link like tel:+441234567890")
    return None


def is_safe_url(value: object) -> TypeGuard[str]:
    """Whether ``value`` may be stored, or shown as a link."""
    return url_problem(value) is None


@deconstructible
class SafeURLValidator:
    """Refuses any address that is not a well-formed http, https, mailto or tel address."""

    def __call__(self, value: object) -> None:
        problem = url_problem(value)
        if problem:
            code, message = problem
            raise ValidationError(message, code=code, params={"value": value})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SafeURLValidator)


validate_safe_url = SafeURLValidator()


class SafeURLFormField(forms.URLField):
    """A form field for an http, https, mailto or tel address.

    A web address typed without a scheme (``example.org``, ``//example.org``) is taken as
    https://; an address with any other scheme is left as typed for the validator to refuse.
    """

    default_validators = [validate_safe_url]

    def __init__(self, *, assume_scheme: str = "https", **kwargs: Any) -> None:
        super().__init__(assume_scheme=assume_scheme, **kwargs)

    def to_python(self, value: Any) -> str | None:
        text = forms.CharField.to_python(self, value)
        if text and url_scheme(text) not in ("", "http", "https"):
            return text
        return super().to_python(value)


class SafeURLField(models.URLField):
    """A model field for an http, https, mailto or tel address (see the module's docstring)."""

    default_validators = [validate_safe_url]

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class or SafeURLFormField, choices_form_class=choices_form_class, **kwargs
        )


class SafeURLSerializerField(serializers.CharField):
    """A DRF field for an http, https, mailto or tel address."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(validate_safe_url)
