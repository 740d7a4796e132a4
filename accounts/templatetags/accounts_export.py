"""Drawing a subject access export's sections (``accounts.privacy.section``) as readable text: used
by a person's My data page and by the subject access export of a record."""

from django import template
from django.template.defaultfilters import linebreaksbr
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
    return linebreaksbr(str(value), autoescape=True)


def _inline(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, dict):
        return "; ".join(f"{humanise(k)}: {_inline(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_inline(v) for v in value)
    return str(value)
