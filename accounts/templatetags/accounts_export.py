"""Drawing a subject access export's sections (``accounts.privacy.section``) as readable text: used
by a person's My data page and by the subject access export of a record."""

import re
from datetime import datetime

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def humanise(key: str) -> str:
    """A data key as a heading a person reads: "what_matters_to_me" -> "What matters to me"."""
    return str(key).replace("_", " ").capitalize()


@register.filter
def export_value(value) -> str:
    """Any value of a subject access export, drawn as readable text: lists joined, records and
    answers as "label: value" lines, nothing missing as a dash. The page and the PDF draw every
    section with it, so they show whatever the export holds."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, dict):
        return format_html_join(
            mark_safe("<br>"), "{}: {}", ((humanise(k), _inline(v)) for k, v in value.items())
        )
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            return format_html_join(
                mark_safe("<br>"),
                "{}",
                ((", ".join(f"{humanise(k)}: {_inline(v)}" for k, v in record.items()),) for record in value),
            )
        return ", ".join(str(v) for v in value)
    return linebreaksbr(_readable_moment(value), autoescape=True)


def _readable_moment(value) -> str:
    """A moment the export holds in ISO form ("2026-12-03T08:42:53.59+00:00") as a person reads it
    ("3 December 2026, 08:42"), in local time; anything else as it is. The JSON keeps ISO."""
    text = str(value)
    if not _ISO_MOMENT.match(text):
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment.day} {moment:%B %Y, %H:%M}"


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _inline(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, dict):
        return "; ".join(f"{humanise(k)}: {_inline(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_inline(v) for v in value)
    return str(value)
