"""A scheme's directory listing says who can use it, in the scheme's own words: when a scheme is
saved (in the back office or by a service) its "who can use it" is written to its listing's
eligibility. ``directory`` sits below ``transport`` and knows nothing of schemes, so transport
keeps the listing in step from its side (connected in ``apps.py``). How to book is the listing's
own "how to join", phone and email, which the scheme's pages show as they are."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from directory.models import Service

from .models import Scheme


def scheme_saved(sender: type[Scheme], instance: Scheme, raw: bool = False, **kwargs: Any) -> None:
    """Write the scheme's "who can use it" to its listing's eligibility, when it says something
    the listing does not yet (a fixture being loaded is left as it is)."""
    if raw or instance.listing_id is None or not instance.who_can_use.strip():
        return
    words = instance.who_can_use.strip()
    # An update, not a save: the listing's own save hooks (search, suggestions) are not about this.
    Service.objects.filter(pk=instance.listing_id).exclude(eligibility=words).update(
        eligibility=words, last_modified=timezone.now()
    )
