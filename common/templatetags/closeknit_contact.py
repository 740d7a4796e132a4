"""Contacts in templates: ``{{ listing.phone|contact_link }}`` is a ``tel:`` link for a phone
number, a ``mailto:`` link for an email address, and plain (escaped) text for anything else."""

from __future__ import annotations

import re
from urllib.parse import quote

from django import template
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

# A telephone number as people write one: an optional +, then digits with spaces, dots, dashes or
# brackets between them ("0161 912 2000", "+44 (0)161 912 2000", "07700-900123").
_PHONE = re.compile(r"^\+?[0-9(][0-9 ().-]*[0-9]$")
_MIN_DIGITS, _MAX_DIGITS = 3, 15  # 999 and 111 are numbers too; E.164 allows at most 15 digits


def phone_digits(text: str) -> str | None:
    """The digits to dial (with a leading + kept) when ``text`` is a phone number, else None.

    "(0)" in an international number ("+44 (0)161 ...") is not dialled."""
    if not _PHONE.match(text):
        return None
    dialled = text.replace("(0)", "") if text.startswith("+") else text
    digits = re.sub(r"[^0-9]", "", dialled)
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS:
        return None
    return ("+" if text.startswith("+") else "") + digits


def is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


@register.filter
def contact_link(value: object) -> SafeString:
    """A phone number as a ``tel:`` link, an email address as a ``mailto:`` link, else the text.

    The link is built only from a value that is wholly one or the other, so no other scheme
    (``javascript:`` and the like) can come of it; the email's characters that mean something in
    a ``mailto:`` address (``?``, ``&``, ``%``, ``#``) are percent-encoded, so an address cannot
    add recipients or a subject."""
    text = str(value or "").strip()
    if not text:
        return SafeString("")
    digits = phone_digits(text)
    if digits is not None:
        return format_html('<a class="govuk-link" href="tel:{}">{}</a>', digits, text)
    if is_email(text):
        return format_html('<a class="govuk-link" href="mailto:{}">{}</a>', quote(text, safe="@.+-_'"), text)
    return conditional_escape(text)
