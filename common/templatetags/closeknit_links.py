"""Stored addresses in templates: ``{{ listing.url|safe_url }}`` before any href or src."""

from django import template

from common.safe_urls import is_safe_url

register = template.Library()


@register.filter
def safe_url(value: object) -> str:
    """The address when it may be a link (http, https, mailto or tel, well formed), else "".

    Fields refuse unsafe addresses when saved, but a row written before that check, or straight
    to the database, must still never become a ``javascript:`` link; so templates check again."""
    return value if is_safe_url(value) else ""
