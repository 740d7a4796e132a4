"""A search result's card, rendered once and kept until the listing's details, its distance, its
next session or the day change: ``{% listing_card listing today near_search %}``.

Rendering a card is most of a results page's template work (its sessions in words, dates, the
link); the same card is shown by many searches. What it is made from is public and kept under the
directory's generation (directory.kept), so any change to a listing is shown at once.
"""

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from directory import kept
from directory.models import Service

register = template.Library()

CARD = "directory/_listing_card.html"


def _card_key(context, listing: Service, today, near_search) -> str:
    session = getattr(listing, "next_session", None)
    # The generation the view read once for the whole page (search.html), else read here.
    return kept.key_in(
        context.get("kept_generation"),
        "card",
        listing.pk,
        getattr(listing, "distance_miles", None),
        bool(near_search),
        (session.starts, session.ends) if session else None,
        today,
    )


def _kept_cards(context, today, near_search) -> dict[str, str]:
    """The kept cards of every listing on the page (``page`` in the context), asked of the cache in
    one round trip (with Redis, one per card cost 5 ms a search page: docs/performance.md)."""
    found = context.render_context.get("directory_kept_cards")
    if found is None:
        keys = [_card_key(context, listing, today, near_search) for listing in context.get("page") or []]
        found = cache.get_many(keys) if keys else {}
        context.render_context["directory_kept_cards"] = found
    return found


@register.simple_tag(takes_context=True)
def listing_card(context, listing: Service, today, near_search=None) -> SafeString:
    key = _card_key(context, listing, today, near_search)
    html = _kept_cards(context, today, near_search).get(key)
    if html is None:
        html = render_to_string(CARD, {"listing": listing, "today": today, "near_search": near_search})
        if kept.may_keep():
            cache.set(key, str(html), kept.KEPT_FOR)
    # Our own template's output, escaped when it was rendered.
    return mark_safe(html)  # noqa: S308
