"""Published figures in templates: a suppressed count says what it is, to the eye and to a screen
reader, and a table holding one says why under it.

``{{ row.count|figure }}`` draws the count, or "fewer than 5" with its reason for a screen reader;
``{{ row.agree|share }}`` a percentage, or "–" said as withheld;
``{% if rows|any_suppressed %}{% include "includes/suppression_note.html" %}{% endif %}``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.html import format_html

from common.suppression import SUPPRESSED, WHY_SUPPRESSED
from common.suppression import any_suppressed as _any_suppressed

register = template.Library()


@register.filter
def figure(value: object, start: str = "") -> str:
    """The count, or "fewer than 5" marked as withheld to protect people (capitalised, to start a
    sentence, with ``figure:"start"``)."""
    if value is None:
        return format_html(
            '<span class="ck-suppressed">{}</span><span class="govuk-visually-hidden"> ({})</span>',
            SUPPRESSED.capitalize() if start else SUPPRESSED,
            "withheld so that no one can be picked out",
        )
    return str(value)


@register.filter
def share(value: object) -> str:
    """A percentage, or "–" (said to a screen reader as withheld) when it rests on fewer than 5."""
    if value is None:
        return format_html(
            '<span aria-hidden="true">–</span><span class="govuk-visually-hidden">{}</span>',
            f"withheld: it rests on {SUPPRESSED}",
        )
    return f"{value}%"


@register.filter
def any_suppressed(rows: Iterable[Mapping[str, Any]], key: str = "count") -> bool:
    """Whether any of the rows' ``key`` (``count`` unless named) is withheld."""
    return _any_suppressed(rows or [], key)


@register.simple_tag
def why_suppressed() -> str:
    """The sentence saying what "fewer than 5" means and why it is there."""
    return WHY_SUPPRESSED
