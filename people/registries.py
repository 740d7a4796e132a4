"""What apps above ``people`` add to its pages, without ``people`` importing them: each fills a
list here in its ``AppConfig.ready`` (``matching`` adds suggestions, say).

- ``person_panels``: ``(request, person) -> str | None``, each a piece of HTML drawn on the person's
  page (``None``: nothing to show). Called only for someone who may see the person.
- ``listing_suggesters``: ``(user, person, limit) -> list of listing ids``, best first: what the
  introduction picker offers when no words are typed. The first to answer with any is used; with
  none registered, or none answering, the picker offers the listings within a mile, nearest first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.http import HttpRequest

PersonPanel = Callable[[HttpRequest, Any], str | None]
ListingSuggester = Callable[[Any, Any, int], list[UUID]]

person_panels: list[PersonPanel] = []
listing_suggesters: list[ListingSuggester] = []


def panels_for(request: HttpRequest, person: Any) -> list[str]:
    """The panels other apps draw on ``person``'s page, in the order they were registered."""
    return [html for panel in person_panels if (html := panel(request, person))]
